#include "hpo/stopping/stop_rules/marginal_gain.h"

#include "hpo/stopping/stopping_common.h"
#include "hpo/core/study_spec.h"

namespace hpo {

std::string MarginalGainRule::Options::validate() const {
  if (cost != "energy_kwh" && cost != "co2e_kg")
    return "cost: must be energy_kwh or co2e_kg, got '" + cost + "'";
  if (!(per > 0.0)) return "per: must be > 0, got " + format_number(per);
  if (!(min_gain >= 0.0)) return "min_gain: must be >= 0, got " + format_number(min_gain);
  if (warmup < 0) return "warmup: must be >= 0, got " + std::to_string(warmup);
  Direction d;
  if (!direction.empty() && !parse_direction(direction, &d))
    return "direction: must be minimize or maximize, got '" + direction + "'";
  return "";
}

StopVerdict MarginalGainRule::check(const StudyView& study) {
  const auto choice = resolve_metric(study.objectives, options_.metric, options_.direction);
  if (!choice.ok()) return {};
  const auto finished = finished_in_order(study);
  const std::size_t n = finished.size(), warmup = static_cast<std::size_t>(options_.warmup);
  if (n == 0 || n < warmup) return {};
  // Cumulative cost after each finished attempt.
  std::vector<double> cumulative(n);
  double total = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const Trial& t = *finished[i];
    const double sampler_kwh = t.attempt == 0 ? t.sampler_kwh : 0.0;
    if (options_.cost == "energy_kwh") {
      total += t.energy.energy_kwh + sampler_kwh;
    } else {
      const double kg_per_kwh =
          t.energy.energy_kwh > 0.0 ? t.energy.co2e_kg / t.energy.energy_kwh : 0.0;
      total += t.energy.co2e_kg + sampler_kwh * kg_per_kwh;
    }
    cumulative[i] = total;
  }
  const double window_start = total - options_.per;
  const double warmup_cost = warmup == 0 ? 0.0 : cumulative[warmup - 1];
  if (window_start < warmup_cost) return {};
  // Trials finished by the time the window started.
  std::size_t before = 0;
  while (before < n && cumulative[before] <= window_start) ++before;
  const auto best_then = best_value(finished, before, *choice);
  const auto best_now = best_value(finished, n, *choice);
  if (!best_then || !best_now) return {};
  const double gain = choice->direction == Direction::kMaximize ? *best_now - *best_then
                                                                : *best_then - *best_now;
  if (gain >= options_.min_gain) return {};
  const std::string unit = options_.cost == "energy_kwh" ? " kWh" : " kg CO2e";
  StopVerdict v;
  v.stop = true;
  v.rule = "marginal_gain";
  v.at_trial = finished.back()->number;
  v.message = "the last " + format_number(options_.per) + unit + " improved " + choice->name +
              " by " + format_number(gain) + " (< " + format_number(options_.min_gain) + ")";
  v.numbers = {{"metric", choice->name},   {"best", *best_now},
               {"best_before", *best_then}, {"gain", gain},
               {"min_gain", options_.min_gain}, {"cost", options_.cost},
               {"per", options_.per},       {"cumulative_cost", total},
               {"finished", n}};
  return v;
}

std::unique_ptr<StopRule> MarginalGainRule::create(const ComponentSpec& spec,
                                                   const FactoryContext& ctx) {
  OptionsReader r(spec.options, spec.key);
  Options o;
  o.metric = r.string("metric", o.metric);
  o.direction = r.string("direction", o.direction);
  o.cost = r.string("cost", o.cost);
  o.per = r.number("per", o.per);
  o.min_gain = r.number("min_gain", o.min_gain);
  o.warmup = r.integer("warmup", o.warmup);
  r.finish();
  throw_if_invalid(r, o.validate());
  if (ctx.study) {
    const auto c = resolve_metric(ctx.study->objectives, o.metric, o.direction);
    if (!c.ok()) throw ConfigError(r.key(o.metric.empty() ? "metric" : "direction"), c.error());
  }
  return std::make_unique<MarginalGainRule>(std::move(o));
}

}  // namespace hpo
