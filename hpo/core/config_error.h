// ConfigError: a bad study, flag or option. Thrown at the boundaries (YAML, CLI, component
// factories) and never inside the study loop. `key` is the path of the offending key
// ("/space/lr/low", "/sampler/gamma"); the YAML loader maps it to a line and column.
#pragma once

#include <stdexcept>
#include <string>
#include <utility>

namespace hpo {

class ConfigError : public std::invalid_argument {
 public:
  ConfigError(std::string key, const std::string& message)
      : std::invalid_argument(message), key_(std::move(key)) {}
  const std::string& key() const { return key_; }

 private:
  std::string key_;
};

}  // namespace hpo
