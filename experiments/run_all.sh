#!/usr/bin/env bash
# Reruns every experiment of docs/experiments.md, one command each.
#
#   experiments/run_all.sh [--short]
#
# --short: fewer seeds and trials, smaller data (the settings used for the numbers in
# docs/experiments.md where it says "short"). Binaries from BUILD (default build/), results
# under RUNS (default runs/); see experiments/lib.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
short=0
[[ ${1:-} == --short ]] && short=1
source experiments/lib.sh

echo "### quickstart"
render_yaml experiments/quickstart.yaml "$TMP_YAML_DIR/quickstart.yaml" \
  "storage=$RUNS/quickstart.h5"
run_study "$TMP_YAML_DIR/quickstart.yaml"
"$ECOHPO" show "$RUNS/quickstart.h5"

echo "### random-vs-bayes"
if ((short)); then
  experiments/random-vs-bayes.sh --seeds 3 --trials 25
else
  experiments/random-vs-bayes.sh --seeds 5
fi

echo "### diminishing-returns"
for name in diminishing-returns diminishing-returns-stop; do
  kv=("storage=$RUNS/$name.h5")
  ((short)) && kv+=("s#^  data_fraction: 1.0#  data_fraction: 0.1#")
  render_yaml "experiments/$name.yaml" "$TMP_YAML_DIR/$name.yaml" "${kv[@]}"
  run_study "$TMP_YAML_DIR/$name.yaml"
done
"$ECOHPO" compare "$RUNS/diminishing-returns.h5" "$RUNS/diminishing-returns-stop.h5" \
  -o "$RUNS/diminishing-returns-report"

echo "### data-fraction"
kv=("storage=$RUNS/data-fraction.h5")
((short)) && kv+=("s#^  epochs: 5#  epochs: 2#")
render_yaml experiments/data-fraction.yaml "$TMP_YAML_DIR/data-fraction.yaml" "${kv[@]}"
run_study "$TMP_YAML_DIR/data-fraction.yaml"
"$ECOHPO" export "$RUNS/data-fraction.h5" -o "$RUNS/data-fraction.csv"

echo "### carbon-regions"
if ((short)); then experiments/carbon-regions.sh --trials 12; else experiments/carbon-regions.sh; fi
