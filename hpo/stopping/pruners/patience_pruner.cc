#include "hpo/stopping/pruners/patience_pruner.h"


namespace hpo {

std::string PatiencePruner::Options::validate() const {
  if (patience < 0) return "patience: must be >= 0, got " + std::to_string(patience);
  if (!(min_delta >= 0.0)) return "min_delta: must be >= 0, got " + format_number(min_delta);
  return metric.validate();
}

PruneVerdict PatiencePruner::should_prune(const StudyView& study, const Trial& trial) {
  const auto choice =
      resolve_metric(study.objectives, options_.metric.metric, options_.metric.direction);
  if (!choice.ok()) return {};
  const auto curve = metric_curve(trial, choice->name);
  const auto recent = static_cast<std::size_t>(options_.patience) + 1;
  if (curve.size() <= recent) return {};
  const std::size_t split = curve.size() - recent;
  const bool maximize = choice->direction == Direction::kMaximize;
  double before = curve[0].second, after = curve[split].second;
  for (std::size_t i = 0; i < curve.size(); ++i) {
    double& slot = i < split ? before : after;
    if (better(curve[i].second, slot, choice->direction)) slot = curve[i].second;
  }
  const bool stalled = maximize ? before + options_.min_delta >= after
                                : before - options_.min_delta <= after;
  if (!stalled) return {};
  const std::string why = "patience: " + choice->name + " best " + format_number(after) +
                          " over the last " + std::to_string(recent) +
                          " reports did not improve on " + format_number(before);
  if (!wrapped_) return {true, why};
  PruneVerdict v = wrapped_->should_prune(study, trial);
  if (v.prune) v.reason = why + "; " + v.reason;
  return v;
}

std::unique_ptr<Pruner> PatiencePruner::create(const ComponentSpec& spec,
                                               const FactoryContext& ctx) {
  OptionsReader r(spec.options, spec.key);
  Options o;
  o.metric.read(r, ctx);
  o.patience = r.integer("patience", o.patience);
  o.min_delta = r.number("min_delta", o.min_delta);
  std::unique_ptr<Pruner> wrapped;
  if (const auto* w = r.raw("wrapped")) {
    const std::string key = r.key("wrapped");
    if (!w->is_object() || !w->contains("type") || !(*w)["type"].is_string())
      throw ConfigError(key, "expected a pruner mapping with a 'type', e.g. {type: median}");
    ComponentSpec inner;
    inner.type = (*w)["type"].get<std::string>();
    inner.key = key;
    inner.options = *w;
    inner.options.erase("type");
    if (inner.type == "patience") throw ConfigError(key + "/type", "patience cannot wrap patience");
    if (ctx.registry == nullptr)
      throw ConfigError(key, "patience builds its wrapped pruner through the registry; "
                             "create it with Registry::make_pruner");
    wrapped = ctx.registry->make_pruner(inner, ctx);
  }
  r.finish();
  throw_if_invalid(r, o.validate());
  return std::make_unique<PatiencePruner>(std::move(o), std::move(wrapped));
}

}  // namespace hpo
