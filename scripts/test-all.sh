#!/usr/bin/env bash
# `npm test`: every tier, in order of speed. Fails on the first failing tier.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n=== %s\n' "$*"; }

step "lint (includes the layering rules)"
npm run --silent lint
step "typecheck (per-layer tsconfigs)"
npm run --silent typecheck
step "build (webpack, all bundles)"
npm run --silent build
step "unit tests (plain Node)"
npm run --silent test:unit
step "webview tests (headless Chromium)"
# Chromium writes crash-report and dconf state under XDG_CONFIG_HOME / XDG_CACHE_HOME (default:
# the home folder); point them into a temp folder so a test run writes nothing outside the repo
# and the OS temp folder. (HOME stays: npm reads the user's registry settings from it.)
xdg=$(mktemp -d "${TMPDIR:-/tmp}/cl-xdg-XXXXXX")
mkdir -m 700 -p "$xdg/config" "$xdg/cache" "$xdg/runtime"
trap 'rm -rf "$xdg"' EXIT
XDG_CONFIG_HOME="$xdg/config" XDG_CACHE_HOME="$xdg/cache" XDG_RUNTIME_DIR="$xdg/runtime" npm run --silent test:webview
step "integration tests (real VS Code extension host)"
npm run --silent test:integration
