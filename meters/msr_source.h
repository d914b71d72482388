// RAPL through the model-specific registers, /dev/cpu/N/msr (root overridable with
// $ECOHPO_MSR_ROOT; needs the msr module and root or CAP_SYS_RAWIO). One CPU per package.
// Intel: unit 0x606, package 0x611, dram 0x619. AMD (family 17h+): unit 0xC0010299, package
// 0xC001029B. Energy unit = 2^-bits[12:8] J from the unit register, except DRAM on server
// parts, which uses a fixed unit whatever the register says (15.3 uJ on Haswell-EP to
// Ice Lake-SP and Xeon Phi, 61 uJ on Sapphire/Emerald/Granite Rapids and Sierra Forest;
// likwid src/power.c). Counters are the low 32 bits and wrap; the meter reads well within
// the wrap time.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "meters/energy_source.h"

namespace meters {

class MsrSource : public EnergySource {
 public:
  struct Options {
    std::string root;         // "" = $ECOHPO_MSR_ROOT or /dev/cpu
    std::string vendor;       // "" = from /proc/cpuinfo; GenuineIntel / AuthenticAMD
    int family = -1, model = -1;  // -1 = from /proc/cpuinfo
    // (package, cpu) pairs; empty = one CPU per package from sysfs topology, restricted to
    // the CPUs that have <root>/N/msr.
    std::vector<std::pair<int, int>> package_cpus;
  };
  static std::string default_root();
  static hpo::Result<std::unique_ptr<MsrSource>> open(const Options& options,
                                                      std::vector<std::string>* notes);
  // Fixed DRAM energy unit (J) for an Intel family-6 model, or 0 when the unit register
  // applies.
  static double fixed_dram_unit_j(int family, int model);
  ~MsrSource() override;

  std::string name() const override { return "msr"; }
  const std::vector<Channel>& channels() const override { return channels_; }
  hpo::Result<std::vector<double>> read_j() override;
  double max_read_interval_s() const override { return 30.0; }

 private:
  MsrSource() = default;
  struct Reg {
    int fd = -1;
    unsigned long long address = 0;
    double unit_j = 0.0;
    unsigned last = 0;
    unsigned long long acc = 0;  // in units
  };
  std::vector<Reg> regs_;
  std::vector<Channel> channels_;
  std::vector<int> fds_;
};

}  // namespace meters
