#!/bin/bash
# Energy saved vs hypervolume lost by the pruners and stop rules on the REAL ML objective
# (issue 5): ecohpo-mlp on the UCI digits, the search space of experiments/random-vs-bayes.yaml
# (epochs 2-30, so learning curves are long enough to prune), random search, several seeds.
# For each seed the same study runs with no pruner/rule (full budget), with each pruner/rule
# at its defaults, and with the default rules for a multi-objective study (`pareto` +
# `hypervolume_plateau`, default options). `pareto_prev` / `defaults_prev` use the pareto
# model before the trend test (margin 0.02, trend_sigmas 0, best fit), `*_bold` the model
# before the cautious projection (shape: best_fit, noise_sigmas: 0; docs/stopping.md).
# Reported per run and seed: total energy of every attempt plus the optimizer's, and the
# hypervolume of the complete trials' (accuracy max, energy_kwh min) against one reference per
# seed (the full run's worst accuracy and energy + 10%), relative to the full run.
#
#   bench/stopping_ml_bench.sh [BUILD_DIR] [TRIALS] [SEEDS...]     (default: build 60 1 2 3)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "${1:-$ROOT/build}" && pwd)
TRIALS=${2:-60}
shift $(( $# > 2 ? 2 : $# ))
SEEDS=${*:-1 2 3}
ECOHPO=$BUILD/hpo/cli/ecohpo
WORK=$(mktemp -d /tmp/ecohpo-stopping-ml-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

. "$ROOT/bench/stopping_studies.sh"

write_study() {  # run name, seed, extra YAML lines
  cat > "$WORK/$1-$2.yaml" <<YAML
name: stopping-ml-$1-$2
$(digits_command_and_space "$BUILD")
objectives:
  - {name: accuracy, direction: maximize}
  - {name: energy_kwh, direction: minimize}
sampler: {type: random, seed: $2}
budget: {trials: $TRIALS}
parallel: 2
trial_timeout_s: 300
storage: $WORK/$1-$2.h5
$3
YAML
}

# RUNS (environment) picks a subset; the first must be full.
RUNS=${RUNS:-full median asha pareto_prev pareto_bold pareto plateau defaults_prev defaults_bold defaults}
for seed in $SEEDS; do
  write_study full "$seed" ""
  write_study median "$seed" "pruner: {type: median}"
  write_study asha "$seed" "pruner: {type: asha}"
  write_study pareto_prev "$seed" "pruner: {type: pareto, margin: 0.02, trend_sigmas: 0, shape: best_fit, noise_sigmas: 0}"
  write_study pareto "$seed" "pruner: {type: pareto}"
  write_study plateau "$seed" "early_stop: [{type: hypervolume_plateau}]"
  write_study defaults_prev "$seed" "pruner: {type: pareto, margin: 0.02, trend_sigmas: 0, shape: best_fit, noise_sigmas: 0}
early_stop: [{type: hypervolume_plateau}]"
  write_study defaults "$seed" "pruner: {type: pareto}
early_stop: [{type: hypervolume_plateau}]"
  write_study pareto_bold "$seed" "pruner: {type: pareto, shape: best_fit, noise_sigmas: 0}"
  write_study defaults_bold "$seed" "pruner: {type: pareto, shape: best_fit, noise_sigmas: 0}
early_stop: [{type: hypervolume_plateau}]"
  for r in $RUNS; do
    nice "$ECOHPO" run --quiet "$WORK/$r-$seed.yaml" > "$WORK/$r-$seed.log" 2>&1 ||
      { cat "$WORK/$r-$seed.log"; exit 1; }
    "$ECOHPO" export "$WORK/$r-$seed.h5" --format csv -o "$WORK/$r-$seed.csv"
  done
done

/usr/bin/python3 "$ROOT/bench/stopping_table.py" "$WORK" "$SEEDS" $RUNS
