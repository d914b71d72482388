#!/usr/bin/env bash
# One study priced under several grids (question: experiments/carbon-regions.yaml).
#
#   experiments/carbon-regions.sh [--trials N] [--day-seconds S]
#
# Runs carbon-regions.yaml once per carbon setting with the same sampler seed (same
# configurations), then prints each run's Pareto fronts on (accuracy, energy_kwh) and
# (accuracy, co2e_kg) from `ecohpo export`. The synthetic hourly series
# (experiments/data/grid-hourly-synthetic.csv) is replayed from the start of the run with each
# hour compressed into S/24 seconds (default S = 10: a study of 12-24 digits trials takes about
# 5-10 s here, so its trials fall into different hours of the replayed day).
set -euo pipefail
cd "$(dirname "$0")/.."
trials=
day_s=10
while [[ $# -gt 0 ]]; do
  case $1 in
    --trials) trials=$2; shift 2 ;;
    --day-seconds) day_s=$2; shift 2 ;;
    *) echo "carbon-regions.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
source experiments/lib.sh
dir=$RUNS/carbon-regions
mkdir -p "$dir"
csv=$dir/grid-replayed.csv
settings=("FR|{region: FR}" "DE|{region: DE}" "PL|{region: PL}" "NO|{region: NO}"
          "hourly|{intensity_csv: $csv}")
for entry in "${settings[@]}"; do
  tag=${entry%%|*}
  carbon=${entry#*|}
  yaml=$TMP_YAML_DIR/carbon-$tag.yaml
  kv=("carbon=$carbon" "storage=$dir/$tag.h5" "name=carbon-regions-$tag")
  [[ -n $trials ]] && kv+=("budget={trials: $trials}")
  render_yaml experiments/carbon-regions.yaml "$yaml" "${kv[@]}"
  if [[ $tag == hourly ]]; then  # the replayed day starts now
    /usr/bin/python3 experiments/replay_day.py "$day_s" "$csv"
  fi
  echo "== carbon-regions: $tag ($carbon)"
  run_study "$yaml"
  "$ECOHPO" export "$dir/$tag.h5" --format csv -o "$dir/$tag.csv"
done
/usr/bin/python3 experiments/carbon_fronts.py "$dir" FR DE PL NO hourly
