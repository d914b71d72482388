#include "hpo/stopping/budget.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <sstream>

namespace hpo {
namespace {

// Energy an attempt has used so far: its metered total, or for a running trial the energy at
// its last report when the total is not in yet.
double attempt_energy_kwh(const Trial& t) {
  double e = t.energy.energy_kwh;
  if (t.state == TrialState::kRunning && !t.reports.empty())
    e = std::max(e, t.reports.back().energy_kwh);
  return e;
}

// Mean CO2e per kWh over the attempts that have both figures (kg/kWh), 0 when unknown.
double co2e_per_kwh(std::span<const Trial> trials) {
  double kwh = 0.0, kg = 0.0;
  for (const auto& t : trials) {
    if (t.energy.energy_kwh > 0.0 && t.energy.co2e_kg > 0.0) {
      kwh += t.energy.energy_kwh;
      kg += t.energy.co2e_kg;
    }
  }
  return kwh > 0.0 ? kg / kwh : 0.0;
}

std::string fmt(double x) {
  std::ostringstream os;
  os.precision(4);
  os << x;
  return os.str();
}

std::int64_t last_number(const StudyView& study) {
  std::int64_t n = -1;
  for (const auto& t : study.trials) n = std::max(n, t.number);
  return n;
}

// Distance between two configurations in the unit encoding: numeric parameters by their
// unit coordinates, categorical ones 0 (same choice) or 1, a parameter present in only one
// of them 1.
double unit_distance(const SearchSpace& space, const Params& a, const Params& b) {
  double d2 = 0.0;
  for (const auto& p : space.params) {
    if (p.kind == ParamKind::kFixed) continue;
    const auto ia = a.find(p.name), ib = b.find(p.name);
    const bool ha = ia != a.end(), hb = ib != b.end();
    if (!ha && !hb) continue;
    if (ha != hb) { d2 += 1.0; continue; }
    if (p.kind == ParamKind::kCategorical) {
      d2 += params_equal(ia->second, ib->second) ? 0.0 : 1.0;
    } else {
      const double du = p.to_unit(ia->second) - p.to_unit(ib->second);
      d2 += du * du;
    }
  }
  return std::sqrt(d2);
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

StopVerdict verdict(const StudyView& study, std::string rule, std::string message,
                    nlohmann::json numbers) {
  StopVerdict v;
  v.stop = true;
  v.rule = std::move(rule);
  v.message = std::move(message);
  v.at_trial = last_number(study);
  v.numbers = std::move(numbers);
  return v;
}

}  // namespace

BudgetUsage BudgetTracker::usage(const StudyView& study, double coordinator_kwh) const {
  BudgetUsage u;
  std::set<std::int64_t> counted;
  std::map<std::int64_t, double> sampler_kwh;  // once per trial number
  for (const auto& t : study.trials) {
    if (t.state != TrialState::kInterrupted) counted.insert(t.number);
    u.energy_kwh += attempt_energy_kwh(t);
    u.co2e_kg += t.energy.co2e_kg;
    double& s = sampler_kwh[t.number];
    s = std::max(s, t.sampler_kwh);
  }
  double optimizer_kwh = coordinator_kwh;
  for (const auto& [n, kwh] : sampler_kwh) optimizer_kwh += kwh;
  u.trials_counted = static_cast<std::int64_t>(counted.size());
  u.energy_kwh += optimizer_kwh;
  u.co2e_kg += optimizer_kwh * co2e_per_kwh(study.trials);
  return u;
}

double BudgetTracker::predict_energy_kwh(const StudyView& study, const Params& next) const {
  // Real runs (complete or pruned) first; failed ones only when nothing else is known.
  std::vector<const Trial*> history;
  for (const auto& t : study.trials)
    if (t.state == TrialState::kComplete || t.state == TrialState::kPruned) history.push_back(&t);
  if (history.empty())
    for (const auto& t : study.trials)
      if (t.state == TrialState::kFailed) history.push_back(&t);
  if (history.empty()) return 0.0;
  std::vector<std::pair<double, double>> by_distance;  // (distance, energy)
  by_distance.reserve(history.size());
  for (const Trial* t : history)
    by_distance.emplace_back(unit_distance(study.space, next, t->params), t->energy.energy_kwh);
  const std::size_t k = std::min(kNeighbours, by_distance.size());
  std::partial_sort(by_distance.begin(), by_distance.begin() + static_cast<std::ptrdiff_t>(k),
                    by_distance.end());
  std::vector<double> energies;
  for (std::size_t i = 0; i < k; ++i) energies.push_back(by_distance[i].second);
  return median(std::move(energies));
}

StopVerdict BudgetTracker::exhausted(const StudyView& study, double elapsed_s,
                                     double coordinator_kwh) const {
  const BudgetUsage u = usage(study, coordinator_kwh);
  if (budget_.trials && u.trials_counted >= *budget_.trials)
    return verdict(study, "budget.trials",
                   "the trial budget of " + std::to_string(*budget_.trials) + " is used",
                   {{"trials", u.trials_counted}, {"limit", *budget_.trials}});
  if (budget_.energy_kwh && u.energy_kwh >= *budget_.energy_kwh)
    return verdict(study, "budget.energy_kwh",
                   "used " + fmt(u.energy_kwh) + " kWh of the " + fmt(*budget_.energy_kwh) +
                       " kWh budget",
                   {{"energy_kwh", u.energy_kwh}, {"limit", *budget_.energy_kwh}});
  if (budget_.co2e_kg && u.co2e_kg >= *budget_.co2e_kg)
    return verdict(study, "budget.co2e_kg",
                   "emitted " + fmt(u.co2e_kg) + " kg CO2e of the " + fmt(*budget_.co2e_kg) +
                       " kg budget",
                   {{"co2e_kg", u.co2e_kg}, {"limit", *budget_.co2e_kg}});
  if (budget_.wall_time_s && elapsed_s >= *budget_.wall_time_s)
    return verdict(study, "budget.wall_time_s",
                   "ran " + fmt(elapsed_s) + " s of the " + fmt(*budget_.wall_time_s) +
                       " s budget",
                   {{"elapsed_s", elapsed_s}, {"limit", *budget_.wall_time_s}});
  return {};
}

StopVerdict BudgetTracker::before_launch(const StudyView& study, const Params& next,
                                         double elapsed_s, double coordinator_kwh) const {
  StopVerdict now = exhausted(study, elapsed_s, coordinator_kwh);
  if (now.stop) return now;
  if (!budget_.energy_kwh && !budget_.co2e_kg) return {};
  const BudgetUsage u = usage(study, coordinator_kwh);
  const double predicted = predict_energy_kwh(study, next);
  // What running trials will still use: their predicted total minus what they used so far.
  double committed = 0.0;
  for (const auto& t : study.trials)
    if (t.state == TrialState::kRunning)
      committed += std::max(0.0, predict_energy_kwh(study, t.params) - attempt_energy_kwh(t));
  if (budget_.energy_kwh && u.energy_kwh + committed + predicted > *budget_.energy_kwh)
    return verdict(study, "budget.energy_kwh",
                   "the next trial is predicted to use " + fmt(predicted) + " kWh but only " +
                       fmt(*budget_.energy_kwh - u.energy_kwh - committed) + " kWh is left",
                   {{"energy_kwh", u.energy_kwh},
                    {"committed_kwh", committed},
                    {"predicted_kwh", predicted},
                    {"limit", *budget_.energy_kwh}});
  if (budget_.co2e_kg) {
    const double rate = co2e_per_kwh(study.trials);
    const double predicted_kg = predicted * rate, committed_kg = committed * rate;
    if (u.co2e_kg + committed_kg + predicted_kg > *budget_.co2e_kg)
      return verdict(study, "budget.co2e_kg",
                     "the next trial is predicted to emit " + fmt(predicted_kg) +
                         " kg CO2e but only " + fmt(*budget_.co2e_kg - u.co2e_kg - committed_kg) +
                         " kg is left",
                     {{"co2e_kg", u.co2e_kg},
                      {"committed_kg", committed_kg},
                      {"predicted_kg", predicted_kg},
                      {"limit", *budget_.co2e_kg}});
  }
  return {};
}

}  // namespace hpo
