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
npm run --silent test:webview
step "integration tests (real VS Code extension host)"
npm run --silent test:integration
