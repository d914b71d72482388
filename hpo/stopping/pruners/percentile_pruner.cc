#include "hpo/stopping/pruners/percentile_pruner.h"

namespace hpo {

PercentilePruner::Options PercentilePruner::read_shared_options(OptionsReader& r,
                                                                const FactoryContext& ctx) {
  PercentilePruner::Options o;
  o.metric.read(r, ctx);
  o.warmup_steps = r.integer("warmup_steps", o.warmup_steps);
  o.min_trials = r.integer("min_trials", o.min_trials);
  return o;
}

std::string PercentilePruner::Options::validate() const {
  if (!(percentile >= 0.0 && percentile <= 100.0))
    return "percentile: must be in [0, 100], got " + format_number(percentile);
  if (warmup_steps < 0) return "warmup_steps: must be >= 0, got " + std::to_string(warmup_steps);
  if (min_trials < 1) return "min_trials: must be at least 1, got " + std::to_string(min_trials);
  return metric.validate();
}

PruneVerdict PercentilePruner::should_prune(const StudyView& study, const Trial& trial) {
  const auto choice =
      resolve_metric(study.objectives, options_.metric.metric, options_.metric.direction);
  if (!choice.ok() || trial.reports.empty()) return {};
  const std::int64_t step = trial.reports.back().step;
  if (step < options_.warmup_steps) return {};
  const auto curve = metric_curve(trial, choice->name);
  if (curve.empty() || curve.back().first != step) return {};
  double best = curve.front().second;
  for (const auto& [s, v] : curve)
    if (better(v, best, choice->direction)) best = v;
  std::vector<double> others;
  for (const auto& t : study.trials) {
    if (t.state != TrialState::kComplete || t.number == trial.number) continue;
    if (auto v = value_at_step(t, choice->name, step)) others.push_back(*v);
  }
  if (static_cast<std::int64_t>(others.size()) < options_.min_trials) return {};
  // Keep the best `percentile` percent: the threshold sits that far from the good end.
  const bool maximize = choice->direction == Direction::kMaximize;
  const double threshold =
      percentile_of(others, maximize ? 100.0 - options_.percentile : options_.percentile);
  if (!better(threshold, best, choice->direction)) return {};
  PruneVerdict v;
  v.prune = true;
  v.reason = name_ + ": best " + choice->name + " " + format_number(best) + " is worse than the " +
             (name_ == "median" ? std::string("median") : format_number(options_.percentile) +
                                                               "th-percentile threshold") +
             " " + format_number(threshold) + " of " + std::to_string(others.size()) +
             " complete trials at step " + std::to_string(step);
  return v;
}

std::unique_ptr<Pruner> PercentilePruner::create(const ComponentSpec& spec,
                                                 const FactoryContext& ctx) {
  OptionsReader r(spec.options, spec.key);
  Options o = read_shared_options(r, ctx);
  o.percentile = r.number("percentile", o.percentile);
  r.finish();
  throw_if_invalid(r, o.validate());
  return std::make_unique<PercentilePruner>(std::move(o), "percentile");
}


}  // namespace hpo
