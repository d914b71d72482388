// Shared pieces of the in-process sampler benchmarks (sampler_bench, gp_bench,
// energy_aware_bench): the [0,1]^d box of the benchmark problems, the two minimized
// objectives, and the median the tables report.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "hpo/objective.h"
#include "hpo/search_space.h"

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

}  // namespace bench
