#include "hpo/stopping/pruners/hyperband_pruner.h"

#include <algorithm>

#include "hpo/stopping/pruners/asha_pruner.h"

namespace hpo {

std::string HyperbandPruner::Options::validate() const {
  if (min_resource < 1) return "min_resource: must be at least 1, got " + std::to_string(min_resource);
  if (max_resource != 0 && max_resource < min_resource)
    return "max_resource: must be 0 (auto) or >= min_resource, got " + std::to_string(max_resource);
  if (reduction_factor < 2)
    return "reduction_factor: must be at least 2, got " + std::to_string(reduction_factor);
  return metric.validate();
}

std::int64_t HyperbandPruner::bracket_count(std::int64_t max_resource) const {
  std::int64_t n = 1;
  for (std::int64_t r = options_.min_resource * options_.reduction_factor; r <= max_resource;
       r *= options_.reduction_factor)
    ++n;
  return n;
}

PruneVerdict HyperbandPruner::should_prune(const StudyView& study, const Trial& trial) {
  const auto choice =
      resolve_metric(study.objectives, options_.metric.metric, options_.metric.direction);
  if (!choice.ok()) return {};
  std::int64_t max_resource = options_.max_resource;
  if (max_resource == 0) {
    const auto finished = finished_in_order(study);
    for (const Trial* t : finished) {
      if (t->state != TrialState::kComplete || t->reports.empty()) continue;
      for (const auto& r : t->reports) max_resource = std::max(max_resource, r.step);
      break;
    }
    if (max_resource < options_.min_resource) return {};
  }
  const std::int64_t brackets = bracket_count(max_resource);
  const std::int64_t bracket = trial.number % brackets;
  return successive_halving_decision(
      study, trial, *choice, options_.min_resource, options_.reduction_factor, bracket,
      [&](const Trial& t) { return t.number % brackets == bracket; },
      "hyperband bracket " + std::to_string(bracket));
}

std::unique_ptr<Pruner> HyperbandPruner::create(const ComponentSpec& spec,
                                                const FactoryContext& ctx) {
  OptionsReader r(spec.options, spec.key);
  Options o;
  o.metric.read(r, ctx);
  o.min_resource = r.integer("min_resource", o.min_resource);
  o.max_resource = r.integer("max_resource", o.max_resource);
  o.reduction_factor = r.integer("reduction_factor", o.reduction_factor);
  r.finish();
  throw_if_invalid(r, o.validate());
  return std::make_unique<HyperbandPruner>(std::move(o));
}

}  // namespace hpo
