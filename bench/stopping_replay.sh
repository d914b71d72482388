#!/bin/bash
# Offline replay of pruners and stop rules (docs/benchmarks.md, "How the defaults were
# chosen"): runs full studies WITHOUT a pruner (ecohpo-mlp on digits with the search space of
# bench/stopping_ml_bench.sh, and the test objective of bench/stopping_bench.sh, random
# search, 60 trials each), then replays them through pruner/rule settings with
# build/bench/pruner_replay. Full runs are kept in OUT_DIR so more settings can be replayed.
#
# It also runs the full-size Fashion-MNIST diminishing-returns grid
# (experiments/diminishing-returns.yaml, no pruner) in several grid orders, on which the
# pareto pruner's cautious projection was chosen (docs/benchmarks.md, "Cautious projection").
#
#   bench/stopping_replay.sh [BUILD_DIR] [OUT_DIR] [DIGITS_SEEDS] [TESTOBJ_SEEDS] [GRID_SEEDS]
#   (default: build /tmp/ecohpo-replay "1 2 3 4 5 6 7 8 9 10 11 12" "11 12 13 14" "7 8 9 10")
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "${1:-$ROOT/build}" && pwd)
OUT=${2:-/tmp/ecohpo-replay}
DIGITS_SEEDS=${3:-1 2 3 4 5 6 7 8 9 10 11 12}
TESTOBJ_SEEDS=${4:-11 12 13 14}
GRID_SEEDS=${5:-7 8 9 10}
ECOHPO=$BUILD/hpo/cli/ecohpo
REPLAY=$BUILD/bench/pruner_replay
mkdir -p "$OUT"

run_full() {  # name, seed, command+space YAML
  local f="$OUT/$1-$2"
  [ -f "$f.h5" ] && return 0
  cat > "$f.yaml" <<YAML
name: $1-$2
$3
objectives:
  - {name: accuracy, direction: maximize}
  - {name: energy_kwh, direction: minimize}
sampler: {type: random, seed: $2}
budget: {trials: 60}
parallel: 2
trial_timeout_s: 300
storage: $f.h5
YAML
  nice "$ECOHPO" run --quiet "$f.yaml" > "$f.log" 2>&1 || { cat "$f.log"; exit 1; }
}

. "$ROOT/bench/stopping_studies.sh"
for s in $DIGITS_SEEDS; do run_full digits "$s" "$(digits_command_and_space "$BUILD")"; done
for s in $TESTOBJ_SEEDS; do run_full testobj "$s" "$(testobj_command_and_space "$BUILD")"; done

for s in $GRID_SEEDS; do
  f="$OUT/fashion-$s"
  [ -f "$f.h5" ] && continue
  sed -e "s#build/objectives/ecohpo-mlp#$BUILD/objectives/ecohpo-mlp#" \
      -e "s#^name: .*#name: fashion-$s#" -e "s#^sampler: .*#sampler: {type: grid, seed: $s}#" \
      -e "s#^storage: .*#storage: $f.h5#" "$ROOT/experiments/diminishing-returns.yaml" > "$f.yaml"
  nice "$ECOHPO" run --quiet "$f.yaml" > "$f.log" 2>&1 || { cat "$f.log"; exit 1; }
done

digits=() testobj=() fashion=()
for s in $DIGITS_SEEDS; do digits+=("$OUT/digits-$s.h5"); done
for s in $TESTOBJ_SEEDS; do testobj+=("$OUT/testobj-$s.h5"); done
for s in $GRID_SEEDS; do fashion+=("$OUT/fashion-$s.h5"); done
PREV='{"type":"pareto","margin":0.02,"trend_sigmas":0,"shape":"best_fit","noise_sigmas":0}'
BOLD='{"type":"pareto","shape":"best_fit","noise_sigmas":0}'
NEW='{"type":"pareto"}'
for set in digits testobj fashion; do
  declare -n files=$set
  echo "== $set"
  echo "-- pareto before the trend test (margin 0.02)"; "$REPLAY" "$PREV" "${files[@]}" | tail -1
  echo "-- pareto, best-fit projection";                   "$REPLAY" "$BOLD" "${files[@]}" | tail -1
  echo "-- pareto, defaults (cautious projection)";        "$REPLAY" "$NEW" "${files[@]}" | tail -1
  echo "-- oracle (every trial off the front stopped at its 3rd report)"
  "$REPLAY" "$NEW" --oracle "${files[@]}" | tail -1
  for w in 10 12 15 20; do
    echo "-- pareto + hypervolume_plateau window = warmup = $w"
    "$REPLAY" "$NEW" --rule "{\"type\":\"hypervolume_plateau\",\"window\":$w,\"warmup\":$w}" "${files[@]}" | tail -1
  done
  echo "-- default rules (pareto + hypervolume_plateau, defaults), per study"
  "$REPLAY" "$NEW" --rule '{"type":"hypervolume_plateau"}' "${files[@]}"
done
