// What a meter says about one metered span: energy per component, where each figure came
// from, and a power trace. Joules inside meters (what counters count); kWh at the study level.
#pragma once

#include <string>
#include <vector>

namespace meters {

inline constexpr double kJoulesPerKwh = 3.6e6;

// One component of one span, e.g. {"cpu-package-0", "rapl", 812.5, false}.
struct ComponentEnergy {
  std::string component;  // cpu-package-N, dram-N, gpu-N, psys, memory, ...
  std::string source;     // rapl, perf, msr, nvml-energy, nvml-power, estimate
  double energy_j = 0.0;
  bool estimated = false;
  double energy_kwh() const { return energy_j / kJoulesPerKwh; }
};

// Attributed power at a moment, seconds since the span began.
struct PowerSample {
  double t_s = 0.0;
  double power_w = 0.0;
};

struct Measurement {
  double duration_s = 0.0;
  double cpu_s = 0.0;  // CPU seconds of the metered process tree over the span (if known)
  std::vector<ComponentEnergy> components;
  std::vector<PowerSample> trace;
  std::vector<std::string> notes;  // e.g. "rapl: permission denied on ...; used estimate"

  double total_j() const;
  double total_kwh() const { return total_j() / kJoulesPerKwh; }
  bool any_estimated() const;
};

}  // namespace meters
