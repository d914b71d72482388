#include "hpo/stopping/pruners/pruner_common.h"

#include <algorithm>
#include <cmath>

#include "hpo/core/study_spec.h"

namespace hpo {

void MetricOptions::read(OptionsReader& reader, const FactoryContext& ctx) {
  metric = reader.string("metric", metric);
  direction = reader.string("direction", direction);
  if (auto err = validate(); !err.empty()) throw_if_invalid(reader, err);
  if (ctx.study) {
    const auto c = resolve_metric(ctx.study->objectives, metric, direction);
    if (!c.ok()) throw ConfigError(reader.key(metric.empty() ? "metric" : "direction"), c.error());
  }
}

std::string MetricOptions::validate() const {
  Direction d;
  if (!direction.empty() && !parse_direction(direction, &d))
    return "direction: must be minimize or maximize, got '" + direction + "'";
  return "";
}

std::vector<std::pair<std::int64_t, double>> metric_curve(const Trial& trial,
                                                          const std::string& metric) {
  std::vector<std::pair<std::int64_t, double>> out;
  for (const auto& r : trial.reports) {
    auto it = r.metrics.find(metric);
    if (it != r.metrics.end() && std::isfinite(it->second)) out.emplace_back(r.step, it->second);
  }
  return out;
}

std::optional<double> value_at_step(const Trial& trial, const std::string& metric,
                                    std::int64_t step) {
  std::optional<double> v;
  for (const auto& r : trial.reports) {
    if (r.step != step) continue;
    auto it = r.metrics.find(metric);
    if (it != r.metrics.end() && std::isfinite(it->second)) v = it->second;
  }
  return v;
}

std::optional<double> value_reaching(const Trial& trial, const std::string& metric,
                                     std::int64_t step) {
  for (const auto& r : trial.reports) {
    if (r.step < step) continue;
    auto it = r.metrics.find(metric);
    if (it != r.metrics.end() && std::isfinite(it->second)) return it->second;
  }
  return std::nullopt;
}

double percentile_of(std::vector<double> values, double q) {
  std::sort(values.begin(), values.end());
  const double pos = q / 100.0 * static_cast<double>(values.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const std::size_t hi = std::min(lo + 1, values.size() - 1);
  return values[lo] + (pos - static_cast<double>(lo)) * (values[hi] - values[lo]);
}

}  // namespace hpo
