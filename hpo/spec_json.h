// StudySpec <-> JSON: the resolved study stored in the study file (and printed by
// `ecohpo run --dry-run`). Round-trips exactly, including parameter value types.
#pragma once

#include <nlohmann/json.hpp>

#include "hpo/study_spec.h"

namespace hpo {

nlohmann::json spec_to_json(const StudySpec& spec);
StudySpec spec_from_json(const nlohmann::json& j);  // throws std::invalid_argument
nlohmann::json param_spec_to_json(const ParamSpec& p);

}  // namespace hpo
