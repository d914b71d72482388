// RAPL through Linux powercap sysfs (root: $ECOHPO_POWERCAP_ROOT or /sys/class/powercap).
// Zones are found by their `name` file, never by index; nested zones are not added (core and
// uncore are inside package, package inside psys: psys is not used); an intel-rapl-mmio zone
// that duplicates an intel-rapl zone of the same name is dropped; sibling die zones of one
// package that read the same counter (multi-die AMD mirrors, codecarbon#1274) count once.
// Each zone keeps a 64-bit accumulator: on `new < last` it adds max_energy_range_uj - last +
// new (one wrap; the meter reads well within the wrap time). Package and dram are separate
// channels: cpu-package-N, dram-N. See docs/metering.md for the permission set-up.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "meters/energy_source.h"

namespace meters {

class RaplSource : public EnergySource {
 public:
  // Opens the zones under `root`; every zone skipped gets one line in `notes`. Error when no
  // usable zone is left (with the reasons).
  static hpo::Result<std::unique_ptr<RaplSource>> open(const std::string& root,
                                                       std::vector<std::string>* notes);
  static std::string default_root();  // $ECOHPO_POWERCAP_ROOT or /sys/class/powercap

  std::string name() const override { return "rapl"; }
  const std::vector<Channel>& channels() const override { return channels_; }
  hpo::Result<std::vector<double>> read_j() override;
  double max_read_interval_s() const override { return max_interval_s_; }

 private:
  struct Zone {
    std::string energy_path;
    unsigned long long max_range_uj = 0;
    unsigned long long last_uj = 0;
    unsigned long long acc_uj = 0;
  };
  RaplSource() = default;
  std::vector<Zone> zones_;  // one per channel
  std::vector<Channel> channels_;
  double max_interval_s_ = 60.0;
};

}  // namespace meters
