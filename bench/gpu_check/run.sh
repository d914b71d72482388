#!/bin/bash
# GPU check for the nvml meter and gpus_per_trial, for a machine with an NVIDIA GPU, the
# driver, and a python3 with torch and pynvml (nvidia-ml-py):
#
#   bench/gpu_check/run.sh [OUT_DIR]        # ECOHPO=path/to/ecohpo to pick the binary
#
# 1. `ecohpo meters` must list nvml as readable, with every GPU.
# 2. `ecohpo meter --json` around gpu_burn.py (bf16 matrix products): the gpu-N energy ecohpo
#    reports against the burn's own NVML counter delta and its own 20 Hz power integral
#    (ecohpo's window is longer: it includes Python and CUDA start-up).
# 3. A 4-trial study with gpus_per_trial: 1: each trial's `uuid_match` metric is 1 when the
#    GPU its PyTorch sees is the UUID ecohpo gave it; energy_gpu_kwh against self_counter_j.
# 4. A CUDA_VISIBLE_DEVICES naming no GPU is refused (exit 2); an index-restricted sweep runs.
# 5. GPU power limits (as root): a 4-trial study capping its GPU at the lowest allowed limit
#    or at the default one; nvidia-smi's power.limit before and after must be equal, and the
#    capped trials must draw less power (energy_gpu_kwh / duration_s).
set -u
here=$(cd "$(dirname "$0")" && pwd)
E=${ECOHPO:-$here/../../build/hpo/cli/ecohpo}
out=${1:-$PWD/gpu-check-out}
mkdir -p "$out"
work=$(mktemp -d)
cp "$here/gpu_burn.py" "$here/gpu-study.yaml" "$work/"
cd "$work" || exit 1
export PYTHONUNBUFFERED=1
{
echo "== nvidia-smi"; nvidia-smi --query-gpu=index,uuid,name,power.draw,driver_version --format=csv
echo "== ecohpo meters"; "$E" meters
echo "== ecohpo meter --json (8 s burn)"
"$E" meter --json --interval 0.1 -- python3 gpu_burn.py --seconds 8 > "$out/meter.json"; echo "rc=$?"
cat "$out/meter.json"
echo "== study"; "$E" run gpu-study.yaml; echo "rc=$?"
"$E" show device-gpu.h5
"$E" export device-gpu.h5 --format csv -o "$out/trials.csv"; cat "$out/trials.csv"
echo "== CUDA_VISIBLE_DEVICES naming no GPU (expect rc=2)"
rm -f device-gpu.h5*
CUDA_VISIBLE_DEVICES=GPU-deadbeef "$E" run gpu-study.yaml; echo "rc=$?"
echo "== restricted to index 0"
CUDA_VISIBLE_DEVICES=0 "$E" sweep -p seconds=float:1:2 -p size=choice:4096 --maximize tflops \
  --minimize energy_kwh --trials 2 --parallel 2 --gpus-per-trial 1 --storage r.h5 -- \
  python3 gpu_burn.py --seconds {seconds} --size {size}; echo "rc=$?"
"$E" export r.h5 --format csv
echo "== power limits (needs root)"
lo=$(nvidia-smi -i 0 --query-gpu=power.min_limit --format=csv,noheader,nounits | cut -d. -f1)
hi=$(nvidia-smi -i 0 --query-gpu=power.default_limit --format=csv,noheader,nounits | cut -d. -f1)
nvidia-smi --query-gpu=index,power.limit --format=csv
CUDA_VISIBLE_DEVICES=0 "$E" sweep -p seconds=float:3:3 -p size=choice:8192 -p w=choice:$lo,$hi \
  --maximize tflops --minimize energy_kwh --trials 4 --parallel 1 --gpus-per-trial 1 \
  --gpu-power-limit-w {w} --storage p.h5 -- python3 gpu_burn.py --seconds {seconds} --size {size}
echo "rc=$?"
"$E" export p.h5 --format csv
nvidia-smi --query-gpu=index,power.limit --format=csv
} 2>&1 | tee "$out/log.txt"
rm -rf "$work"
