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
TESTOBJ=$BUILD/objectives/ecohpo-testobj
WORK=$(mktemp -d /tmp/ecohpo-stopping-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

write_study() {  # name, extra YAML lines
  cat > "$WORK/$1.yaml" <<YAML
name: stopping-$1
command: ["$TESTOBJ", "--steps", "10", "--curve", "exp:0.3:{end}:{rate}", "--burn-s", "{burn}"]
space:
  end:  {type: float, low: 0.5, high: 0.95}
  rate: {type: float, low: 0.05, high: 1.5, log: true}
  burn: {type: float, low: 0.05, high: 0.4, log: true}
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
write_study pareto "pruner: {type: pareto, margin: 0.05, min_steps: 3, min_trials: 5}"
write_study plateau "early_stop: [{type: hypervolume_plateau, window: 15, min_improvement: 0.01, warmup: 15}]"
write_study pareto_plateau "pruner: {type: pareto}
early_stop: [{type: hypervolume_plateau, window: 15, min_improvement: 0.01, warmup: 15}]"

RUNS="full median asha pareto plateau pareto_plateau"
for r in $RUNS; do
  nice "$ECOHPO" run --quiet "$WORK/$r.yaml" > "$WORK/$r.log" 2>&1 || { cat "$WORK/$r.log"; exit 1; }
  "$ECOHPO" export "$WORK/$r.h5" --format csv -o "$WORK/$r.csv"
done

/usr/bin/python3 - "$WORK" $RUNS <<'PY'
import sys
import pandas as pd
work, runs = sys.argv[1], sys.argv[2:]
data = {r: pd.read_csv(f"{work}/{r}.csv") for r in runs}

def front_points(df):
    c = df[df["state"] == "complete"]
    return [(-a, e) for a, e in zip(c["values.accuracy"], c["values.energy_kwh"])]

# One reference for every run: the worst complete accuracy and energy of the full run + 10%.
full = front_points(data["full"])
ref = (max(p[0] for p in full) + 0.1 * abs(max(p[0] for p in full)),
       max(p[1] for p in full) * 1.1)

def hv2(points):
    pts = sorted(p for p in points if p[0] < ref[0] and p[1] < ref[1])
    area, best_y = 0.0, ref[1]
    for x, y in pts:
        if y < best_y:
            area += (ref[0] - x) * (best_y - y)
            best_y = y
    return area

def total_kwh(df):
    return float(df["energy_kwh"].sum() + df["sampler_kwh"].sum())

base_e, base_hv = total_kwh(data["full"]), hv2(full)
print("| run | trials | pruned | energy kWh | energy saved | hypervolume | hypervolume lost |")
print("|---|---|---|---|---|---|---|")
for r in runs:
    df = data[r]
    e, hv = total_kwh(df), hv2(front_points(df))
    print(f"| {r} | {len(df)} | {(df['state'] == 'pruned').sum()} | {e:.3g} | "
          f"{100 * (1 - e / base_e):.1f}% | {hv:.4g} | {100 * (1 - hv / base_hv):.1f}% |")
PY
