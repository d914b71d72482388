#!/usr/bin/env bash
# MLP training speed: ecohpo-mlp against PyTorch (Debian's python3-torch) on the same machine,
# same run. Builds ecohpo-mlp if needed; extra arguments go to bench/mlp_vs_torch.py.
#   bench/mlp_vs_torch.sh [--repeats 3] [--fashion-epochs 1]   (BUILD_DIR=build by default)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${BUILD_DIR:-$root/build}"
if [[ ! -x "$build/objectives/ecohpo-mlp" ]]; then
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$build" -j"$(nproc)" --target ecohpo-mlp >/dev/null
fi
exec /usr/bin/python3 "$root/bench/mlp_vs_torch.py" --binary "$build/objectives/ecohpo-mlp" "$@"
