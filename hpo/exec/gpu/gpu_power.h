// GpuPowerKnob: the `hardware: {gpu_power_limit_w: ...}` knob. Before a trial starts, the
// power limit of each GPU it holds is set to the value its parameters give (NVML, through
// meters::GpuPowerLimits); when it ends, each GPU gets back the limit it had before the
// study. The limits found before the study are kept in the study file (attribute
// `gpu_power_limits_mw`), so a coordinator killed mid-trial is repaired on resume: every GPU
// whose limit differs from its recorded one is restored before anything runs.
//
// Why a knob: capping a GPU's power often costs little time and saves much energy (Zeus,
// You et al., NSDI 2023; "Power-aware Deep Learning Model Serving" and many DVFS studies),
// and the best cap depends on the model, so it belongs in the search space beside the
// learning rate, with the energy measured per trial like any other objective.
//
// Not thread-safe: the study loop owns it.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "hpo/core/param_value.h"
#include "hpo/base/result.h"
#include "hpo/core/study_spec.h"
#include "meters/gpu_power_limits.h"

namespace hpo {

class GpuPowerKnob {
 public:
  GpuPowerKnob(meters::GpuPowerLimits& limits, std::string template_w)
      : limits_(limits), template_w_(std::move(template_w)) {}

  // Takes the originals of `gpus` from `recorded` (a resumed study's attribute; null or
  // missing entries are read from the GPUs now) and restores every GPU whose current limit
  // differs. Returns one note per restored GPU; an error when a limit cannot be read.
  Result<std::vector<std::string>> begin(const std::vector<int>& gpus,
                                         const nlohmann::json& recorded);
  // {"0": 300000, ...}: the originals, for the study file.
  nlohmann::json originals_json() const;

  // The watts `params` give (the template substituted, then read as a number).
  Result<double> watts(const Params& params) const;
  // Sets every GPU of `gpus` to watts(params); on a failure the GPUs already set are
  // restored and the error names the GPU and NVML's reason. Returns the watts set.
  Result<double> apply(const Params& params, const std::vector<int>& gpus);
  // Restores the originals of `gpus`; returns a sentence per GPU that could not be restored.
  std::vector<std::string> restore(const std::vector<int>& gpus);

 private:
  meters::GpuPowerLimits& limits_;
  std::string template_w_;
  std::map<int, unsigned> originals_mw_;
};

// `text` as watts: a finite number > 0 and nothing else; nullopt otherwise.
std::optional<double> parse_watts(const std::string& text);

// The range of watts a study's `gpu_power_limit_w` can give: a number, or one placeholder
// of a numeric parameter (its low..high) or of a categorical one with numeric choices.
// nullopt when it cannot be told before a trial (several placeholders, text around one).
std::optional<std::pair<double, double>> possible_watts(const StudySpec& spec);

// Checks possible_watts(spec) against the power-limit range of each of `gpus`; the error
// says which GPU allows what.
Result<void> check_power_range(const StudySpec& spec, const meters::GpuPowerLimits& limits,
                               const std::vector<int>& gpus);

}  // namespace hpo
