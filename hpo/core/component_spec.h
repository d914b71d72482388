// A configured component as the study names it: `sampler: {type: tpe, seed: 7, gamma: 0.2}`
// becomes {type: "tpe", options: {"seed": 7, "gamma": 0.2}, key: "sampler"}. Each component's
// factory turns `options` into its typed Options struct and validates it, throwing
// ConfigError naming the option; the YAML layer adds the file, line and column.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace hpo {

struct ComponentSpec {
  std::string type;
  nlohmann::json options = nlohmann::json::object();  // everything except `type`
  std::string key;  // JSON-pointer-like path of the component in the study, e.g. "/sampler"
};

}  // namespace hpo
