#include "hpo/stopping/stopping_common.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "hpo/front/hypervolume.h"

namespace hpo {

std::vector<const Trial*> finished_in_order(const StudyView& study) {
  std::vector<const Trial*> out;
  for (const auto& t : study.trials)
    if (t.state == TrialState::kComplete || t.state == TrialState::kPruned ||
        t.state == TrialState::kFailed)
      out.push_back(&t);
  std::stable_sort(out.begin(), out.end(), [](const Trial* a, const Trial* b) {
    if (a->end_unix_s != b->end_unix_s) return a->end_unix_s < b->end_unix_s;
    if (a->number != b->number) return a->number < b->number;
    return a->attempt < b->attempt;
  });
  return out;
}

std::optional<Point> objective_point(const Trial& trial, std::span<const Objective> objectives) {
  if (trial.state != TrialState::kComplete) return std::nullopt;
  Point p;
  p.reserve(objectives.size());
  for (std::size_t k = 0; k < objectives.size(); ++k) {
    std::optional<double> v;
    if (trial.values.size() == objectives.size()) v = trial.values[k];
    else v = trial.figure(objectives[k].name);
    if (!v || !std::isfinite(*v)) return std::nullopt;
    p.push_back(to_minimization(*v, objectives[k].direction));
  }
  return p;
}

Point FrozenNormalization::normalize(const Point& p) const {
  Point z(p.size());
  for (std::size_t k = 0; k < p.size(); ++k) z[k] = (p[k] - ideal[k]) / scale[k];
  return z;
}

std::optional<FrozenNormalization> freeze_normalization(const std::vector<const Trial*>& finished,
                                                        std::span<const Objective> objectives,
                                                        std::size_t warmup) {
  const std::size_t m = objectives.size();
  if (m == 0) return std::nullopt;
  std::vector<Point> seen;
  for (std::size_t i = 0; i < finished.size(); ++i) {
    if (auto p = objective_point(*finished[i], objectives)) seen.push_back(std::move(*p));
    if (i + 1 < warmup || seen.empty()) continue;
    FrozenNormalization n;
    n.ideal = seen.front();
    Point nadir = seen.front();
    for (const auto& p : seen)
      for (std::size_t k = 0; k < m; ++k) {
        n.ideal[k] = std::min(n.ideal[k], p[k]);
        nadir[k] = std::max(nadir[k], p[k]);
      }
    n.scale.resize(m);
    for (std::size_t k = 0; k < m; ++k) {
      const double span = nadir[k] - n.ideal[k];
      n.scale[k] = span > 0.0 ? span : (std::abs(n.ideal[k]) > 0.0 ? std::abs(n.ideal[k]) : 1.0);
    }
    n.reference.assign(m, 1.1);
    n.frozen_at = i + 1;
    return n;
  }
  return std::nullopt;
}

double frozen_hypervolume(const std::vector<const Trial*>& finished, std::size_t count,
                          std::span<const Objective> objectives, const FrozenNormalization& norm) {
  std::vector<Point> pts;
  for (std::size_t i = 0; i < count && i < finished.size(); ++i)
    if (auto p = objective_point(*finished[i], objectives)) pts.push_back(norm.normalize(*p));
  if (pts.empty()) return 0.0;
  std::vector<Point> front;
  for (std::size_t i : pareto_front(pts)) front.push_back(pts[i]);
  return hypervolume(front, norm.reference);
}

Result<MetricChoice> resolve_metric(std::span<const Objective> objectives,
                                    const std::string& metric, const std::string& direction) {
  MetricChoice c;
  c.name = metric;
  if (c.name.empty()) {
    for (const auto& o : objectives)
      if (!is_builtin_objective(o.name)) { c.name = o.name; break; }
    if (c.name.empty())
      return make_error("no objective is a reported metric; set 'metric' to one the trials report");
  }
  if (!direction.empty()) {
    if (!parse_direction(direction, &c.direction))
      return make_error("direction '" + direction + "' is not minimize or maximize");
    return c;
  }
  for (const auto& o : objectives)
    if (o.name == c.name) { c.direction = o.direction; return c; }
  return make_error("metric '" + c.name + "' is not an objective; set 'direction' (minimize or "
                    "maximize)");
}

std::optional<double> best_value(const std::vector<const Trial*>& trials, std::size_t count,
                                 const MetricChoice& choice) {
  std::optional<double> best;
  for (std::size_t i = 0; i < count && i < trials.size(); ++i) {
    const Trial& t = *trials[i];
    if (t.state != TrialState::kComplete) continue;
    const auto v = t.figure(choice.name);
    if (!v || !std::isfinite(*v)) continue;
    if (!best || to_minimization(*v, choice.direction) < to_minimization(*best, choice.direction))
      best = *v;
  }
  return best;
}

void throw_if_invalid(const OptionsReader& reader, const std::string& message) {
  if (message.empty()) return;
  throw ConfigError(reader.key(message.substr(0, message.find(':'))), message);
}

std::string format_number(double x) {
  std::ostringstream os;
  os.precision(4);
  os << x;
  return os.str();
}

}  // namespace hpo
