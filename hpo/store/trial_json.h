// Trial <-> JSON: the one JSON form of a trial record, used by the study journal
// (docs/storage.md), the JSON export and anything else that ships trials as text.
// Every field of hpo::Trial round-trips exactly: parameter types are kept (bool, int,
// float, string), doubles are written with round-trip precision, and non-finite doubles
// (NaN, ±inf), which JSON cannot spell, are written as the strings "nan", "inf", "-inf".
//
//   nlohmann::json j = hpo::trial_to_json(trial);
//   hpo::Trial back = hpo::trial_from_json(j);  // throws std::invalid_argument on bad input
#pragma once

#include <nlohmann/json.hpp>

#include "hpo/core/trial.h"

namespace hpo {

nlohmann::json trial_to_json(const Trial& trial);
// Missing keys keep their defaults; wrong types throw std::invalid_argument naming the key.
Trial trial_from_json(const nlohmann::json& j);

nlohmann::json report_to_json(const Report& report);
Report report_from_json(const nlohmann::json& j);

nlohmann::json energy_to_json(const TrialEnergy& energy);
TrialEnergy energy_from_json(const nlohmann::json& j);

// A double as JSON: a number when finite, else "nan" / "inf" / "-inf".
nlohmann::json double_to_json(double x);
// Accepts a number, or one of the strings above; throws std::invalid_argument otherwise.
double double_from_json(const nlohmann::json& j, const char* key);

}  // namespace hpo
