// StopRule: a study-level rule checked after each finished trial; the first rule that fires
// stops the study (no new trials; running ones finish). The verdict says which rule fired,
// at which trial and with the numbers that triggered it, and is stored in the study file.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "hpo/core/study_view.h"

namespace hpo {

struct StopVerdict {
  bool stop = false;
  std::string rule;     // e.g. "hypervolume_plateau", "budget.energy_kwh"
  std::string message;  // one sentence for `ecohpo show`
  std::int64_t at_trial = -1;
  nlohmann::json numbers = nlohmann::json::object();  // what triggered it
};

class StopRule {
 public:
  virtual ~StopRule() = default;
  StopRule() = default;
  StopRule(const StopRule&) = delete;
  StopRule& operator=(const StopRule&) = delete;

  virtual StopVerdict check(const StudyView& study) = 0;
};

}  // namespace hpo
