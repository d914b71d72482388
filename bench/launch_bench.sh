#!/usr/bin/env bash
# Launch throughput of `ecohpo run` for a trivial trial (ecohpo-testobj: evaluates ZDT1 and
# prints one JSON line), with `parallel: 2`, random sampler, --quiet. Reports trials/s over the
# whole run (coordinator start to exit, study file written and checkpointed included).
#   [ECOHPO_BENCH_DIR=/dev/shm] bench/launch_bench.sh [BUILD_DIR] [TRIALS] [PARALLEL]
set -euo pipefail
build=${1:-build}
trials=${2:-2000}
parallel=${3:-2}
root=$(cd "$(dirname "$0")/.." && pwd)
[[ $build = /* ]] || build="$root/$build"
ecohpo="$build/hpo/cli/ecohpo"
testobj="$build/objectives/ecohpo-testobj"
# ECOHPO_BENCH_DIR puts the study file elsewhere (e.g. /dev/shm to leave out disk fsync latency).
work=$(mktemp -d "${ECOHPO_BENCH_DIR:-/tmp}/launch-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
cat > "$work/launch.yaml" <<YAML
name: launch-bench
command: ["$testobj", "--x0", "{x0}", "--x1", "{x1}"]
space:
  x0: {type: float, low: 0.0, high: 1.0}
  x1: {type: float, low: 0.0, high: 1.0}
objectives:
  - {name: f1, direction: minimize}
  - {name: f2, direction: minimize}
sampler: {type: random, seed: 1}
budget: {trials: $trials}
parallel: $parallel
storage: $work/launch.h5
YAML
start=$(date +%s.%N)
"$ecohpo" run --quiet "$work/launch.yaml" > "$work/out.txt" 2> "$work/err.txt"
end=$(date +%s.%N)
complete=$("$ecohpo" export "$work/launch.h5" | grep -c ',complete,' || true)
awk -v s="$start" -v e="$end" -v n="$trials" -v c="$complete" -v p="$parallel" 'BEGIN {
  printf "trials: %d (complete %d), parallel %d, wall %.3f s, throughput %.1f trials/s\n",
         n, c, p, e - s, n / (e - s) }'
