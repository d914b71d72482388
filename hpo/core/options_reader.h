// OptionsReader: reads a component's Options from its JSON options object, with defaults,
// type checks and a final check for unknown keys. Every error is a ConfigError naming the
// key path, e.g. "/sampler/gamma: expected a number, got \"x\"".
//
//   OptionsReader r(spec.options, spec.key);
//   opts.gamma = r.number("gamma", opts.gamma);
//   opts.seed = r.integer("seed", opts.seed);
//   r.finish();  // throws on keys nobody read ("unknown option 'gama'; allowed: ...")
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hpo/core/config_error.h"

namespace hpo {

class OptionsReader {
 public:
  OptionsReader(const nlohmann::json& options, std::string base_key);

  double number(const std::string& name, double fallback);
  std::int64_t integer(const std::string& name, std::int64_t fallback);
  bool boolean(const std::string& name, bool fallback);
  std::string string(const std::string& name, const std::string& fallback);
  std::vector<double> numbers(const std::string& name, const std::vector<double>& fallback);
  std::vector<std::string> strings(const std::string& name,
                                   const std::vector<std::string>& fallback);
  // Raw access for nested objects; nullptr when absent. Marks the key as read.
  const nlohmann::json* raw(const std::string& name);
  bool has(const std::string& name) const;

  // The full key path of an option, for errors raised by validate().
  std::string key(const std::string& name) const { return base_ + "/" + name; }
  // Throws ConfigError for every key that was never read.
  void finish() const;

 private:
  const nlohmann::json& options_;
  std::string base_;
  std::set<std::string> read_;
};

}  // namespace hpo
