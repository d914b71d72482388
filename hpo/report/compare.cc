#include "hpo/report/compare.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>

#include "hpo/front/hypervolume.h"
#include "hpo/front/pareto.h"
#include "hpo/store/study_file.h"

namespace hpo {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kReferenceCoordinate = 1.1;  // normalized reference point, every objective

std::string objectives_text(const std::vector<Objective>& objectives) {
  std::string out;
  for (const auto& o : objectives) {
    if (!out.empty()) out += ", ";
    out += o.name + " (" + std::string(to_string(o.direction)) + ")";
  }
  return out;
}

// The complete record of a trial number, as a minimization-form point; nullopt otherwise.
std::optional<Point> complete_point(const Trial& t, std::size_t m,
                                    const std::vector<Objective>& objectives) {
  if (t.state != TrialState::kComplete || t.values.size() != m) return std::nullopt;
  Point p(m);
  for (std::size_t k = 0; k < m; ++k) {
    if (!std::isfinite(t.values[k])) return std::nullopt;
    p[k] = to_minimization(t.values[k], objectives[k].direction);
  }
  return p;
}

// Records of one study grouped by trial number, attempts in order.
std::map<std::int64_t, std::vector<const Trial*>> by_number(const std::vector<Trial>& trials) {
  std::map<std::int64_t, std::vector<const Trial*>> out;
  for (const auto& t : trials) out[t.number].push_back(&t);
  for (auto& [n, v] : out) {
    std::stable_sort(v.begin(), v.end(),
                     [](const Trial* a, const Trial* b) { return a->attempt < b->attempt; });
  }
  return out;
}

bool better(double a, double b, Direction d) {
  return d == Direction::kMaximize ? a > b : a < b;
}

bool reaches(double value, double target, Direction d) {
  return d == Direction::kMaximize ? value >= target : value <= target;
}

std::string num(double v) {
  if (std::isnan(v)) return "-";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

std::string pct(double v) {
  if (!std::isfinite(v)) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f%%", 100.0 * v);
  return buf;
}

std::string with_spread(const Spread& s, bool percent = false) {
  if (s.n == 0) return "-";
  auto f = [&](double v) { return percent ? pct(v) : num(v); };
  if (std::isinf(s.median)) return "not reached";
  return f(s.median) + " [" + f(s.q25) + ", " + f(s.q75) + "]";
}

// Value of a study's anytime curve at cumulative energy `kwh`: the last point at or below it.
const CurvePoint* point_at(const StudyCurve& c, double kwh) {
  auto it = std::upper_bound(c.points.begin(), c.points.end(), kwh,
                             [](double e, const CurvePoint& p) { return e < p.cum_kwh; });
  if (it == c.points.begin()) return nullptr;
  return &*(it - 1);
}

GroupCurve group_curve(const std::vector<const StudyCurve*>& members, const std::vector<double>& grid,
                       bool hv) {
  double group_max = 0.0;
  for (const auto* c : members) group_max = std::max(group_max, c->total_kwh);
  GroupCurve out;
  for (double e : grid) {
    if (e > group_max * (1.0 + 1e-12)) break;
    std::vector<double> vals;
    for (const auto* c : members) {
      const CurvePoint* p = point_at(*c, e);
      if (!p) continue;  // a study enters the curve after its first trial
      if (hv) vals.push_back(p->hv);
      else if (p->best) vals.push_back(*p->best);
    }
    if (vals.empty()) continue;
    const Spread s = spread_of(vals);
    out.kwh.push_back(e);
    out.median.push_back(s.median);
    out.q25.push_back(s.q25);
    out.q75.push_back(s.q75);
  }
  return out;
}

}  // namespace

void CompareOptions::validate() const {
  if (!(target_hv_fraction > 0.0 && target_hv_fraction <= 1.0)) {
    throw std::invalid_argument("target_hv_fraction: must be in (0, 1], got " +
                                num(target_hv_fraction));
  }
  if (reference_hv && !(*reference_hv > 0.0 && std::isfinite(*reference_hv))) {
    throw std::invalid_argument("reference_hv: must be a positive number, got " + num(*reference_hv));
  }
  if (target_metric && target_metric->empty()) {
    throw std::invalid_argument("target_metric: must name a metric");
  }
  if (target_metric && !std::isfinite(target_value)) {
    throw std::invalid_argument("target_value: must be a finite number");
  }
  if (grid_points < 2) throw std::invalid_argument("grid_points: must be at least 2");
}

double quantile(std::vector<double> v, double q) {
  if (v.empty()) return kNaN;
  std::sort(v.begin(), v.end());
  const double h = q * static_cast<double>(v.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, v.size() - 1);
  const double frac = h - static_cast<double>(lo);
  if (frac == 0.0 || v[lo] == v[hi]) return v[lo];
  if (std::isinf(v[hi]) || std::isinf(v[lo])) return std::isinf(v[hi]) ? v[hi] : v[lo];
  return v[lo] + frac * (v[hi] - v[lo]);
}

Spread spread_of(std::vector<double> values) {
  Spread s;
  s.n = static_cast<int>(values.size());
  if (values.empty()) {
    s.median = s.q25 = s.q75 = s.min = s.max = kNaN;
    return s;
  }
  std::sort(values.begin(), values.end());
  s.median = quantile(values, 0.5);
  s.q25 = quantile(values, 0.25);
  s.q75 = quantile(values, 0.75);
  s.min = values.front();
  s.max = values.back();
  return s;
}

std::string sampler_group(const std::string& type, bool energy_aware) {
  return energy_aware ? type + "+energy-aware" : type;
}

std::string sampler_group(const std::string& type, bool energy_aware,
                          const std::string& pruner_type) {
  const std::string g = sampler_group(type, energy_aware);
  return pruner_type.empty() ? g : g + "+" + pruner_type + "-pruner";
}

CompareInput load_compare_input(const std::filesystem::path& path) {
  if (!std::filesystem::exists(path)) {
    throw std::runtime_error(path.string() + ": no such study file");
  }
  std::unique_ptr<StudyStore> store;
  try {
    store = open_study_file_read_only(path);
  } catch (const std::exception& e) {
    const std::string what = e.what();
    throw std::runtime_error(what.find(path.string()) == std::string::npos
                                 ? path.string() + ": " + what : what);
  }
  CompareInput in;
  in.path = path.string();
  const StudyInfo& info = store->info();
  in.name = info.name;
  in.objectives = info.objectives;
  in.trials = store->trials();
  std::string type = "unknown";
  bool energy_aware = false;
  const auto& spec = info.spec;
  if (spec.is_object() && spec.contains("sampler") && spec["sampler"].is_object()) {
    const auto& s = spec["sampler"];
    if (s.contains("type") && s["type"].is_string()) type = s["type"].get<std::string>();
    if (s.contains("options") && s["options"].is_object()) {
      const auto& o = s["options"];
      if (o.contains("seed") && o["seed"].is_number_integer()) in.seed = o["seed"].get<std::int64_t>();
      if (o.contains("energy_aware") && o["energy_aware"].is_boolean()) {
        energy_aware = o["energy_aware"].get<bool>();
      }
    }
  }
  std::string pruner;
  if (spec.is_object() && spec.contains("pruner") && spec["pruner"].is_object() &&
      spec["pruner"].contains("type") && spec["pruner"]["type"].is_string())
    pruner = spec["pruner"]["type"].get<std::string>();
  in.group = sampler_group(type, energy_aware, pruner);
  return in;
}

Result<CompareReport> compare_studies(const std::vector<CompareInput>& inputs,
                                      const CompareOptions& options) {
  try {
    options.validate();
  } catch (const std::invalid_argument& e) {
    return make_error(e.what());
  }
  if (inputs.empty()) return make_error("no studies to compare");
  CompareReport report;
  report.objectives = inputs.front().objectives;
  const std::size_t m = report.objectives.size();
  if (m == 0) return make_error(inputs.front().path + ": the study has no objectives");
  for (const auto& in : inputs) {
    bool same = in.objectives.size() == m;
    for (std::size_t k = 0; same && k < m; ++k) {
      same = in.objectives[k].name == report.objectives[k].name &&
             in.objectives[k].direction == report.objectives[k].direction;
    }
    if (!same) {
      return make_error(in.path + ": objectives " + objectives_text(in.objectives) +
                        " differ from " + inputs.front().path + "'s " +
                        objectives_text(report.objectives) +
                        " (compare needs studies of the same objectives)");
    }
  }

  // The metric of the best-so-far curve, and its direction.
  auto objective_index = [&](const std::string& name) -> std::optional<std::size_t> {
    for (std::size_t k = 0; k < m; ++k) {
      if (report.objectives[k].name == name) return k;
    }
    return std::nullopt;
  };
  std::optional<std::size_t> best_k;
  if (options.target_metric) {
    best_k = objective_index(*options.target_metric);
    if (!best_k) {
      return make_error("--target: '" + *options.target_metric + "' is not an objective of " +
                        inputs.front().path + " (objectives: " +
                        objectives_text(report.objectives) + ")");
    }
  }
  if (options.best_metric) {
    const auto k = objective_index(*options.best_metric);
    if (!k) {
      return make_error("--metric: '" + *options.best_metric + "' is not an objective of " +
                        inputs.front().path + " (objectives: " +
                        objectives_text(report.objectives) + ")");
    }
    if (!options.target_metric) best_k = k;
  }
  if (!best_k) {
    for (std::size_t k = 0; k < m && !best_k; ++k) {
      if (!is_builtin_objective(report.objectives[k].name)) best_k = k;
    }
    if (!best_k) best_k = 0;
  }
  report.best_metric = report.objectives[*best_k].name;
  report.best_direction = report.objectives[*best_k].direction;

  // Common normalization: ideal and nadir of the combined front of all studies; an objective
  // in which the front has no extent falls back to its range over all complete trials.
  std::vector<Point> all_points;
  for (const auto& in : inputs) {
    for (const auto& t : in.trials) {
      if (auto p = complete_point(t, m, report.objectives)) all_points.push_back(std::move(*p));
    }
  }
  report.ideal.assign(m, kInf);
  report.nadir.assign(m, -kInf);
  for (std::size_t i : pareto_front(all_points)) {
    for (std::size_t k = 0; k < m; ++k) {
      report.ideal[k] = std::min(report.ideal[k], all_points[i][k]);
      report.nadir[k] = std::max(report.nadir[k], all_points[i][k]);
    }
  }
  for (std::size_t k = 0; k < m && !all_points.empty(); ++k) {
    if (report.nadir[k] > report.ideal[k]) continue;
    for (const auto& p : all_points) {
      report.ideal[k] = std::min(report.ideal[k], p[k]);
      report.nadir[k] = std::max(report.nadir[k], p[k]);
    }
  }
  auto normalize = [&](const Point& p) {
    Point q(m);
    for (std::size_t k = 0; k < m; ++k) {
      const double range = report.nadir[k] - report.ideal[k];
      q[k] = range > 0.0 ? (p[k] - report.ideal[k]) / range : 0.0;
    }
    return q;
  };
  const Point reference(m, kReferenceCoordinate);

  // Anytime curves, in trial-number order.
  for (const auto& in : inputs) {
    StudyCurve c;
    c.path = in.path;
    c.name = in.name;
    c.group = in.group;
    c.seed = in.seed;
    std::vector<Point> front;  // normalized, non-dominated
    double hv = 0.0;
    double cum = 0.0;
    std::optional<double> best;
    for (const auto& [number, records] : by_number(in.trials)) {
      ++c.trials;
      c.sampler_kwh += records.front()->sampler_kwh;  // charged once per number
      cum += records.front()->sampler_kwh;
      bool complete = false;
      for (const Trial* t : records) {
        c.trial_kwh += t->energy.energy_kwh;
        cum += t->energy.energy_kwh;
        auto p = complete_point(*t, m, report.objectives);
        if (!p || complete) continue;
        complete = true;
        const double v = t->values[*best_k];
        if (!best || better(v, *best, report.best_direction)) best = v;
        Point q = normalize(*p);
        const bool dominated = std::any_of(front.begin(), front.end(), [&](const Point& f) {
          return dominates(f, q) || f == q;
        });
        if (!dominated) {
          std::erase_if(front, [&](const Point& f) { return dominates(q, f); });
          front.push_back(std::move(q));
          hv = hypervolume(front, reference);
        }
      }
      if (complete) ++c.complete;
      c.points.push_back(CurvePoint{number, cum, hv, best});
    }
    c.total_kwh = c.trial_kwh + c.sampler_kwh;
    c.optimizer_share = c.total_kwh > 0.0 ? c.sampler_kwh / c.total_kwh : 0.0;
    c.final_hv = hv;
    c.final_best = best;
    report.studies.push_back(std::move(c));
  }

  // Target.
  double best_final_hv = 0.0;
  for (const auto& c : report.studies) best_final_hv = std::max(best_final_hv, c.final_hv);
  report.reference_hv = options.reference_hv.value_or(best_final_hv);
  report.target_hv = options.target_hv_fraction * report.reference_hv;
  if (options.target_metric) {
    report.target_value = options.target_value;
    report.target_text = report.best_metric +
                         (report.best_direction == Direction::kMaximize ? " >= " : " <= ") +
                         num(options.target_value);
  } else {
    report.target_text = "hypervolume >= " + num(options.target_hv_fraction) + " x " +
                         num(report.reference_hv) + " = " + num(report.target_hv) +
                         (options.reference_hv ? " (given reference)"
                                               : " (reference: best final hypervolume)");
  }
  for (auto& c : report.studies) {
    for (const auto& p : c.points) {
      const bool hit = options.target_metric
                           ? (p.best && reaches(*p.best, options.target_value, report.best_direction))
                           : (report.target_hv > 0.0 && p.hv >= report.target_hv * (1.0 - 1e-12));
      if (hit) {
        c.kwh_to_target = p.cum_kwh;
        c.trial_to_target = p.trial;
        break;
      }
    }
  }

  // Groups, "random" first then by name.
  std::map<std::string, std::vector<const StudyCurve*>> members;
  double max_kwh = 0.0;
  for (const auto& c : report.studies) {
    members[c.group].push_back(&c);
    max_kwh = std::max(max_kwh, c.total_kwh);
  }
  std::vector<double> grid(static_cast<std::size_t>(options.grid_points));
  for (std::size_t i = 0; i < grid.size(); ++i) {
    grid[i] = max_kwh * static_cast<double>(i) / static_cast<double>(grid.size() - 1);
  }
  for (const auto& [group, list] : members) {
    GroupSummary g;
    g.group = group;
    g.studies = static_cast<int>(list.size());
    std::vector<double> to_target, hv, best, share, total;
    for (const auto* c : list) {
      to_target.push_back(c->kwh_to_target.value_or(kInf));
      if (c->kwh_to_target) ++g.reached;
      hv.push_back(c->final_hv);
      if (c->final_best) best.push_back(*c->final_best);
      share.push_back(c->optimizer_share);
      total.push_back(c->total_kwh);
    }
    g.kwh_to_target = spread_of(to_target);
    g.final_hv = spread_of(hv);
    g.final_best = spread_of(best);
    g.optimizer_share = spread_of(share);
    g.total_kwh = spread_of(total);
    g.hv_curve = group_curve(list, grid, true);
    g.best_curve = group_curve(list, grid, false);
    report.groups.push_back(std::move(g));
  }
  std::stable_partition(report.groups.begin(), report.groups.end(),
                        [](const GroupSummary& g) { return g.group == "random"; });
  const GroupSummary* random = nullptr;
  for (const auto& g : report.groups) {
    if (g.group == "random") random = &g;
  }
  if (random && std::isfinite(random->kwh_to_target.median) && random->kwh_to_target.median > 0.0) {
    const double base = random->kwh_to_target.median;
    for (auto& g : report.groups) g.vs_random = g.kwh_to_target.median / base;
  }
  return report;
}

std::string format_compare_table(const CompareReport& r) {
  std::vector<std::vector<std::string>> rows;
  rows.push_back({"group", "studies", "reached", "kWh to target (median [q25, q75])", "vs random",
                  "final HV", "best " + r.best_metric, "total kWh", "optimizer share"});
  for (const auto& g : r.groups) {
    rows.push_back({g.group, std::to_string(g.studies),
                    std::to_string(g.reached) + "/" + std::to_string(g.studies),
                    with_spread(g.kwh_to_target), g.vs_random ? num(*g.vs_random) + "x" : "-",
                    with_spread(g.final_hv), with_spread(g.final_best), with_spread(g.total_kwh),
                    with_spread(g.optimizer_share, true)});
  }
  std::vector<std::size_t> width(rows.front().size(), 0);
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  }
  std::ostringstream os;
  os << "objectives: " << objectives_text(r.objectives) << "\n";
  os << "target: " << r.target_text << "\n";
  os << "hypervolume: objectives normalized to [0, 1] by the combined front, reference point "
     << kReferenceCoordinate << " in each\n\n";
  for (std::size_t k = 0; k < rows.size(); ++k) {
    for (std::size_t i = 0; i < rows[k].size(); ++i) {
      os << rows[k][i] << std::string(width[i] - rows[k][i].size() + 2, ' ');
    }
    os << "\n";
    if (k == 0) {
      for (std::size_t i = 0; i < width.size(); ++i) os << std::string(width[i], '-') << "  ";
      os << "\n";
    }
  }
  return os.str();
}

std::string summary_csv(const CompareReport& r) {
  std::ostringstream os;
  os << "group,studies,reached";
  for (const char* f : {"kwh_to_target", "final_hv", "final_best", "total_kwh", "optimizer_share"}) {
    for (const char* s : {"median", "q25", "q75", "min", "max"}) os << ',' << f << '_' << s;
  }
  os << ",vs_random,best_metric,target\n";
  auto q = [](const std::string& s) {
    std::string out = "\"";
    for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
  };
  for (const auto& g : r.groups) {
    os << q(g.group) << ',' << g.studies << ',' << g.reached;
    for (const Spread* s : {&g.kwh_to_target, &g.final_hv, &g.final_best, &g.total_kwh,
                            &g.optimizer_share}) {
      for (double v : {s->median, s->q25, s->q75, s->min, s->max}) {
        char buf[40];
        std::snprintf(buf, sizeof buf, "%.17g", v);
        os << ',' << (std::isnan(v) ? "" : buf);
      }
    }
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.17g", g.vs_random.value_or(kNaN));
    os << ',' << (g.vs_random && std::isfinite(*g.vs_random) ? buf : "") << ','
       << q(r.best_metric) << ',' << q(r.target_text) << '\n';
  }
  return os.str();
}

std::string studies_csv(const CompareReport& r) {
  std::ostringstream os;
  os << "path,name,group,seed,trials,complete,trial_kwh,sampler_kwh,total_kwh,optimizer_share,"
        "final_hv,final_best,kwh_to_target,trial_to_target\n";
  auto g17 = [](double v) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    return std::string(buf);
  };
  for (const auto& c : r.studies) {
    os << '"' << c.path << "\",\"" << c.name << "\",\"" << c.group << "\","
       << (c.seed ? std::to_string(*c.seed) : "") << ',' << c.trials << ',' << c.complete << ','
       << g17(c.trial_kwh) << ',' << g17(c.sampler_kwh) << ',' << g17(c.total_kwh) << ','
       << g17(c.optimizer_share) << ',' << g17(c.final_hv) << ','
       << (c.final_best ? g17(*c.final_best) : "") << ','
       << (c.kwh_to_target ? g17(*c.kwh_to_target) : "") << ','
       << (c.trial_to_target ? std::to_string(*c.trial_to_target) : "") << '\n';
  }
  return os.str();
}

std::string summary_markdown(const CompareReport& r) {
  std::ostringstream os;
  os << "# Strategy comparison\n\n";
  os << "- objectives: " << objectives_text(r.objectives) << "\n";
  os << "- target: " << r.target_text << "\n";
  os << "- hypervolume: each objective normalized to [0, 1] by the ideal and nadir of the "
        "combined Pareto front of all studies compared, reference point "
     << kReferenceCoordinate << " in each objective (points beyond it add nothing)\n";
  os << "- energy: every trial attempt's energy_kwh plus the optimizer's sampler_kwh, "
        "cumulated in trial-number order\n\n";
  os << "| group | studies | reached | kWh to target, median [q25, q75] | vs random | final HV "
        "| best " << r.best_metric << " | total kWh | optimizer share, median [min, max] |\n";
  os << "|---|---|---|---|---|---|---|---|---|\n";
  for (const auto& g : r.groups) {
    const Spread& s = g.optimizer_share;
    os << "| " << g.group << " | " << g.studies << " | " << g.reached << "/" << g.studies << " | "
       << with_spread(g.kwh_to_target) << " | " << (g.vs_random ? num(*g.vs_random) + "x" : "-")
       << " | " << with_spread(g.final_hv) << " | " << with_spread(g.final_best) << " | "
       << with_spread(g.total_kwh) << " | "
       << (s.n ? pct(s.median) + " [" + pct(s.min) + ", " + pct(s.max) + "]" : "-") << " |\n";
  }
  os << "\n![hypervolume vs energy](hv_vs_kwh.svg)\n\n![best vs energy](best_vs_kwh.svg)\n\n";
  os << "## Studies\n\n| study | group | seed | trials | total kWh | optimizer share | final HV "
        "| best | kWh to target (trial) |\n|---|---|---|---|---|---|---|---|---|\n";
  for (const auto& c : r.studies) {
    os << "| " << c.path << " | " << c.group << " | " << (c.seed ? std::to_string(*c.seed) : "-")
       << " | " << c.trials << " | " << num(c.total_kwh) << " | " << pct(c.optimizer_share)
       << " | " << num(c.final_hv) << " | " << (c.final_best ? num(*c.final_best) : "-") << " | "
       << (c.kwh_to_target ? num(*c.kwh_to_target) + " (" + std::to_string(*c.trial_to_target) + ")"
                           : "not reached")
       << " |\n";
  }
  return os.str();
}

}  // namespace hpo
