// The estimate: no counter, a model. CPU energy = CPU seconds of the target x (TDP / hardware
// threads per package), with the TDP from the shipped table (CodeCarbon's cpu_power.csv)
// matched against /proc/cpuinfo's model name, or 4 W per thread when the CPU is unknown
// (CodeCarbon's default); memory = 0.375 W per GB of the target's resident memory (eco2AI's
// 3/8 W per GB). Every figure it produces has source "estimate" and estimated = true.
// Model-based fallbacks err by up to ~40% against wall meters (Fischer 2025, arXiv
// 2509.22092); docs/metering.md states the limits.
#pragma once

#include <string>
#include <vector>

#include "meters/energy_source.h"

namespace meters {

class EstimateSource : public EnergySource {
 public:
  struct Options {
    double cpu_w_per_thread = 0.0;  // 0: TDP table / threads per package
    double memory_w_per_gb = 0.375;
    std::string cpuinfo_path = "/proc/cpuinfo";
    std::string tdp_csv;            // "" = <data dir>/codecarbon_cpu_tdp.csv
    std::string validate() const;
  };
  explicit EstimateSource(const Options& options);

  std::string name() const override { return "estimate"; }
  const std::vector<Channel>& channels() const override { return channels_; }
  hpo::Result<std::vector<double>> read_j() override {
    return std::vector<double>(channels_.size(), 0.0);
  }
  std::string describe() const override { return describe_; }
  double cpu_w_per_thread() const { return channels_[0].rate_w; }

 private:
  std::vector<Channel> channels_;
  std::string describe_;
};

}  // namespace meters
