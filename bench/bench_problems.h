// Shared pieces of the in-process sampler benchmarks (sampler_bench, gp_bench,
// energy_aware_bench): the [0,1]^d box of the benchmark problems, the two minimized
// objectives, the median the tables report, and the study loop with its synthetic cost.
#pragma once

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "hpo/front/hypervolume.h"
#include "hpo/core/objective.h"
#include "hpo/core/sampler.h"
#include "hpo/core/search_space.h"
#include "hpo/core/trial.h"
#include "objectives/problems.h"

namespace bench {

inline hpo::SearchSpace box(int d) {
  hpo::SearchSpace s;
  for (int i = 0; i < d; ++i) {
    hpo::ParamSpec p;
    p.name = "x" + std::to_string(i);
    p.low = 0.0;
    p.high = 1.0;
    s.params.push_back(p);
  }
  return s;
}

inline double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

inline const std::vector<hpo::Objective>& two_minimized() {
  static const std::vector<hpo::Objective> objectives{{"f1", hpo::Direction::kMinimize},
                                                      {"f2", hpo::Direction::kMinimize}};
  return objectives;
}

// The point x0..x{d-1} of a suggestion on the box.
inline std::vector<double> point_of(const hpo::Params& p, int d) {
  std::vector<double> x(static_cast<std::size_t>(d));
  for (int i = 0; i < d; ++i) x[static_cast<std::size_t>(i)] = std::get<double>(p.at("x" + std::to_string(i)));
  return x;
}

// Runs `trials` trials of `prob` with `s`; returns the hypervolume after each trial, and fills
// `energy` with the cumulative synthetic energy when given. Synthetic cost: 10x from x0 = 0
// to x0 = 1 (1e-3 .. 1e-2 kWh), so energy-aware samplers have a cheap corner to find.
inline std::vector<double> run_study(hpo::Sampler& s, const objectives::Problem& prob, int trials,
                                     std::vector<double>* energy = nullptr) {
  const auto space = box(prob.n_vars);
  std::vector<hpo::Trial> hist;
  std::vector<hpo::Point> pts;
  std::vector<double> hv;
  double spent = 0.0;
  for (int i = 0; i < trials; ++i) {
    auto p = s.suggest({space, two_minimized(), hist}, i);
    const auto x = point_of(p, prob.n_vars);
    hpo::Trial t;
    t.number = i;
    t.state = hpo::TrialState::kComplete;
    t.values = objectives::evaluate(prob.name, x);
    t.energy.energy_kwh = 1e-3 * std::pow(10.0, x[0]);
    spent += t.energy.energy_kwh;
    t.params = std::move(p);
    pts.push_back(t.values);
    hist.push_back(std::move(t));
    hv.push_back(hpo::hypervolume(pts, prob.hv_reference));
    if (energy) energy->push_back(spent);
  }
  return hv;
}

}  // namespace bench
