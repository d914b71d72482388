#!/usr/bin/env bash
# Random versus Bayesian search (question and set-up: experiments/random-vs-bayes.yaml).
# Runs the template once per sampler and seed, then `ecohpo compare` on all study files.
#
#   experiments/random-vs-bayes.sh [--seeds N] [--trials N] [--out DIR] [--samplers "TAG ..."]
#
# Defaults: 5 seeds, the YAML's 30 trials, report in runs/rvb/report, the samplers random tpe
# gp tpe-ea gp-ea (tags below; tpe-ea-pareto and random-pareto add the `pareto` pruner, to be
# compared with each other). Environment: see
# experiments/lib.sh (BUILD, ECOHPO, ECOHPO_MLP, RUNS); KEEP_EXISTING=1 keeps study files that
# exist already (to finish an interrupted series).
set -euo pipefail
cd "$(dirname "$0")/.."
seeds=5
only=(random tpe gp tpe-ea gp-ea)
trials=
out=
while [[ $# -gt 0 ]]; do
  case $1 in
    --seeds) seeds=$2; shift 2 ;;
    --trials) trials=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --samplers) read -r -a only <<< "$2"; shift 2 ;;
    *) echo "random-vs-bayes.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
source experiments/lib.sh
dir=$RUNS/rvb
out=${out:-$dir/report}
mkdir -p "$dir"
# tag|sampler|pruner (empty: none)
all_samplers=(
  "random|{type: random, seed: SEED}|"
  "tpe|{type: tpe, seed: SEED}|"
  "gp|{type: gp, seed: SEED}|"
  "tpe-ea|{type: tpe, seed: SEED, energy_aware: true}|"
  "gp-ea|{type: gp, seed: SEED, energy_aware: true}|"
  "random-pareto|{type: random, seed: SEED}|{type: pareto}"
  "tpe-ea-pareto|{type: tpe, seed: SEED, energy_aware: true}|{type: pareto}"
)
samplers=()
for tag in "${only[@]}"; do
  found=
  for entry in "${all_samplers[@]}"; do
    [[ ${entry%%|*} == "$tag" ]] && samplers+=("$entry") && found=1
  done
  [[ -n $found ]] || { echo "random-vs-bayes.sh: unknown sampler tag $tag" >&2; exit 2; }
done
files=()
for seed in $(seq 1 "$seeds"); do
  for entry in "${samplers[@]}"; do
    tag=${entry%%|*}
    rest=${entry#*|}
    spec=${rest%%|*}
    pruner=${rest#*|}
    spec=${spec//SEED/$seed}
    yaml=$TMP_YAML_DIR/rvb-$tag-$seed.yaml
    kv=("sampler=$spec" "storage=$dir/$tag-$seed.h5" "name=rvb-$tag-$seed")
    [[ -n $trials ]] && kv+=("budget={trials: $trials}")
    [[ -n $pruner ]] && kv+=("s#^sampler:.*#&\npruner: $pruner#")
    render_yaml experiments/random-vs-bayes.yaml "$yaml" "${kv[@]}"
    files+=("$dir/$tag-$seed.h5")
    if [[ ${KEEP_EXISTING:-0} == 1 && -f $dir/$tag-$seed.h5 ]]; then
      echo "== random-vs-bayes: $tag seed $seed (kept, KEEP_EXISTING=1)"
      continue
    fi
    echo "== random-vs-bayes: $tag seed $seed"
    run_study "$yaml"
  done
done
"$ECOHPO" compare "${files[@]}" --target-hv 0.95 -o "$out"
