#!/usr/bin/env bash
# Slurm executor overhead: submit-to-start latency and throughput of trivial trials through
# the local one-node Slurm (scripts/slurm-local.sh), with `parallel: P` (default 100), next to
# Slurm's own throughput for the same number of trivial jobs submitted by a shell loop.
# Question: does the coordinator keep P trials in flight without falling behind Slurm?
#
#   sudo bench/slurm_bench.sh [BUILD_DIR] [TRIALS] [PARALLEL] [SLEEP_S]
#
# SLEEP_S (default 0) makes every trial sleep that long, so that in-flight counts show whether
# the coordinator keeps PARALLEL trials queued or running.
#
# Needs root (the local cluster); starts its own cluster on port 7017 and stops it at the end.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=$(realpath "${1:-$here/build}")
trials=${2:-300}
parallel=${3:-100}
sleep_s=${4:-0}
ecohpo=$build/hpo/cli/ecohpo
testobj=$build/objectives/ecohpo-testobj
[[ -x $ecohpo && -x $testobj ]] || { echo "build ecohpo and ecohpo-testobj in $build first" >&2; exit 2; }
work=$(mktemp -d /tmp/ecohpo-slurm-bench.XXXXXX)
chmod 755 "$work"  # munged wants its socket directory world-executable
cluster=$work/cluster
export SLURM_LOCAL_PORT=7017 SLURM_LOCAL_CPUS=$((parallel + 8))
conf=$("$here/scripts/slurm-local.sh" start "$cluster") || exit 1
eval "$conf"
trap '"$here/scripts/slurm-local.sh" stop "$cluster" >/dev/null 2>&1 || true' EXIT
cd "$work"

# 1. Slurm alone: submit TRIALS jobs doing the same node-side work as an ecohpo trial (the
#    wrapper with its meter around the same trivial trial) as fast as a shell loop can, all at
#    once (no parallel limit), and wait until all are done.
t0=$(date +%s.%N)
for ((i = 0; i < trials; i++)); do
  sbatch --parsable --job-name=raw --output=/dev/null --wrap="$ecohpo slurm-wrapper \
    --record $work/raw/$i -- $testobj --problem zdt1 --x0 0.5 --x1 0.5 --sleep-s $sleep_s" >/dev/null
done
t1=$(date +%s.%N)
while [[ -n $(squeue -h -n raw -o %i) ]]; do sleep 0.1; done
t2=$(date +%s.%N)

# 2. The same number of trivial trials through ecohpo with parallel P.
t3=$(date +%s.%N)
"$ecohpo" sweep -p x0=float:0:1 -p x1=float:0:1 --minimize f1 --minimize f2 \
  --trials "$trials" --parallel "$parallel" --executor slurm \
  --executor-opt poll_interval_s=0.5 --storage "$work/b.h5" --quiet -- \
  "$testobj" --problem zdt1 --x0 '{x0}' --x1 '{x1}' --sleep-s "$sleep_s" >"$work/sweep.out"
t4=$(date +%s.%N)
"$ecohpo" export "$work/b.h5" --format json -o "$work/b.json"

/usr/bin/python3 - "$work/b.json" "$work/b.h5.slurm" "$trials" "$parallel" "$t0" "$t1" "$t2" "$t3" "$t4" <<'EOF'
import glob, json, os, statistics, sys
rows = json.load(open(sys.argv[1]))
shared = sys.argv[2]
trials, parallel = int(sys.argv[3]), int(sys.argv[4])
t0, t1, t2, t3, t4 = map(float, sys.argv[5:10])
complete = [r for r in rows if r["state"] == "complete"]
# Submit, start and end of every job from its record directory (submit.json, started.json,
# final.json): submit-to-start is the latency of Slurm plus what the coordinator adds.
spans, lat = [], []
for d in glob.glob(os.path.join(shared, "trial-*")):
    sub = json.load(open(os.path.join(d, "submit.json")))["submit_unix_s"]
    st = json.load(open(os.path.join(d, "started.json")))["start_unix_s"]
    fin = json.load(open(os.path.join(d, "final.json")))["end_unix_s"]
    lat.append(st - sub)
    spans.append((sub, fin))
lat.sort()
def pct(v, p): return v[min(len(v) - 1, int(p * len(v)))]
events = sorted([(s, 1) for s, _ in spans] + [(e, -1) for _, e in spans])
level, peak, area, last = 0, 0, 0.0, events[0][0]
for t, d in events:
    area += level * (t - last); last = t; level += d; peak = max(peak, level)
span = events[-1][0] - events[0][0]
print(f"trials: {len(rows)} records, {len(complete)} complete (asked {trials}, parallel {parallel})")
print(f"slurm alone: submit loop {t1 - t0:.2f} s, all done {t2 - t0:.2f} s -> {trials / (t2 - t0):.1f} jobs/s")
print(f"ecohpo: wall {t4 - t3:.2f} s -> {trials / (t4 - t3):.1f} trials/s")
print(f"submit-to-start: median {statistics.median(lat):.3f} s, p90 {pct(lat, 0.9):.3f} s, max {lat[-1]:.3f} s")
print(f"in flight (submitted, not ended): peak {peak}, mean {area / span:.1f} over {span:.1f} s")
EOF
echo "(work dir $work)"
