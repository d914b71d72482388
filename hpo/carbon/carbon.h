// Carbon accounting: co2e_kg = energy_kwh x PUE x intensity, over the trial's own time
// window, plus an optional embodied share in the Software Carbon Intensity form
// (Green Software Foundation SCI v1.1: M = TE x (time reserved / lifetime) x share).
// Intensity, in order: a fixed `intensity_g_per_kwh`; a CSV series (timestamp, g_per_kwh)
// integrated against the trial's power trace; a region (ISO country code or cloud region)
// from the shipped tables; else the world average 475 g/kWh with a warning.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "hpo/core/study_spec.h"
#include "hpo/core/trial.h"
#include "meters/measurement.h"

namespace hpo {

class CarbonAccountant {
 public:
  // Throws ConfigError (key "/carbon/...") on an unreadable CSV or unknown region.
  explicit CarbonAccountant(const CarbonSpec& spec);

  // Fills intensity_g_per_kwh, intensity_source, pue, embodied_kg and co2e_kg of `energy`
  // (whose energy_kwh and trace are already set) for a trial that ran [start, end].
  void account(TrialEnergy& energy, double start_unix_s, double end_unix_s) const;
  // Operational + embodied CO2e of `energy_kwh` spent evenly over [start, end].
  double co2e_kg(double energy_kwh, double start_unix_s, double end_unix_s) const;
  // "region:IE (OWID 2023) 282.1 g/kWh, PUE 1.2" for show/progress.
  std::string describe() const;
  // Warnings to print once (e.g. "no region given; using world average 475 g/kWh").
  const std::vector<std::string>& warnings() const { return warnings_; }

 private:
  struct Impl;
  std::shared_ptr<const Impl> impl_;
  std::vector<std::string> warnings_;
};

// Groups a meter's components into cpu/dram/gpu/other kWh, sets energy_source, estimated,
// components and trace (PUE and carbon are left to CarbonAccountant).
TrialEnergy energy_from_measurement(const meters::Measurement& m);

}  // namespace hpo
