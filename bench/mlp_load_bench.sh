#!/bin/bash
# CPU time and peak memory of a short Fashion-MNIST trial (1 epoch, 2x64, a tenth of the
# training rows: the trials of experiments/run_all.sh --short) with the inflated-file cache
# (objectives/mlp/gz_cache.h) warm and with `--cache-dir none`, alternating, REPEATS each.
# Prints the median user+system CPU seconds and the median peak RSS of each.
#
#   bench/mlp_load_bench.sh [BUILD_DIR] [REPEATS]        (default: build 5)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "${1:-$ROOT/build}" && pwd)
REPEATS=${2:-5}
CACHE=$(mktemp -d /tmp/ecohpo-mlp-load-bench.XXXXXX)
trap 'rm -rf "$CACHE"' EXIT
ARGS="--dataset fashion-mnist --epochs 1 --layers 2 --width 64 --data-fraction 0.1 --quiet-epochs"
"$BUILD/objectives/ecohpo-mlp" $ARGS --cache-dir "$CACHE" > /dev/null  # fill the cache
: > "$CACHE/cached.txt"; : > "$CACHE/none.txt"
for _ in $(seq "$REPEATS"); do
  /usr/bin/time -a -o "$CACHE/cached.txt" -f "%U %S %M" "$BUILD/objectives/ecohpo-mlp" $ARGS --cache-dir "$CACHE" > /dev/null
  /usr/bin/time -a -o "$CACHE/none.txt" -f "%U %S %M" "$BUILD/objectives/ecohpo-mlp" $ARGS --cache-dir none > /dev/null
done
for run in none cached; do
  /usr/bin/python3 - "$CACHE/$run.txt" "$run" <<'PY'
import statistics, sys
rows = [list(map(float, l.split())) for l in open(sys.argv[1]) if l.strip()]
cpu = statistics.median(u + s for u, s, _ in rows)
rss = statistics.median(m for _, _, m in rows) / 1024
print(f"{sys.argv[2]:>7}: {len(rows)} runs, median CPU {cpu:.3f} s, median peak RSS {rss:.0f} MB")
PY
done
