#include "meters/gpu_power_limits.h"

#include <dlfcn.h>

#include <cstdio>

namespace meters {

namespace {
constexpr int kNvmlSuccess = 0;
using Device = void*;
}  // namespace

struct GpuPowerLimits::Api {
  int (*init)() = nullptr;
  int (*shutdown)() = nullptr;
  int (*handle)(unsigned, Device*) = nullptr;
  int (*constraints)(Device, unsigned*, unsigned*) = nullptr;
  int (*get)(Device, unsigned*) = nullptr;
  int (*set)(Device, unsigned) = nullptr;
  const char* (*error_string)(int) = nullptr;
  std::string err(int rc) const {
    return error_string ? error_string(rc) : "NVML error " + std::to_string(rc);
  }
  hpo::Result<Device> device(int gpu) const {
    Device d = nullptr;
    if (gpu < 0) return hpo::make_error("GPU " + std::to_string(gpu) + " is not an NVML GPU");
    if (int rc = handle(static_cast<unsigned>(gpu), &d); rc != kNvmlSuccess)
      return hpo::make_error("GPU " + std::to_string(gpu) + ": " + err(rc));
    return d;
  }
};

hpo::Result<std::unique_ptr<GpuPowerLimits>> GpuPowerLimits::open(const std::string& library) {
  void* lib = dlopen(library.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    const char* e = dlerror();
    return hpo::make_error("cannot load " + library + " (" + (e ? e : "?") +
                           "); no NVIDIA driver here, or set ECOHPO_NVML_LIBRARY");
  }
  std::unique_ptr<GpuPowerLimits> out(new GpuPowerLimits());
  out->lib_ = lib;
  out->api_ = std::make_unique<Api>();
  Api& a = *out->api_;
  auto sym = [&](const char* n) { return dlsym(lib, n); };
  a.init = reinterpret_cast<int (*)()>(sym("nvmlInit_v2"));
  a.shutdown = reinterpret_cast<int (*)()>(sym("nvmlShutdown"));
  a.handle = reinterpret_cast<int (*)(unsigned, Device*)>(sym("nvmlDeviceGetHandleByIndex_v2"));
  a.constraints = reinterpret_cast<int (*)(Device, unsigned*, unsigned*)>(
      sym("nvmlDeviceGetPowerManagementLimitConstraints"));
  a.get = reinterpret_cast<int (*)(Device, unsigned*)>(sym("nvmlDeviceGetPowerManagementLimit"));
  a.set = reinterpret_cast<int (*)(Device, unsigned)>(sym("nvmlDeviceSetPowerManagementLimit"));
  a.error_string = reinterpret_cast<const char* (*)(int)>(sym("nvmlErrorString"));
  if (!a.init || !a.handle || !a.constraints || !a.get || !a.set)
    return hpo::make_error(library + " lacks the NVML power-limit functions "
                           "(nvmlDevice{Get,Set}PowerManagementLimit[Constraints])");
  if (int rc = a.init(); rc != kNvmlSuccess) {
    a.shutdown = nullptr;
    return hpo::make_error("nvmlInit_v2 failed: " + a.err(rc));
  }
  return out;
}

GpuPowerLimits::~GpuPowerLimits() {
  if (api_ && api_->shutdown) api_->shutdown();
  if (lib_) dlclose(lib_);
}

hpo::Result<GpuPowerLimits::Range> GpuPowerLimits::range_mw(int gpu) const {
  auto d = api_->device(gpu);
  if (!d.ok()) return hpo::make_error(d.error());
  Range r;
  if (int rc = api_->constraints(d.value(), &r.min_mw, &r.max_mw); rc != kNvmlSuccess)
    return hpo::make_error("GPU " + std::to_string(gpu) + ": power-limit range: " + api_->err(rc));
  return r;
}

hpo::Result<unsigned> GpuPowerLimits::limit_mw(int gpu) const {
  auto d = api_->device(gpu);
  if (!d.ok()) return hpo::make_error(d.error());
  unsigned mw = 0;
  if (int rc = api_->get(d.value(), &mw); rc != kNvmlSuccess)
    return hpo::make_error("GPU " + std::to_string(gpu) + ": power limit: " + api_->err(rc));
  return mw;
}

hpo::Result<void> GpuPowerLimits::set_limit_mw(int gpu, unsigned limit_mw) {
  auto d = api_->device(gpu);
  if (!d.ok()) return hpo::make_error(d.error());
  if (int rc = api_->set(d.value(), limit_mw); rc != kNvmlSuccess)
  {
    char watts[32];
    std::snprintf(watts, sizeof watts, "%g", limit_mw / 1000.0);
    return hpo::make_error("GPU " + std::to_string(gpu) + ": setting the power limit to " + watts +
                           " W: " + api_->err(rc) +
                           (rc == 4 ? " (setting GPU power limits needs root)" : ""));
  }
  return {};
}

}  // namespace meters
