/* A fake libnvidia-ml for tests, loaded through ECOHPO_NVML_LIBRARY. Its state is read, at
 * every call, from the file named by $FAKE_NVML_STATE:
 *   init RC                  return code of nvmlInit_v2 (0 = success)
 *   gpu ENERGY_MJ POWER_MW   one line per GPU; ENERGY_MJ -1 = no energy counter
 *   ramp POWER_MW            one line per GPU drawing POWER_MW steadily: its energy counter
 *                            grows with CLOCK_MONOTONIC from 0 at the first nvmlInit_v2
 * so a test changes what the "GPUs" report by rewriting the file. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define MAX_GPUS 8
typedef struct { long long energy_mj; unsigned power_mw; int ramp; } fake_gpu;
typedef fake_gpu* nvmlDevice_t;

static fake_gpu gpus[MAX_GPUS];
static int init_rc;
static unsigned gpu_count;
static int initialized;
static double t0_s = -1.0;

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void load(void) {
  const char* path = getenv("FAKE_NVML_STATE");
  FILE* f = path ? fopen(path, "r") : NULL;
  char key[32];
  init_rc = 999;
  gpu_count = 0;
  if (!f) return;
  init_rc = 0;
  while (fscanf(f, "%31s", key) == 1) {
    if (key[0] == 'i') {
      if (fscanf(f, "%d", &init_rc) != 1) break;
    } else if (key[0] == 'g' && gpu_count < MAX_GPUS) {
      if (fscanf(f, "%lld %u", &gpus[gpu_count].energy_mj, &gpus[gpu_count].power_mw) != 2) break;
      gpus[gpu_count].ramp = 0;
      ++gpu_count;
    } else if (key[0] == 'r' && gpu_count < MAX_GPUS) {
      if (fscanf(f, "%u", &gpus[gpu_count].power_mw) != 1) break;
      if (t0_s < 0) t0_s = now_s();
      gpus[gpu_count].ramp = 1;
      gpus[gpu_count].energy_mj = (long long)((now_s() - t0_s) * gpus[gpu_count].power_mw);
      ++gpu_count;
    }
  }
  fclose(f);
}

int nvmlInit_v2(void) {
  load();
  if (init_rc == 0) initialized = 1;
  return init_rc;
}
int nvmlShutdown(void) {
  initialized = 0;
  return 0;
}
const char* nvmlErrorString(int rc) {
  switch (rc) {
    case 0: return "Success";
    case 3: return "Not Supported";
    case 9: return "Driver Not Loaded";
    default: return "Unknown Error";
  }
}
int nvmlDeviceGetCount_v2(unsigned* count) {
  if (!initialized) return 1;
  load();
  *count = gpu_count;
  return 0;
}
int nvmlDeviceGetHandleByIndex_v2(unsigned index, nvmlDevice_t* device) {
  load();
  if (index >= gpu_count) return 2;
  *device = &gpus[index];
  return 0;
}
int nvmlDeviceGetTotalEnergyConsumption(nvmlDevice_t device, unsigned long long* mj) {
  load();
  if (device->energy_mj < 0) return 3; /* NVML_ERROR_NOT_SUPPORTED */
  *mj = (unsigned long long)device->energy_mj;
  return 0;
}
int nvmlDeviceGetPowerUsage(nvmlDevice_t device, unsigned* mw) {
  load();
  *mw = device->power_mw;
  return 0;
}
/* UUIDs in NVML's format, one per fake GPU: GPU-00000000-0000-4000-8000-00000000000N. */
int nvmlDeviceGetUUID(nvmlDevice_t device, char* uuid, unsigned length) {
  int index = (int)(device - gpus);
  if (length < 42) return 7; /* NVML_ERROR_INSUFFICIENT_SIZE */
  snprintf(uuid, length, "GPU-00000000-0000-4000-8000-%012d", index);
  return 0;
}
