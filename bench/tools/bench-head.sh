#!/usr/bin/env bash
# Benchmarks exactly the committed HEAD, not the shared working tree: exports HEAD to a temp
# folder (node_modules linked), builds the bundles the suites use there, runs `bench/run.mjs`
# with the given arguments, copies its results to bench/out/, and removes the folder. Other
# engineers' uncommitted edits and half-finished builds in dist/ cannot leak into the numbers.
# Usage: bash bench/tools/bench-head.sh [--quick] [NAME...]
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
commit="$(git -C "$repo" rev-parse --short HEAD)"
work="$(mktemp -d "${TMPDIR:-/tmp}/cl-bench-head-XXXXXX")"
trap 'rm -rf "$work"' EXIT
git -C "$repo" archive HEAD | tar -x -C "$work"
ln -s "$repo/node_modules" "$work/node_modules"
echo "bench-head: commit $commit in $work; building runtime, cli, webview"
(cd "$work" && npx webpack --mode production --config-name runtime --config-name cli --config-name webview >/dev/null)
status=0
(cd "$work" && CONCURRENCY_LAB_BENCH_COMMAND="bash bench/tools/bench-head.sh $* (at $commit)" node bench/run.mjs "$@") || status=$?
mkdir -p "$repo/bench/out"
if [ -f "$work/bench/out/latest.json" ]; then cp "$work/bench/out/latest.json" "$repo/bench/out/head-$commit.json"; fi
echo "bench-head: commit $commit; results in bench/out/head-$commit.json"
exit $status
