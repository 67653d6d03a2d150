#!/usr/bin/env bash
# `npm start`, the README's main job: build the extension and open it in a real VS Code.
# - Desktop VS Code (`code` on PATH): an Extension Development Host on a copy of examples/.
# - Otherwise: code-server on 127.0.0.1 with the packaged extension installed and the examples
#   workspace; prints the URL, Ctrl-C stops it (scripts/start-code-server.mjs).
# CONCURRENCY_LAB_USE_CODE_SERVER=1 picks code-server even when `code` exists.
set -euo pipefail
cd "$(dirname "$0")/.."

if command -v code >/dev/null 2>&1 && [ -z "${CONCURRENCY_LAB_USE_CODE_SERVER:-}" ]; then
  echo "start: building"
  npm run --silent build
  workspace=.vscode-test/examples-workspace
  mkdir -p "$workspace"
  # -n: keep the user's edits from an earlier start.
  [ -d examples ] && cp -rn examples/. "$workspace"/
  echo "start: opening an Extension Development Host on $workspace"
  exec code --new-window --extensionDevelopmentPath="$PWD" "$PWD/$workspace"
fi

# vsce builds (vscode:prepublish) while packaging, so there is no separate build step here.
exec node scripts/start-code-server.mjs "$@"
