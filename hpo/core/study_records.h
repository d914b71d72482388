// The study's own records, as data: what a study is (StudyInfo) and why it stopped
// (StopRecord). The store persists them; the loop, show and compare read them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hpo/core/objective.h"

namespace hpo {

struct StudyInfo {
  std::string name;
  std::string source_text;  // the YAML as given, or the sweep command line
  std::string source_path;
  nlohmann::json spec = nlohmann::json::object();  // the resolved study (spec_to_json)
  std::vector<Objective> objectives;
  std::vector<std::string> param_names;
  std::string host;
  std::string ecohpo_version;
  double created_unix_s = 0.0;
};

struct StopRecord {
  std::string rule;     // "budget.trials", "hypervolume_plateau", "interrupted", ...
  std::string message;
  std::int64_t at_trial = -1;
  nlohmann::json numbers = nlohmann::json::object();
  double unix_s = 0.0;
};

}  // namespace hpo
