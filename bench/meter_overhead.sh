#!/usr/bin/env bash
# Wall time of `ecohpo meter -- true` against `true` itself, N runs each (default 50).
# usage: bench/meter_overhead.sh BUILD_DIR [N]
set -euo pipefail
build=${1:?usage: meter_overhead.sh BUILD_DIR [N]}
n=${2:-50}
ecohpo=$build/hpo/cli/ecohpo
export ECOHPO_NVML_LIBRARY=${ECOHPO_NVML_LIBRARY:-libnvidia-ml.so.1}
time_runs() {  # prints mean milliseconds per run of "$@"
  local t0 t1
  t0=$(date +%s%N)
  for ((i = 0; i < n; i++)); do "$@" >/dev/null 2>&1; done
  t1=$(date +%s%N)
  echo "scale=2; ($t1 - $t0) / $n / 1000000" | bc
}
"$ecohpo" meter -- true >/dev/null 2>&1  # warm the page cache
base=$(time_runs /bin/true)
version=$(time_runs "$ecohpo" --version)
metered=$(time_runs "$ecohpo" meter -- /bin/true)
json=$(time_runs "$ecohpo" meter --json -- /bin/true)
echo "runs: $n"
echo "true:                       ${base} ms"
echo "ecohpo --version:           ${version} ms  (binary start-up alone)"
echo "ecohpo meter -- true:       ${metered} ms  (+$(echo "$metered - $base" | bc) ms)"
echo "ecohpo meter --json -- true: ${json} ms  (+$(echo "$json - $base" | bc) ms)"
