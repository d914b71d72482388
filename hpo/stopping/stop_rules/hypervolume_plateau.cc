#include "hpo/stopping/stop_rules/hypervolume_plateau.h"

#include <algorithm>
#include <limits>

#include "hpo/core/options_reader.h"
#include "hpo/stopping/stopping_common.h"
#include "hpo/core/study_spec.h"

namespace hpo {

std::string HypervolumePlateauRule::Options::validate() const {
  if (window < 1) return "window: must be at least 1, got " + std::to_string(window);
  if (!(min_improvement >= 0.0))
    return "min_improvement: must be >= 0, got " + format_number(min_improvement);
  if (warmup < 0) return "warmup: must be >= 0, got " + std::to_string(warmup);
  return "";
}

std::int64_t HypervolumePlateauRule::default_length(std::optional<std::int64_t> budget_trials) {
  if (!budget_trials) return 20;
  return std::clamp<std::int64_t>(*budget_trials / 4, 15, 20);
}

StopVerdict HypervolumePlateauRule::check(const StudyView& study) {
  const auto finished = finished_in_order(study);
  const auto norm = freeze_normalization(finished, study.objectives,
                                         static_cast<std::size_t>(options_.warmup));
  if (!norm) return {};
  const std::size_t n = finished.size(), window = static_cast<std::size_t>(options_.window);
  if (n < norm->frozen_at + window) return {};
  const double hv_now = frozen_hypervolume(finished, n, study.objectives, *norm);
  const double hv_then = frozen_hypervolume(finished, n - window, study.objectives, *norm);
  double rel = 0.0;
  if (hv_then > 0.0) rel = (hv_now - hv_then) / hv_then;
  else if (hv_now > 0.0) rel = std::numeric_limits<double>::infinity();
  if (rel >= options_.min_improvement) return {};
  StopVerdict v;
  v.stop = true;
  v.rule = "hypervolume_plateau";
  v.at_trial = finished.back()->number;
  v.message = "the front's hypervolume grew by " + format_number(100.0 * rel) + "% over the last " +
              std::to_string(window) + " trials (< " +
              format_number(100.0 * options_.min_improvement) + "%)";
  v.numbers = {{"hypervolume", hv_now},
               {"hypervolume_before", hv_then},
               {"relative_improvement", rel},
               {"window", options_.window},
               {"warmup", options_.warmup},
               {"min_improvement", options_.min_improvement},
               {"finished", n},
               {"bounds_frozen_at", norm->frozen_at}};
  return v;
}

std::unique_ptr<StopRule> HypervolumePlateauRule::create(const ComponentSpec& spec,
                                                         const FactoryContext& ctx) {
  OptionsReader r(spec.options, spec.key);
  Options o;
  const std::int64_t length = default_length(ctx.study ? ctx.study->budget.trials : std::nullopt);
  o.window = r.integer("window", length);
  o.min_improvement = r.number("min_improvement", o.min_improvement);
  o.warmup = r.integer("warmup", length);
  r.finish();
  throw_if_invalid(r, o.validate());
  return std::make_unique<HypervolumePlateauRule>(o);
}

}  // namespace hpo
