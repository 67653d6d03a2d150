#!/usr/bin/env bash
# Benchmarks exactly the committed HEAD, not the shared working tree: exports HEAD to a temp
# folder (node_modules linked), builds the bundles the suites use there, runs `bench/run.mjs`
# with the given arguments, copies its results to bench/out/, and removes the folder. Other
# engineers' uncommitted edits and half-finished builds in dist/ cannot leak into the numbers.
#
# Usage: bash bench/tools/bench-head.sh [--quick] [--load] [--reps N] [NAME...]
#        bash bench/tools/bench-head.sh --record [--quick] [--reps N] [NAME...]
# --record makes what bench/RESULTS.md records: a quiet run, then the same run under load
# (`--load`), both saved as bench/out/head-<commit>[-load].json, and the two Markdown blocks in
# bench/out/head-<commit>.md (printed at the end, ready to paste).
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
commit="$(git -C "$repo" rev-parse --short HEAD)"
record=0
args=()
for a in "$@"; do
  if [ "$a" = "--record" ]; then record=1; else args+=("$a"); fi
done
work="$(mktemp -d "${TMPDIR:-/tmp}/cl-bench-head-XXXXXX")"
trap 'rm -rf "$work"' EXIT
git -C "$repo" archive HEAD | tar -x -C "$work"
ln -s "$repo/node_modules" "$work/node_modules"
echo "bench-head: commit $commit in $work; building runtime, cli, webview"
(cd "$work" && npx webpack --mode production --config-name runtime --config-name cli --config-name webview >/dev/null)
mkdir -p "$repo/bench/out"
status=0
# run SUFFIX ARGS...: one bench run in the export, its JSON copied to bench/out/head-<commit>SUFFIX.json
run() {
  local suffix="$1"
  shift
  (cd "$work" && CONCURRENCY_LAB_BENCH_COMMAND="bash bench/tools/bench-head.sh $* (at $commit)" node bench/run.mjs "$@") || status=$?
  if [ -f "$work/bench/out/latest.json" ]; then
    cp "$work/bench/out/latest.json" "$repo/bench/out/head-$commit$suffix.json"
    rm "$work/bench/out/latest.json"
  fi
}
if [ "$record" = 1 ]; then
  run "" ${args[@]+"${args[@]}"}
  run "-load" --load ${args[@]+"${args[@]}"}
  node "$repo/bench/tools/results-md.mjs" "$repo/bench/out/head-$commit.json" "$repo/bench/out/head-$commit-load.json" >"$repo/bench/out/head-$commit.md"
  echo
  cat "$repo/bench/out/head-$commit.md"
  echo "bench-head: commit $commit; results in bench/out/head-$commit.json, head-$commit-load.json, head-$commit.md"
else
  run "" ${args[@]+"${args[@]}"}
  echo "bench-head: commit $commit; results in bench/out/head-$commit.json"
fi
exit $status
