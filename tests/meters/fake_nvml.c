/* A fake libnvidia-ml for tests, loaded through ECOHPO_NVML_LIBRARY. Its state is read, at
 * every call, from the file named by $FAKE_NVML_STATE:
 *   init RC                  return code of nvmlInit_v2 (0 = success)
 *   gpu ENERGY_MJ POWER_MW   one line per GPU; ENERGY_MJ -1 = no energy counter
 *   ramp POWER_MW            one line per GPU drawing POWER_MW steadily: its energy counter
 *                            grows with CLOCK_MONOTONIC from 0 at the first nvmlInit_v2
 *   limits MIN_MW MAX_MW     power-limit range of every GPU (default 100000 300000); a GPU's
 *                            limit is MAX_MW until set
 *   noperm                   nvmlDeviceSetPowerManagementLimit fails: Insufficient Permissions
 * so a test changes what the "GPUs" report by rewriting the file. Power limits that were set
 * are appended as "INDEX MW" lines to the file named by $FAKE_NVML_LIMITS (shared by every
 * process, so a test reads what a study set and restored, in order). */
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
static unsigned limit_min_mw = 100000, limit_max_mw = 300000;
static int no_permission;

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
  limit_min_mw = 100000;
  limit_max_mw = 300000;
  no_permission = 0;
  if (!f) return;
  init_rc = 0;
  while (fscanf(f, "%31s", key) == 1) {
    if (key[0] == 'i') {
      if (fscanf(f, "%d", &init_rc) != 1) break;
    } else if (key[0] == 'g' && gpu_count < MAX_GPUS) {
      if (fscanf(f, "%lld %u", &gpus[gpu_count].energy_mj, &gpus[gpu_count].power_mw) != 2) break;
      gpus[gpu_count].ramp = 0;
      ++gpu_count;
    } else if (key[0] == 'l') {
      if (fscanf(f, "%u %u", &limit_min_mw, &limit_max_mw) != 2) break;
    } else if (key[0] == 'n') {
      no_permission = 1;
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
    case 2: return "Invalid Argument";
    case 4: return "Insufficient Permissions";
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

/* Power limits: the last "INDEX MW" line of $FAKE_NVML_LIMITS for this GPU, else the maximum. */
int nvmlDeviceGetPowerManagementLimitConstraints(nvmlDevice_t device, unsigned* min_mw,
                                                 unsigned* max_mw) {
  (void)device;
  load();
  *min_mw = limit_min_mw;
  *max_mw = limit_max_mw;
  return 0;
}
int nvmlDeviceGetPowerManagementLimit(nvmlDevice_t device, unsigned* limit_mw) {
  const int index = (int)(device - gpus);
  const char* path = getenv("FAKE_NVML_LIMITS");
  FILE* f = path ? fopen(path, "r") : NULL;
  int i;
  unsigned mw;
  load();
  *limit_mw = limit_max_mw;
  if (!f) return 0;
  while (fscanf(f, "%d %u", &i, &mw) == 2)
    if (i == index) *limit_mw = mw;
  fclose(f);
  return 0;
}
int nvmlDeviceSetPowerManagementLimit(nvmlDevice_t device, unsigned limit_mw) {
  const int index = (int)(device - gpus);
  const char* path = getenv("FAKE_NVML_LIMITS");
  FILE* f;
  load();
  if (no_permission) return 4; /* NVML_ERROR_NO_PERMISSION */
  if (limit_mw < limit_min_mw || limit_mw > limit_max_mw) return 2; /* INVALID_ARGUMENT */
  f = path ? fopen(path, "a") : NULL;
  if (!f) return 999;
  fprintf(f, "%d %u\n", index, limit_mw);
  fclose(f);
  return 0;
}
