#!/usr/bin/env bash
# `npm test`: every tier, in order of speed. Fails on the first failing tier.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n=== %s\n' "$*"; }

# Every tier's report is also kept in a temp file, so that the run can close with one line of totals
# in the plain form CI services read ("tests: N passed, N failed"): mocha's own "N passing" lines are
# not a closing line they know, and a run judged by them alone counted as "ran no test".
report=$(mktemp "${TMPDIR:-/tmp}/cl-test-report-XXXXXX")
xdg=""
cleanup() { rm -f "$report"; [ -z "$xdg" ] || rm -rf "$xdg"; }
trap cleanup EXIT
tier() { "$@" 2>&1 | tee -a "$report"; }

step "lint (includes the layering rules)"
npm run --silent lint
step "typecheck (per-layer tsconfigs)"
npm run --silent typecheck
step "build (webpack, all bundles)"
npm run --silent build
step "unit tests (plain Node)"
tier npm run --silent test:unit
step "webview tests (headless Chromium)"
# Chromium writes crash-report and dconf state under XDG_CONFIG_HOME / XDG_CACHE_HOME (default:
# the home folder); point them into a temp folder so a test run writes nothing outside the repo
# and the OS temp folder. (HOME stays: npm reads the user's registry settings from it.)
xdg=$(mktemp -d "${TMPDIR:-/tmp}/cl-xdg-XXXXXX")
mkdir -m 700 -p "$xdg/config" "$xdg/cache" "$xdg/runtime"
tier env XDG_CONFIG_HOME="$xdg/config" XDG_CACHE_HOME="$xdg/cache" XDG_RUNTIME_DIR="$xdg/runtime" npm run --silent test:webview
step "integration tests (real VS Code extension host)"
tier npm run --silent test:integration

# Totals over the tiers: mocha closes each suite with "  N passing", "  N failing", "  N pending"
# (two spaces in; our own log lines never start that way). A failing tier stopped the run above.
total() { awk -v word="$1" '$0 ~ "^  [0-9]+ " word "( |$)" { n += $1 } END { print n + 0 }' "$report"; }
passed=$(total passing) failed=$(total failing) skipped=$(total pending)
printf '\ntests: %s passed, %s failed' "$passed" "$failed"
[ "$skipped" = 0 ] && printf '\n' || printf ', %s skipped\n' "$skipped"
