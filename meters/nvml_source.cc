#include "meters/nvml_source.h"

#include <dlfcn.h>

#include "meters/attributing_meter.h"

namespace meters {

namespace {
constexpr int kNvmlSuccess = 0;
using Device = void*;
}  // namespace

struct NvmlSource::Api {
  int (*init)() = nullptr;
  int (*shutdown)() = nullptr;
  int (*count)(unsigned*) = nullptr;
  int (*handle)(unsigned, Device*) = nullptr;
  int (*energy)(Device, unsigned long long*) = nullptr;
  int (*power)(Device, unsigned*) = nullptr;
  int (*uuid)(Device, char*, unsigned) = nullptr;  // optional
  const char* (*error_string)(int) = nullptr;
  std::string err(int rc) const {
    return error_string ? error_string(rc) : "NVML error " + std::to_string(rc);
  }
};

std::string NvmlSource::default_library() {
  return detail::env_or("ECOHPO_NVML_LIBRARY", "libnvidia-ml.so.1");
}

hpo::Result<std::unique_ptr<NvmlSource>> NvmlSource::open(const std::string& library,
                                                         std::vector<std::string>* notes) {
  void* lib = dlopen(library.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    const char* e = dlerror();
    return hpo::make_error("nvml: cannot load " + library + " (" + (e ? e : "?") +
                           "); no NVIDIA driver here, or set ECOHPO_NVML_LIBRARY");
  }
  std::unique_ptr<NvmlSource> src(new NvmlSource());
  src->lib_ = lib;
  src->api_ = std::make_unique<Api>();
  Api& a = *src->api_;
  auto sym = [&](const char* n) { return dlsym(lib, n); };
  a.init = reinterpret_cast<int (*)()>(sym("nvmlInit_v2"));
  a.shutdown = reinterpret_cast<int (*)()>(sym("nvmlShutdown"));
  a.count = reinterpret_cast<int (*)(unsigned*)>(sym("nvmlDeviceGetCount_v2"));
  a.handle = reinterpret_cast<int (*)(unsigned, Device*)>(sym("nvmlDeviceGetHandleByIndex_v2"));
  a.energy = reinterpret_cast<int (*)(Device, unsigned long long*)>(
      sym("nvmlDeviceGetTotalEnergyConsumption"));
  a.power = reinterpret_cast<int (*)(Device, unsigned*)>(sym("nvmlDeviceGetPowerUsage"));
  a.uuid = reinterpret_cast<int (*)(Device, char*, unsigned)>(sym("nvmlDeviceGetUUID"));
  a.error_string = reinterpret_cast<const char* (*)(int)>(sym("nvmlErrorString"));
  if (!a.init || !a.count || !a.handle || !a.power)
    return hpo::make_error("nvml: " + library + " lacks nvmlInit_v2/nvmlDeviceGetCount_v2/"
                           "nvmlDeviceGetHandleByIndex_v2/nvmlDeviceGetPowerUsage");
  if (int rc = a.init(); rc != kNvmlSuccess) {
    a.shutdown = nullptr;  // nothing to shut down
    return hpo::make_error("nvml: nvmlInit_v2 failed: " + a.err(rc));
  }
  unsigned n = 0;
  if (int rc = a.count(&n); rc != kNvmlSuccess)
    return hpo::make_error("nvml: nvmlDeviceGetCount_v2 failed: " + a.err(rc));
  if (n == 0) return hpo::make_error("nvml: no GPU found");
  const double now = steady_now_s();
  for (unsigned i = 0; i < n; ++i) {
    Gpu g;
    if (int rc = a.handle(i, &g.handle); rc != kNvmlSuccess) {
      notes->push_back("nvml: GPU " + std::to_string(i) + " skipped: " + a.err(rc));
      continue;
    }
    unsigned long long mj = 0;
    if (a.energy && a.energy(g.handle, &mj) == kNvmlSuccess) {
      g.counter = true;
      g.first_mj = mj;
    } else {
      unsigned mw = 0;
      if (int rc = a.power(g.handle, &mw); rc != kNvmlSuccess) {
        notes->push_back("nvml: GPU " + std::to_string(i) +
                         " has neither an energy counter nor power readings: " + a.err(rc));
        continue;
      }
      g.last_power_w = mw * 1e-3;
      g.last_t_s = now;
      src->power_only_ = true;
      notes->push_back("nvml: GPU " + std::to_string(i) +
                       " has no energy counter; integrating power at 10 Hz");
    }
    src->gpus_.push_back(g);
    Channel c{"gpu-" + std::to_string(i), g.counter ? "nvml-energy" : "nvml-power",
              ChannelKind::kGpu, static_cast<int>(i)};
    char uuid[96] = {};  // NVML_DEVICE_UUID_V2_BUFFER_SIZE is 96
    if (a.uuid && a.uuid(g.handle, uuid, sizeof uuid) == kNvmlSuccess) c.device_uuid = uuid;
    src->channels_.push_back(std::move(c));
  }
  if (src->gpus_.empty()) return hpo::make_error("nvml: no usable GPU");
  return src;
}

NvmlSource::~NvmlSource() {
  if (api_ && api_->shutdown) api_->shutdown();
  if (lib_) dlclose(lib_);
}

hpo::Result<std::vector<double>> NvmlSource::read_j() {
  std::vector<double> out(gpus_.size());
  const double now = steady_now_s();
  for (std::size_t i = 0; i < gpus_.size(); ++i) {
    Gpu& g = gpus_[i];
    if (g.counter) {
      unsigned long long mj = 0;
      if (int rc = api_->energy(g.handle, &mj); rc != kNvmlSuccess)
        return hpo::make_error("nvml: " + channels_[i].component + ": " + api_->err(rc));
      out[i] = static_cast<double>(mj - g.first_mj) * 1e-3;
    } else {
      unsigned mw = 0;
      if (int rc = api_->power(g.handle, &mw); rc != kNvmlSuccess)
        return hpo::make_error("nvml: " + channels_[i].component + ": " + api_->err(rc));
      const double p = mw * 1e-3;
      g.acc_j += 0.5 * (p + g.last_power_w) * (now - g.last_t_s);
      g.last_power_w = p;
      g.last_t_s = now;
      out[i] = g.acc_j;
    }
  }
  return out;
}

}  // namespace meters
