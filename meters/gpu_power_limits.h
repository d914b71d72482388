// GPU power limits through NVML (nvmlDevice{Get,Set}PowerManagementLimit and the limit
// constraints), loaded at run time with dlopen like the NVML meter. A power cap is a
// hardware knob worth tuning with the model's hyperparameters: a GPU capped well below its
// default limit often trains almost as fast on far less energy (Zeus, You et al., NSDI 2023).
// `hardware: {gpu_power_limit_w: ...}` in a study sets it per trial on the trial's own GPUs
// (docs/metering.md, "GPU power limits"). Setting a limit needs root (or the driver's
// permission); reading it does not. GPUs are numbered as NVML numbers them (PCI bus order),
// as in Meter::gpus().
//
//   auto limits = meters::GpuPowerLimits::open(NvmlSource::default_library());
//   if (limits.ok()) limits.value()->set_limit_mw(0, 200000);
#pragma once

#include <memory>
#include <string>

#include "hpo/base/result.h"

namespace meters {

class GpuPowerLimits {
 public:
  struct Range {
    unsigned min_mw = 0;
    unsigned max_mw = 0;
  };

  // Loads `library`, initializes NVML. Error: missing library or symbols, init failure.
  static hpo::Result<std::unique_ptr<GpuPowerLimits>> open(const std::string& library);
  ~GpuPowerLimits();
  GpuPowerLimits(const GpuPowerLimits&) = delete;
  GpuPowerLimits& operator=(const GpuPowerLimits&) = delete;

  hpo::Result<Range> range_mw(int gpu) const;
  hpo::Result<unsigned> limit_mw(int gpu) const;
  // Errors carry NVML's message, e.g. "Insufficient Permissions" when not root.
  hpo::Result<void> set_limit_mw(int gpu, unsigned limit_mw);

 private:
  GpuPowerLimits() = default;
  struct Api;
  void* lib_ = nullptr;
  std::unique_ptr<Api> api_;
};

}  // namespace meters
