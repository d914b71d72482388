#include "hpo/core/options_reader.h"

namespace hpo {
namespace {

std::string type_name(const nlohmann::json& j) {
  if (j.is_null()) return "null";
  if (j.is_boolean()) return "a boolean (" + j.dump() + ")";
  if (j.is_number()) return "a number (" + j.dump() + ")";
  if (j.is_string()) return "a string (" + j.dump() + ")";
  if (j.is_array()) return "a list";
  return "a mapping";
}

}  // namespace

OptionsReader::OptionsReader(const nlohmann::json& options, std::string base_key)
    : options_(options), base_(std::move(base_key)) {
  if (!options_.is_object() && !options_.is_null())
    throw ConfigError(base_, "expected a mapping of options, got " + type_name(options_));
}

bool OptionsReader::has(const std::string& name) const {
  return options_.is_object() && options_.contains(name);
}

const nlohmann::json* OptionsReader::raw(const std::string& name) {
  read_.insert(name);
  if (!has(name)) return nullptr;
  return &options_.at(name);
}

double OptionsReader::number(const std::string& name, double fallback) {
  const auto* j = raw(name);
  if (!j) return fallback;
  if (!j->is_number()) throw ConfigError(key(name), "expected a number, got " + type_name(*j));
  return j->get<double>();
}

std::int64_t OptionsReader::integer(const std::string& name, std::int64_t fallback) {
  const auto* j = raw(name);
  if (!j) return fallback;
  if (j->is_number_integer()) return j->get<std::int64_t>();
  if (j->is_number_float()) {
    double d = j->get<double>();
    if (d == static_cast<double>(static_cast<std::int64_t>(d))) return static_cast<std::int64_t>(d);
  }
  throw ConfigError(key(name), "expected an integer, got " + type_name(*j));
}

bool OptionsReader::boolean(const std::string& name, bool fallback) {
  const auto* j = raw(name);
  if (!j) return fallback;
  if (!j->is_boolean())
    throw ConfigError(key(name), "expected true or false, got " + type_name(*j));
  return j->get<bool>();
}

std::string OptionsReader::string(const std::string& name, const std::string& fallback) {
  const auto* j = raw(name);
  if (!j) return fallback;
  if (!j->is_string()) throw ConfigError(key(name), "expected a string, got " + type_name(*j));
  return j->get<std::string>();
}

std::vector<double> OptionsReader::numbers(const std::string& name,
                                           const std::vector<double>& fallback) {
  const auto* j = raw(name);
  if (!j) return fallback;
  if (!j->is_array()) throw ConfigError(key(name), "expected a list of numbers, got " + type_name(*j));
  std::vector<double> out;
  for (std::size_t i = 0; i < j->size(); ++i) {
    if (!(*j)[i].is_number())
      throw ConfigError(key(name) + "/" + std::to_string(i),
                        "expected a number, got " + type_name((*j)[i]));
    out.push_back((*j)[i].get<double>());
  }
  return out;
}

std::vector<std::string> OptionsReader::strings(const std::string& name,
                                                const std::vector<std::string>& fallback) {
  const auto* j = raw(name);
  if (!j) return fallback;
  if (j->is_string()) return {j->get<std::string>()};
  if (!j->is_array()) throw ConfigError(key(name), "expected a list of strings, got " + type_name(*j));
  std::vector<std::string> out;
  for (std::size_t i = 0; i < j->size(); ++i) {
    if (!(*j)[i].is_string())
      throw ConfigError(key(name) + "/" + std::to_string(i),
                        "expected a string, got " + type_name((*j)[i]));
    out.push_back((*j)[i].get<std::string>());
  }
  return out;
}

void OptionsReader::finish() const {
  if (!options_.is_object()) return;
  for (auto it = options_.begin(); it != options_.end(); ++it) {
    if (read_.count(it.key())) continue;
    std::string allowed;
    for (const auto& r : read_) allowed += (allowed.empty() ? "" : ", ") + r;
    throw ConfigError(key(it.key()), "unknown option '" + it.key() + "'" +
                                         (allowed.empty() ? "; this component takes no options"
                                                          : "; allowed: " + allowed));
  }
}

}  // namespace hpo
