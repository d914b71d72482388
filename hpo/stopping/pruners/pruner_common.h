// Helpers shared by the pruners: the metric a pruner compares on (`metric`/`direction`
// options, defaulting to the first objective the trials report) and access to a trial's
// intermediate reports of that metric.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "hpo/core/options_reader.h"
#include "hpo/core/registry.h"
#include "hpo/stopping/stopping_common.h"

namespace hpo {

// `metric`/`direction` options of a single-metric pruner.
struct MetricOptions {
  std::string metric;     // "" = the first objective that is not a built-in
  std::string direction;  // "" = that objective's direction
  // Reads both options; when the study is known, checks them and throws ConfigError.
  void read(OptionsReader& reader, const FactoryContext& ctx);
  std::string validate() const;
};

// (step, value) of every report that carries `metric`, in report order.
std::vector<std::pair<std::int64_t, double>> metric_curve(const Trial& trial,
                                                          const std::string& metric);
// Value of `metric` in the last report at exactly `step`.
std::optional<double> value_at_step(const Trial& trial, const std::string& metric,
                                    std::int64_t step);
// Value at the first report whose step is >= `step` (the value a trial had on reaching it).
std::optional<double> value_reaching(const Trial& trial, const std::string& metric,
                                     std::int64_t step);
// Linear-interpolated percentile (0..100) of `values` (non-empty), as numpy's default.
double percentile_of(std::vector<double> values, double q);
// "is a better than b" in `d`.
inline bool better(double a, double b, Direction d) {
  return d == Direction::kMaximize ? a > b : a < b;
}

}  // namespace hpo
