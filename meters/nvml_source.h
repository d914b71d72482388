// NVIDIA GPUs through NVML, loaded at run time with dlopen ($ECOHPO_NVML_LIBRARY or
// libnvidia-ml.so.1; no build-time dependency). Per GPU: the total-energy counter
// (nvmlDeviceGetTotalEnergyConsumption, mJ, Volta and newer) when the GPU has it, else
// board power (nvmlDeviceGetPowerUsage, mW) integrated with the trapezoid rule between reads
// (the meter then samples at 10 Hz; Yang et al., arXiv 2312.02741, on why the counter is
// preferred). Channels gpu-N with source nvml-energy or nvml-power.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "meters/energy_source.h"

namespace meters {

class NvmlSource : public EnergySource {
 public:
  static std::string default_library();  // $ECOHPO_NVML_LIBRARY or libnvidia-ml.so.1
  // Loads the library, initializes NVML and probes every GPU. Error: missing library,
  // init failure, no GPU (with NVML's own message).
  static hpo::Result<std::unique_ptr<NvmlSource>> open(const std::string& library,
                                                       std::vector<std::string>* notes);
  ~NvmlSource() override;

  std::string name() const override { return "nvml"; }
  const std::vector<Channel>& channels() const override { return channels_; }
  hpo::Result<std::vector<double>> read_j() override;
  double max_read_interval_s() const override { return power_only_ ? 0.1 : 60.0; }

 private:
  NvmlSource() = default;
  struct Api;
  struct Gpu {
    void* handle = nullptr;
    bool counter = false;
    unsigned long long first_mj = 0;
    double last_power_w = 0.0, last_t_s = 0.0, acc_j = 0.0;
  };
  void* lib_ = nullptr;
  std::unique_ptr<Api> api_;
  std::vector<Gpu> gpus_;
  std::vector<Channel> channels_;
  bool power_only_ = false;
};

}  // namespace meters
