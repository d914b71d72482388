// StudySpec: a validated study, whether it came from a YAML file or an `ecohpo sweep`
// command line. Everything below the CLI takes this struct; nothing below parses YAML.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hpo/core/component_spec.h"
#include "hpo/core/objective.h"
#include "hpo/core/search_space.h"

namespace hpo {

// Where a key was written, so errors found after parsing can still point at the file.
struct SourceLocation {
  std::string file;
  int line = 0;    // 1-based; 0 when unknown (command line)
  int column = 0;  // 1-based
};

struct Budget {
  std::optional<std::int64_t> trials;
  std::optional<double> energy_kwh;   // trials + optimizer, pruned and failed included
  std::optional<double> co2e_kg;
  std::optional<double> wall_time_s;  // of the whole study
};

// `carbon:` — how kWh become CO2e (see docs/metering.md).
struct CarbonSpec {
  std::optional<double> intensity_g_per_kwh;  // fixed intensity wins over everything
  std::string intensity_csv;                  // timestamp,g_per_kwh series
  std::string region;                         // ISO country (IE, IRL) or cloud region
  double pue = 1.0;
  struct Embodied {
    double hardware_kg = 0.0;    // total embodied emissions of the machine
    double lifetime_years = 4.0;
    double share = 1.0;          // share of the machine reserved for the study (0..1]
  };
  std::optional<Embodied> embodied;
};

// Hardware knobs set for each trial on the resources it holds, and restored after it
// (`hardware:`; docs/metering.md, "GPU power limits"). Values are a number or a template with
// {name} placeholders of the search space, e.g. "{gpu_w}".
struct HardwareSpec {
  std::string gpu_power_limit_w;  // "" = leave the GPUs' limits alone
  bool empty() const { return gpu_power_limit_w.empty(); }
};

struct StudySpec {
  std::string name;
  std::vector<std::string> command;  // argv template with {name} placeholders
  bool shell = false;                // run command[0] through /bin/sh -c
  std::string work_dir;              // cwd for trials ("" = where ecohpo runs)
  std::map<std::string, std::string> env;  // extra environment for trials
  SearchSpace space;
  std::vector<Objective> objectives;
  ComponentSpec sampler{"random", nlohmann::json::object(), "/sampler"};
  Budget budget;
  int parallel = 1;
  double trial_timeout_s = 0.0;  // 0 = none
  int retries = 0;
  std::filesystem::path storage;
  std::vector<std::string> meters{"auto"};  // or explicit sources: rapl, perf, msr, nvml, estimate
  double meter_interval_s = 1.0;
  int gpus_per_trial = 0;
  HardwareSpec hardware;
  CarbonSpec carbon;
  std::optional<ComponentSpec> pruner;
  std::vector<ComponentSpec> early_stop;
  ComponentSpec executor{"local", nlohmann::json::object(), "/executor"};

  // The study as the user gave it (YAML text, or the sweep command line), stored verbatim.
  std::string source_text;
  std::string source_path;
  // Key path ("/space/lr/low") -> where it was written; filled by the YAML loader.
  std::map<std::string, SourceLocation> locations;

  // Where a key was written, or {source_path, 0, 0}.
  SourceLocation locate(const std::string& key) const;
};

}  // namespace hpo
