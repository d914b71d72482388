# GPU work for bench/gpu_check: bf16 matrix products for --seconds, while this process
# measures its own GPU energy two ways through pynvml (the total-energy counter, and power
# integrated at 20 Hz), to set beside what ecohpo charges. Prints one trial-protocol report.
import argparse, json, os, sys, threading, time
import torch, pynvml

ap = argparse.ArgumentParser()
ap.add_argument("--seconds", type=float, default=5.0)
ap.add_argument("--size", type=int, default=8192)
a = ap.parse_args()
cvd = os.environ.get("CUDA_VISIBLE_DEVICES", "")
pynvml.nvmlInit()
props = torch.cuda.get_device_properties(0)
torch_uuid = "GPU-" + str(props.uuid) if hasattr(props, "uuid") else ""
h = pynvml.nvmlDeviceGetHandleByUUID(torch_uuid) if torch_uuid else pynvml.nvmlDeviceGetHandleByIndex(0)
x = torch.randn(a.size, a.size, device="cuda", dtype=torch.bfloat16)
torch.cuda.synchronize()
e0 = pynvml.nvmlDeviceGetTotalEnergyConsumption(h)
t0 = time.monotonic()
stop = False
power_j = [0.0]
def sample():
    last_t, last_p = time.monotonic(), pynvml.nvmlDeviceGetPowerUsage(h) / 1000.0
    while not stop:
        time.sleep(0.05)
        t, p = time.monotonic(), pynvml.nvmlDeviceGetPowerUsage(h) / 1000.0
        power_j[0] += 0.5 * (p + last_p) * (t - last_t)
        last_t, last_p = t, p
th = threading.Thread(target=sample); th.start()
n = 0
while time.monotonic() - t0 < a.seconds:
    for _ in range(20):
        y = x @ x
    torch.cuda.synchronize()
    n += 20
stop = True; th.join()
t1 = time.monotonic()
e1 = pynvml.nvmlDeviceGetTotalEnergyConsumption(h)
tflops = 2 * a.size ** 3 * n / (t1 - t0) / 1e12
print(f"gpu_burn: CUDA_VISIBLE_DEVICES={cvd} torch_uuid={torch_uuid} name={props.name} "
      f"window={t1-t0:.2f}s counter={(e1-e0)/1000:.1f}J power_integrated={power_j[0]:.1f}J",
      file=sys.stderr, flush=True)
print(json.dumps({"tflops": tflops, "self_counter_j": (e1 - e0) / 1000.0,
                  "self_power_j": power_j[0], "self_window_s": t1 - t0,
                  "uuid_match": 1.0 if (torch_uuid and torch_uuid == cvd) else 0.0}), flush=True)
