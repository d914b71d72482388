#include "hpo/stopping/pruners/pareto_pruner.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <variant>

namespace hpo {
namespace {

constexpr double kUnknown = -std::numeric_limits<double>::infinity();  // best possible

// An integer value of parameter `name` of `trial` (ints, and floats holding an integer).
std::optional<std::int64_t> integer_param(const Trial& trial, const std::string& name) {
  auto it = trial.params.find(name);
  if (it == trial.params.end()) return std::nullopt;
  if (const auto* i = std::get_if<std::int64_t>(&it->second)) return *i;
  if (const auto* d = std::get_if<double>(&it->second))
    if (std::isfinite(*d) && *d == std::floor(*d) && std::abs(*d) < 1e15)
      return static_cast<std::int64_t>(*d);
  return std::nullopt;
}

// Seconds `trial` still needs to reach `target`: the steps left times the time per step
// between its first and last report (so a start-up phase before the first report is not
// extrapolated); the average time per step when the reports span no time.
double seconds_left(const Trial& trial, std::int64_t target) {
  const Report& first = trial.reports.front();
  const Report& last = trial.reports.back();
  if (last.step >= target) return 0.0;
  double per_step = 0.0;
  if (last.step > first.step && last.elapsed_s > first.elapsed_s)
    per_step = (last.elapsed_s - first.elapsed_s) / double(last.step - first.step);
  else if (last.elapsed_s > 0.0)
    per_step = last.elapsed_s / double(std::max<std::int64_t>(last.step, 1));
  return per_step * double(target - last.step);
}

// Energy per second (kWh/s) of `trial` so far: its average power since it started (start-up
// included, which keeps the projection low rather than high), or, before the meter has
// charged it anything, the median of complete trials' energy / duration.
double power_kwh_per_s(const StudyView& study, const Trial& trial) {
  const Report& last = trial.reports.back();
  if (last.energy_kwh > 0.0 && last.elapsed_s > 0.0) return last.energy_kwh / last.elapsed_s;
  std::vector<double> powers;
  for (const auto& t : study.trials)
    if (t.state == TrialState::kComplete && t.duration_s > 0.0 && t.energy.energy_kwh > 0.0)
      powers.push_back(t.energy.energy_kwh / t.duration_s);
  return powers.empty() ? 0.0 : percentile_of(powers, 50.0);
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
                         std::int64_t target_step, const CurveModel& model) {
  if (curve.empty()) return std::nan("");
  const double last = curve.back().second;
  if (curve.size() < 2) return last;
  const double n = static_cast<double>(curve.size());
  double sum_y = 0.0;
  for (const auto& [t, y] : curve) sum_y += y;
  const double mean = sum_y / n;
  double best_sse = std::numeric_limits<double>::infinity(), best_pred = last;
  bool flat = false;
  std::vector<double> predictions;  // one per shape
  for (double c : {0.25, 0.5, 1.0, 2.0}) {
    double sx = 0, sxx = 0, sxy = 0;
    for (const auto& [t, y] : curve) {
      const double x = std::pow(static_cast<double>(t) + 1.0, -c);
      sx += x; sxx += x * x; sxy += x * y;
    }
    const double var = sxx - sx * sx / n;
    if (!(var > 1e-300)) continue;  // all at one step
    const double b = (sxy - sx * sum_y / n) / var;
    const double a = (sum_y - b * sx) / n;
    double sse = 0.0;
    for (const auto& [t, y] : curve) {
      const double r = y - (a + b * std::pow(static_cast<double>(t) + 1.0, -c));
      sse += r * r;
    }
    const double pred = a + b * std::pow(static_cast<double>(target_step) + 1.0, -c);
    if (std::isfinite(pred)) predictions.push_back(pred);
    if (sse < best_sse) {
      best_sse = sse;
      best_pred = pred;
      // A trend smaller than `trend_sigmas` standard errors of the slope is noise: the
      // curve is flat, at its mean.
      flat = false;
      if (model.trend_sigmas > 0.0 && curve.size() > 2) {
        const double se_b = std::sqrt(sse / (n - 2.0) / var);
        flat = std::abs(b) < model.trend_sigmas * se_b;
      }
    }
  }
  if (predictions.empty()) return last;
  if (flat) {
    // A flat curve may still sit anywhere in its own noise band: `noise_sigmas` standard
    // deviations of its reports above the mean, in the direction that is better.
    double ss = 0.0;
    for (const auto& [t, y] : curve) ss += (y - mean) * (y - mean);
    return mean + model.better * model.noise_sigmas * std::sqrt(ss / (n - 1.0));
  }
  if (model.envelope && model.better != 0.0) {
    // With 3-5 reports the four shapes fit about equally well; the best fit is often the one
    // that saturates soonest, and curves that keep rising (Fashion-MNIST over 8 epochs) are
    // then projected short. The envelope takes the most hopeful shape.
    for (double p : predictions)
      if (model.better * p > model.better * best_pred) best_pred = p;
  }
  return std::isfinite(best_pred) ? best_pred : last;
}

std::string ParetoPruner::Options::validate() const {
  if (!(margin >= 0.0)) return "margin: must be >= 0, got " + format_number(margin);
  if (min_steps < 1) return "min_steps: must be at least 1, got " + std::to_string(min_steps);
  if (min_trials < 1) return "min_trials: must be at least 1, got " + std::to_string(min_trials);
  if (max_step < 0) return "max_step: must be >= 0 (0 = auto), got " + std::to_string(max_step);
  if (fit_points < 2) return "fit_points: must be at least 2, got " + std::to_string(fit_points);
  if (!(noise_sigmas >= 0.0))
    return "noise_sigmas: must be >= 0, got " + format_number(noise_sigmas);
  if (shape != "best_fit" && shape != "envelope")
    return "shape: must be best_fit or envelope, got '" + shape + "'";
  if (!(trend_sigmas >= 0.0))
    return "trend_sigmas: must be >= 0 (0 = always extrapolate), got " +
           format_number(trend_sigmas);
  return "";
}

std::optional<ParetoPruner::FinalStep> ParetoPruner::final_step(const StudyView& study,
                                                                 const Trial& trial) const {
  if (options_.max_step > 0) return FinalStep{options_.max_step, true};
  if (!options_.steps_param.empty())
    if (auto v = integer_param(trial, options_.steps_param)) return FinalStep{*v, true};
  std::vector<const Trial*> done;  // complete trials with reports
  std::int64_t largest = 0;
  bool same = true;
  for (const auto& t : study.trials) {
    if (t.state != TrialState::kComplete || t.reports.empty()) continue;
    const std::int64_t s = t.reports.back().step;
    if (!done.empty() && s != done.front()->reports.back().step) same = false;
    largest = done.empty() ? s : std::max(largest, s);
    done.push_back(&t);
  }
  if (done.empty()) return std::nullopt;
  if (same) return FinalStep{largest, true};
  // Steps differ between trials: look for the integer parameter that explains them all.
  for (const auto& [name, value] : trial.params) {
    const auto mine = integer_param(trial, name);
    if (!mine) continue;
    std::optional<std::int64_t> offset;
    bool explains = true;
    for (const Trial* t : done) {
      const auto v = integer_param(*t, name);
      if (!v || (offset && t->reports.back().step - *v != *offset)) {
        explains = false;
        break;
      }
      offset = t->reports.back().step - *v;
    }
    if (explains) return FinalStep{*mine + *offset, true};
  }
  return FinalStep{largest, false};
}

std::optional<Point> ParetoPruner::project(const StudyView& study, const Trial& trial) const {
  if (trial.reports.empty()) return std::nullopt;
  const auto final = final_step(study, trial);
  if (!final || final->step <= 0) return std::nullopt;
  const std::int64_t target = final->step;

  // Cumulative figures grow with the steps left only when the trial's final step is known;
  // otherwise it may end now and they stay at their current (lower-bound) values.
  const Report& last = trial.reports.back();
  const double more_s = final->known ? seconds_left(trial, target) : 0.0;
  const double energy_kwh = last.energy_kwh + power_kwh_per_s(study, trial) * more_s;
  Point q;
  for (const auto& obj : study.objectives) {
    double v = kUnknown;
    if (obj.name == "energy_kwh") {
      v = to_minimization(energy_kwh, obj.direction);
    } else if (obj.name == "duration_s") {
      v = to_minimization(last.elapsed_s + more_s, obj.direction);
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
        double best = std::numeric_limits<double>::infinity();  // best so far (min. form)
        for (const auto& [st, y] : curve) best = std::min(best, to_minimization(y, obj.direction));
        if (curve.size() > static_cast<std::size_t>(options_.fit_points))
          curve.erase(curve.begin(), curve.end() - options_.fit_points);
        CurveModel model;
        model.trend_sigmas = options_.trend_sigmas;
        model.noise_sigmas = options_.noise_sigmas;
        model.envelope = options_.shape == "envelope";
        model.better = obj.direction == Direction::kMaximize ? 1.0 : -1.0;
        double fit = curve.back().first >= target ? curve.back().second
                                                  : extrapolate_curve(curve, target, model);
        v = std::min(to_minimization(fit, obj.direction), best);  // never worse than so far
        // Clip to the range any trial has shown (reports and final values).
        double lo = std::numeric_limits<double>::infinity(), hi = -lo;
        for (const auto& t : study.trials) {
          for (const auto& [st, y] : metric_curve(t, obj.name)) {
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
  o.steps_param = r.string("steps_param", o.steps_param);
  o.fit_points = r.integer("fit_points", o.fit_points);
  o.trend_sigmas = r.number("trend_sigmas", o.trend_sigmas);
  o.noise_sigmas = r.number("noise_sigmas", o.noise_sigmas);
  o.shape = r.string("shape", o.shape);
  r.finish();
  throw_if_invalid(r, o.validate());
  return std::make_unique<ParetoPruner>(o);
}

}  // namespace hpo
