#include "hpo/stopping/stop_rules/no_improvement.h"

#include <limits>

#include "hpo/stopping/stopping_common.h"
#include "hpo/core/study_spec.h"

namespace hpo {
namespace {

// One objective and no explicit metric: compare on that objective, built-in or not.
Result<MetricChoice> single_metric(std::span<const Objective> objectives, const std::string& metric,
                                   const std::string& direction) {
  if (metric.empty() && objectives.size() == 1 && direction.empty())
    return MetricChoice{objectives[0].name, objectives[0].direction};
  return resolve_metric(objectives, metric, direction);
}

}  // namespace

std::string NoImprovementRule::Options::validate() const {
  if (patience < 1) return "patience: must be at least 1, got " + std::to_string(patience);
  if (warmup < 0) return "warmup: must be >= 0, got " + std::to_string(warmup);
  if (!(min_delta >= 0.0)) return "min_delta: must be >= 0, got " + format_number(min_delta);
  Direction d;
  if (!direction.empty() && !parse_direction(direction, &d))
    return "direction: must be minimize or maximize, got '" + direction + "'";
  return "";
}

StopVerdict NoImprovementRule::check(const StudyView& study) {
  const auto finished = finished_in_order(study);
  const std::size_t n = finished.size(), patience = static_cast<std::size_t>(options_.patience);
  const bool single = !options_.metric.empty() || study.objectives.size() == 1;
  StopVerdict v;
  v.rule = "no_improvement";
  if (single) {
    const auto choice = single_metric(study.objectives, options_.metric, options_.direction);
    if (!choice.ok()) return {};
    if (n < static_cast<std::size_t>(options_.warmup) + patience) return {};
    const auto then = best_value(finished, n - patience, *choice);
    const auto now = best_value(finished, n, *choice);
    if (!then || !now) return {};
    const double gain =
        choice->direction == Direction::kMaximize ? *now - *then : *then - *now;
    if (gain > options_.min_delta) return {};
    v.message = "best " + choice->name + " " + format_number(*now) + " did not improve in the last " +
                std::to_string(patience) + " trials";
    v.numbers = {{"metric", choice->name}, {"best", *now}, {"best_before", *then},
                 {"gain", gain}, {"patience", options_.patience}, {"finished", n}};
  } else {
    const auto norm = freeze_normalization(finished, study.objectives,
                                           static_cast<std::size_t>(options_.warmup));
    if (!norm || n < norm->frozen_at + patience) return {};
    const double hv_now = frozen_hypervolume(finished, n, study.objectives, *norm);
    const double hv_then = frozen_hypervolume(finished, n - patience, study.objectives, *norm);
    double rel = 0.0;
    if (hv_then > 0.0) rel = (hv_now - hv_then) / hv_then;
    else if (hv_now > 0.0) rel = std::numeric_limits<double>::infinity();
    if (rel > options_.min_delta) return {};
    v.message = "the front did not improve in the last " + std::to_string(patience) +
                " trials (hypervolume " + format_number(hv_now) + ")";
    v.numbers = {{"hypervolume", hv_now}, {"hypervolume_before", hv_then},
                 {"relative_improvement", rel}, {"patience", options_.patience},
                 {"finished", n}, {"bounds_frozen_at", norm->frozen_at}};
  }
  v.stop = true;
  v.at_trial = finished.back()->number;
  return v;
}

std::unique_ptr<StopRule> NoImprovementRule::create(const ComponentSpec& spec,
                                                    const FactoryContext& ctx) {
  OptionsReader r(spec.options, spec.key);
  Options o;
  o.patience = r.integer("patience", o.patience);
  o.warmup = r.integer("warmup", o.warmup);
  o.metric = r.string("metric", o.metric);
  o.direction = r.string("direction", o.direction);
  o.min_delta = r.number("min_delta", o.min_delta);
  r.finish();
  throw_if_invalid(r, o.validate());
  if (ctx.study && (!o.metric.empty() || ctx.study->objectives.size() == 1)) {
    const auto c = single_metric(ctx.study->objectives, o.metric, o.direction);
    if (!c.ok()) throw ConfigError(r.key(o.metric.empty() ? "metric" : "direction"), c.error());
  }
  return std::make_unique<NoImprovementRule>(std::move(o));
}

}  // namespace hpo
