#!/bin/bash
# Energy saved vs hypervolume lost by the pruners and stop rules (issue 5).
# Runs the same seeded random-search study of the test objective program (learning curves
# whose final accuracy and speed depend on the parameters, CPU burned in proportion to a
# cost parameter) with and without pruning/stopping, then compares the total energy of
# every attempt (plus the optimizer's) and the final front's hypervolume of
# (accuracy max, energy_kwh min) against the full run, with one common reference point.
#
#   bench/stopping_bench.sh [BUILD_DIR] [TRIALS]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$ROOT/build}
TRIALS=${2:-60}
ECOHPO=$BUILD/hpo/cli/ecohpo
WORK=$(mktemp -d /tmp/ecohpo-stopping-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

. "$(dirname "$0")/stopping_studies.sh"

write_study() {  # name, extra YAML lines
  cat > "$WORK/$1.yaml" <<YAML
name: stopping-$1
$(testobj_command_and_space "$BUILD")
objectives:
  - {name: accuracy, direction: maximize}
  - {name: energy_kwh, direction: minimize}
sampler: {type: random, seed: 11}
budget: {trials: $TRIALS}
parallel: 2
storage: $WORK/$1.h5
$2
YAML
}

write_study full ""
write_study median "pruner: {type: median, warmup_steps: 3, min_trials: 5}"
write_study asha "pruner: {type: asha, min_resource: 2, reduction_factor: 3}"
write_study pareto "pruner: {type: pareto, min_steps: 3, min_trials: 5}"  # defaults
write_study plateau "early_stop: [{type: hypervolume_plateau, window: 15, min_improvement: 0.01, warmup: 15}]"
write_study pareto_plateau "pruner: {type: pareto}
early_stop: [{type: hypervolume_plateau, window: 15, min_improvement: 0.01, warmup: 15}]"
# The default rules: both with default options.
write_study defaults "pruner: {type: pareto}
early_stop: [{type: hypervolume_plateau}]"
# The same with the pareto pruner's bolder, best-fit projection (docs/stopping.md).
write_study pareto_bold "pruner: {type: pareto, shape: best_fit, noise_sigmas: 0}"
write_study defaults_bold "pruner: {type: pareto, shape: best_fit, noise_sigmas: 0}
early_stop: [{type: hypervolume_plateau}]"

RUNS="full median asha pareto_bold pareto plateau pareto_plateau defaults_bold defaults"
for r in $RUNS; do
  nice "$ECOHPO" run --quiet "$WORK/$r.yaml" > "$WORK/$r.log" 2>&1 || { cat "$WORK/$r.log"; exit 1; }
  "$ECOHPO" export "$WORK/$r.h5" --format csv -o "$WORK/$r-1.csv"
done

# One seed here: the table script reads WORK/RUN-1.csv.
/usr/bin/python3 "$(dirname "$0")/stopping_table.py" "$WORK" 1 $RUNS
