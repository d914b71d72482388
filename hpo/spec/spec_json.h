// StudySpec <-> JSON: the resolved study stored in the study file (and printed by
// `ecohpo run --dry-run`). Round-trips exactly, including parameter value types (an int
// stays an int, 1.0 stays a float) and doubles (bit-identical).
//
//   nlohmann::json j = spec_to_json(spec);      // everything, incl. source_text, locations
//   StudySpec back = spec_from_json(j);         // == spec
//   std::cout << resolved_spec_json(spec).dump(2);  // for --dry-run: no source text/locations
#pragma once

#include <nlohmann/json.hpp>

#include "hpo/core/study_spec.h"

namespace hpo {

nlohmann::json spec_to_json(const StudySpec& spec);
StudySpec spec_from_json(const nlohmann::json& j);  // throws std::invalid_argument
nlohmann::json param_spec_to_json(const ParamSpec& p);
ParamSpec param_spec_from_json(const nlohmann::json& j);  // throws std::invalid_argument
// spec_to_json without source_text, source_path and locations: what a person reads.
nlohmann::json resolved_spec_json(const StudySpec& spec);

}  // namespace hpo
