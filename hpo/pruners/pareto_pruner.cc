#include "hpo/pruners/pareto_pruner.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace hpo {
namespace {

constexpr double kUnknown = -std::numeric_limits<double>::infinity();  // best possible

// Linear extrapolation of a cumulative figure (energy, elapsed time) at its measured rate.
double extrapolate_rate(const std::vector<std::pair<std::int64_t, double>>& series,
                        std::int64_t target_step) {
  const auto [s_last, y_last] = series.back();
  if (s_last >= target_step) return y_last;
  double rate = 0.0;
  const auto [s_first, y_first] = series.front();
  if (series.size() >= 2 && s_last > s_first) rate = (y_last - y_first) / double(s_last - s_first);
  if (!(rate > 0.0)) rate = y_last / double(std::max<std::int64_t>(s_last, 1));
  return y_last + rate * double(target_step - s_last);
}

std::string objective_text(const std::vector<Objective>& objs, const Point& p) {
  std::string out = "(";
  for (std::size_t k = 0; k < objs.size(); ++k) {
    const double v = objs[k].direction == Direction::kMaximize ? -p[k] : p[k];
    out += (k ? ", " : "") + objs[k].name + " " + format_number(v);
  }
  return out + ")";
}

}  // namespace

double extrapolate_curve(const std::vector<std::pair<std::int64_t, double>>& curve,
                         std::int64_t target_step) {
  if (curve.empty()) return std::nan("");
  const double last = curve.back().second;
  if (curve.size() < 2) return last;
  const double n = static_cast<double>(curve.size());
  double best_sse = std::numeric_limits<double>::infinity(), best_pred = last;
  for (double c : {0.25, 0.5, 1.0, 2.0}) {
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (const auto& [t, y] : curve) {
      const double x = std::pow(static_cast<double>(t) + 1.0, -c);
      sx += x; sy += y; sxx += x * x; sxy += x * y;
    }
    const double var = sxx - sx * sx / n;
    if (!(var > 1e-300)) continue;  // all at one step
    const double b = (sxy - sx * sy / n) / var;
    const double a = (sy - b * sx) / n;
    double sse = 0.0;
    for (const auto& [t, y] : curve) {
      const double r = y - (a + b * std::pow(static_cast<double>(t) + 1.0, -c));
      sse += r * r;
    }
    if (sse < best_sse) {
      best_sse = sse;
      best_pred = a + b * std::pow(static_cast<double>(target_step) + 1.0, -c);
    }
  }
  return std::isfinite(best_pred) ? best_pred : last;
}

std::string ParetoPruner::Options::validate() const {
  if (!(margin >= 0.0)) return "margin: must be >= 0, got " + format_number(margin);
  if (min_steps < 1) return "min_steps: must be at least 1, got " + std::to_string(min_steps);
  if (min_trials < 1) return "min_trials: must be at least 1, got " + std::to_string(min_trials);
  if (max_step < 0) return "max_step: must be >= 0 (0 = auto), got " + std::to_string(max_step);
  if (fit_points < 2) return "fit_points: must be at least 2, got " + std::to_string(fit_points);
  return "";
}

std::optional<Point> ParetoPruner::project(const StudyView& study, const Trial& trial) const {
  if (trial.reports.empty()) return std::nullopt;
  std::int64_t target = options_.max_step;
  if (target == 0)
    for (const auto& t : study.trials)
      if (t.state == TrialState::kComplete)
        for (const auto& r : t.reports) target = std::max(target, r.step);
  if (target <= 0) return std::nullopt;

  std::vector<std::pair<std::int64_t, double>> energy, elapsed;
  for (const auto& r : trial.reports) {
    energy.emplace_back(r.step, r.energy_kwh);
    elapsed.emplace_back(r.step, r.elapsed_s);
  }
  const double energy_kwh = extrapolate_rate(energy, target);
  Point q;
  for (const auto& obj : study.objectives) {
    double v = kUnknown;
    if (obj.name == "energy_kwh") {
      v = to_minimization(energy_kwh, obj.direction);
    } else if (obj.name == "duration_s") {
      v = to_minimization(extrapolate_rate(elapsed, target), obj.direction);
    } else if (obj.name == "co2e_kg") {
      std::vector<double> ratios;
      for (const auto& t : study.trials)
        if (t.state == TrialState::kComplete && t.energy.energy_kwh > 0.0)
          ratios.push_back(t.energy.co2e_kg / t.energy.energy_kwh);
      if (!ratios.empty())
        v = to_minimization(energy_kwh * percentile_of(ratios, 50.0), obj.direction);
    } else if (!is_builtin_objective(obj.name)) {
      auto curve = metric_curve(trial, obj.name);
      if (!curve.empty()) {
        const double last = to_minimization(curve.back().second, obj.direction);
        if (curve.size() > static_cast<std::size_t>(options_.fit_points))
          curve.erase(curve.begin(), curve.end() - options_.fit_points);
        double fit = curve.back().first >= target
                         ? curve.back().second
                         : extrapolate_curve(curve, target);
        v = std::min(to_minimization(fit, obj.direction), last);  // never worse than now
        // Clip to the range any trial has shown (reports and final values).
        double lo = std::numeric_limits<double>::infinity(), hi = -lo;
        for (const auto& t : study.trials) {
          for (const auto& [s, y] : metric_curve(t, obj.name)) {
            lo = std::min(lo, to_minimization(y, obj.direction));
            hi = std::max(hi, to_minimization(y, obj.direction));
          }
          if (auto f = t.figure(obj.name); f && std::isfinite(*f)) {
            lo = std::min(lo, to_minimization(*f, obj.direction));
            hi = std::max(hi, to_minimization(*f, obj.direction));
          }
        }
        v = std::clamp(v, lo, hi);
      }
    }
    q.push_back(v);
  }
  return q;
}

PruneVerdict ParetoPruner::should_prune(const StudyView& study, const Trial& trial) {
  if (static_cast<std::int64_t>(trial.reports.size()) < options_.min_steps) return {};
  std::vector<std::size_t> index;
  const auto points = minimization_matrix(study.trials, study.objectives, &index);
  if (static_cast<std::int64_t>(points.size()) < options_.min_trials) return {};
  const auto q = project(study, trial);
  if (!q) return {};
  const std::size_t m = study.objectives.size();
  std::vector<double> spread(m);
  for (std::size_t k = 0; k < m; ++k) {
    double lo = points[0][k], hi = lo;
    for (const auto& p : points) { lo = std::min(lo, p[k]); hi = std::max(hi, p[k]); }
    spread[k] = hi > lo ? hi - lo : std::max(std::abs(lo), 1e-12);
  }
  for (std::size_t i : pareto_front(points)) {
    const Point& f = points[i];
    bool dominated = true;
    for (std::size_t k = 0; k < m && dominated; ++k)
      dominated = f[k] <= (*q)[k] - options_.margin * spread[k];
    if (!dominated) continue;
    const std::vector<Objective> objs(study.objectives.begin(), study.objectives.end());
    PruneVerdict v;
    v.prune = true;
    v.reason = "pareto: projected final point " + objective_text(objs, *q) + " (from step " +
               std::to_string(trial.reports.back().step) + ") is dominated by trial " +
               std::to_string(study.trials[index[i]].number) + " " + objective_text(objs, f) +
               " with margin " + format_number(options_.margin);
    return v;
  }
  return {};
}

std::unique_ptr<Pruner> ParetoPruner::create(const ComponentSpec& spec, const FactoryContext&) {
  OptionsReader r(spec.options, spec.key);
  Options o;
  o.margin = r.number("margin", o.margin);
  o.min_steps = r.integer("min_steps", o.min_steps);
  o.min_trials = r.integer("min_trials", o.min_trials);
  o.max_step = r.integer("max_step", o.max_step);
  o.fit_points = r.integer("fit_points", o.fit_points);
  r.finish();
  throw_if_invalid(r, o.validate());
  return std::make_unique<ParetoPruner>(o);
}

}  // namespace hpo
