#include "hpo/exec/report_parser.h"

#include <cmath>

namespace hpo {
namespace {

ParsedLine bad(std::string reason) {
  ParsedLine p;
  p.kind = ParsedLine::Kind::kBadReport;
  p.reason = std::move(reason);
  return p;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' ||
                        s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

bool mentions_non_finite(std::string_view s) {
  return s.find("NaN") != std::string_view::npos || s.find("Infinity") != std::string_view::npos;
}

}  // namespace

ParsedLine parse_report_object(const nlohmann::json& object) {
  if (!object.is_object()) {
    return bad(std::string("a report must be a JSON object, got a JSON ") + object.type_name());
  }
  if (object.empty()) return bad("empty report object");
  ParsedLine p;
  for (const auto& [key, value] : object.items()) {
    if (key == "step") {
      if (value.is_number_integer()) {
        p.step = value.get<std::int64_t>();
      } else if (value.is_number_float() && std::isfinite(value.get<double>()) &&
                 value.get<double>() == std::floor(value.get<double>())) {
        p.step = static_cast<std::int64_t>(value.get<double>());
      } else {
        return bad("'step' must be an integer, got " + value.dump());
      }
      continue;
    }
    if (!value.is_number() || value.is_boolean()) {
      return bad("metric '" + key + "' must be a number, got " + value.dump());
    }
    const double x = value.get<double>();
    if (!std::isfinite(x)) return bad("metric '" + key + "' is not finite");
    p.metrics[key] = x;
  }
  if (p.metrics.empty()) return bad("report has a 'step' but no metric");
  p.kind = ParsedLine::Kind::kReport;
  p.object = object;
  return p;
}

ParsedLine parse_report_line(std::string_view line) {
  const std::string_view t = trim(line);
  if (t.empty() || (t.front() != '{' && t.front() != '[')) return {};
  nlohmann::json j = nlohmann::json::parse(t.begin(), t.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    if (mentions_non_finite(t)) {
      return bad("a metric is NaN or Infinity (not valid JSON; report finite numbers only)");
    }
    return bad("not valid JSON");
  }
  return parse_report_object(j);
}

}  // namespace hpo
