#!/bin/bash
# The diminishing-returns pair on Fashion-MNIST, shortened as `experiments/run_all.sh --short`
# does (data_fraction 0.1): experiments/diminishing-returns.yaml (whole 32-trial grid, no stop
# rules) against experiments/diminishing-returns-stop.yaml (pareto pruner + hypervolume
# plateau), energy saved and hypervolume lost as in bench/stopping_ml_bench.sh.
#
#   bench/stopping_dr_bench.sh [BUILD_DIR] [DATA_FRACTION]      (default: build 0.1)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "${1:-$ROOT/build}" && pwd)
FRACTION=${2:-0.1}
WORK=$(mktemp -d /tmp/ecohpo-stopping-dr-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
for name in diminishing-returns diminishing-returns-stop; do
  sed -e "s#build/objectives/ecohpo-mlp#$BUILD/objectives/ecohpo-mlp#" \
      -e "s#^  data_fraction: 1.0#  data_fraction: $FRACTION#" \
      -e "s#^storage: .*#storage: $WORK/$name-1.h5#" "$ROOT/experiments/$name.yaml" > "$WORK/$name.yaml"
  nice "$BUILD/hpo/cli/ecohpo" run --quiet "$WORK/$name.yaml" > "$WORK/$name.log" 2>&1 ||
    { cat "$WORK/$name.log"; exit 1; }
  tail -3 "$WORK/$name.log"
  "$BUILD/hpo/cli/ecohpo" export "$WORK/$name-1.h5" --format csv -o "$WORK/$name-1.csv"
done
/usr/bin/python3 "$ROOT/bench/stopping_table.py" "$WORK" 1 diminishing-returns diminishing-returns-stop
