#include "hpo/stopping/pruners/asha_pruner.h"

#include <algorithm>
#include <limits>

namespace hpo {

PruneVerdict successive_halving_decision(const StudyView& study, const Trial& trial,
                                         const MetricChoice& metric, std::int64_t min_resource,
                                         std::int64_t reduction_factor, std::int64_t rate,
                                         const std::function<bool(const Trial&)>& competes,
                                         const std::string& label) {
  const auto curve = metric_curve(trial, metric.name);
  if (curve.empty() || trial.reports.empty() || curve.back().first != trial.reports.back().step)
    return {};
  const std::int64_t step = curve.back().first;
  const std::int64_t prev = curve.size() >= 2 ? curve[curve.size() - 2].first
                                              : std::numeric_limits<std::int64_t>::min();
  // The highest rung crossed by the latest report (decided once, when first reached).
  std::int64_t rung = -1, rung_step = 0;
  double resource = static_cast<double>(min_resource);
  for (std::int64_t s = 0; s < rate; ++s) resource *= static_cast<double>(reduction_factor);
  for (std::int64_t k = 0; resource <= static_cast<double>(step); ++k) {
    const auto r = static_cast<std::int64_t>(resource);
    if (r > prev) { rung = k; rung_step = r; }
    resource *= static_cast<double>(reduction_factor);
  }
  if (rung < 0) return {};
  const double mine = curve.back().second;
  std::vector<double> values{mine};
  for (const auto& t : study.trials) {
    if (t.number == trial.number || !competes(t)) continue;
    if (t.state == TrialState::kFailed || t.state == TrialState::kInterrupted) continue;
    if (auto v = value_reaching(t, metric.name, rung_step)) values.push_back(*v);
  }
  const std::size_t keep =
      std::max<std::size_t>(1, values.size() / static_cast<std::size_t>(reduction_factor));
  std::sort(values.begin(), values.end(),
            [&](double a, double b) { return better(a, b, metric.direction); });
  const double cutoff = values[keep - 1];
  if (!better(cutoff, mine, metric.direction)) return {};
  PruneVerdict v;
  v.prune = true;
  v.reason = label + ": " + metric.name + " " + format_number(mine) + " at rung " +
             std::to_string(rung) + " (step " + std::to_string(rung_step) +
             ") is not in the best " + std::to_string(keep) + " of " +
             std::to_string(values.size()) + " (cutoff " + format_number(cutoff) + ")";
  return v;
}

std::string AshaPruner::Options::validate() const {
  if (min_resource < 1) return "min_resource: must be at least 1, got " + std::to_string(min_resource);
  if (reduction_factor < 2)
    return "reduction_factor: must be at least 2, got " + std::to_string(reduction_factor);
  if (min_early_stopping_rate < 0)
    return "min_early_stopping_rate: must be >= 0, got " + std::to_string(min_early_stopping_rate);
  return metric.validate();
}

PruneVerdict AshaPruner::should_prune(const StudyView& study, const Trial& trial) {
  const auto choice =
      resolve_metric(study.objectives, options_.metric.metric, options_.metric.direction);
  if (!choice.ok()) return {};
  return successive_halving_decision(study, trial, *choice, options_.min_resource,
                                     options_.reduction_factor, options_.min_early_stopping_rate,
                                     [](const Trial&) { return true; }, "asha");
}

std::unique_ptr<Pruner> AshaPruner::create(const ComponentSpec& spec, const FactoryContext& ctx) {
  OptionsReader r(spec.options, spec.key);
  Options o;
  o.metric.read(r, ctx);
  o.min_resource = r.integer("min_resource", o.min_resource);
  o.reduction_factor = r.integer("reduction_factor", o.reduction_factor);
  o.min_early_stopping_rate = r.integer("min_early_stopping_rate", o.min_early_stopping_rate);
  r.finish();
  throw_if_invalid(r, o.validate());
  return std::make_unique<AshaPruner>(std::move(o));
}

}  // namespace hpo
