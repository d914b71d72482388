#include "hpo/core/param_value.h"

#include <charconv>
#include <cmath>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace hpo {

std::string format_double(double x) {
  if (std::isnan(x)) return "nan";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  char buf[64];
  // std::to_chars without a precision gives the shortest text that round-trips.
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, x);
  if (ec != std::errc()) throw std::runtime_error("format_double failed");
  return std::string(buf, end);
}

std::string format_param(const ParamValue& value) {
  struct Visitor {
    std::string operator()(bool b) const { return b ? "true" : "false"; }
    std::string operator()(std::int64_t i) const { return std::to_string(i); }
    std::string operator()(double d) const { return format_double(d); }
    std::string operator()(const std::string& s) const { return s; }
  };
  return std::visit(Visitor{}, value);
}

nlohmann::json param_to_json(const ParamValue& value) {
  return std::visit([](const auto& v) { return nlohmann::json(v); }, value);
}

ParamValue param_from_json(const nlohmann::json& j) {
  if (j.is_boolean()) return j.get<bool>();
  if (j.is_number_integer()) return j.get<std::int64_t>();
  if (j.is_number_float()) return j.get<double>();
  if (j.is_string()) return j.get<std::string>();
  throw std::invalid_argument("a parameter value must be a bool, number or string, got " +
                              j.dump());
}

nlohmann::json params_to_json(const Params& params) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [k, v] : params) j[k] = param_to_json(v);
  return j;
}

Params params_from_json(const nlohmann::json& j) {
  if (!j.is_object()) throw std::invalid_argument("parameters must be a JSON object");
  Params p;
  p.reserve(j.size());
  for (auto it = j.begin(); it != j.end(); ++it) p[it.key()] = param_from_json(it.value());
  return p;
}

double param_as_double(const ParamValue& value) {
  if (auto b = std::get_if<bool>(&value)) return *b ? 1.0 : 0.0;
  if (auto i = std::get_if<std::int64_t>(&value)) return static_cast<double>(*i);
  if (auto d = std::get_if<double>(&value)) return *d;
  throw std::invalid_argument("parameter value '" + std::get<std::string>(value) +
                              "' is not numeric");
}

bool params_equal(const ParamValue& a, const ParamValue& b) {
  if (a.index() == b.index()) return a == b;
  // 1 and 1.0 written in YAML are the same choice.
  const bool an = !std::holds_alternative<std::string>(a) && !std::holds_alternative<bool>(a);
  const bool bn = !std::holds_alternative<std::string>(b) && !std::holds_alternative<bool>(b);
  return an && bn && param_as_double(a) == param_as_double(b);
}

}  // namespace hpo
