// Deterministic synthetic studies for the stop-rule, pruner and budget tests: trials are built
// directly (values, learning curves, energy rates) and finish in number order.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "hpo/core/study_view.h"

namespace hpo::testing {

struct SyntheticStudy {
  SearchSpace space;
  std::vector<Objective> objectives;
  std::vector<Trial> trials;

  StudyView view() const { return StudyView{space, objectives, trials}; }

  // A finished trial with the next number; end time = number, so finish order = number order.
  Trial& add(TrialState state, std::vector<double> values = {}, double energy_kwh = 0.0) {
    Trial t;
    t.number = static_cast<std::int64_t>(trials.size());
    t.state = state;
    t.end_unix_s = static_cast<double>(t.number);
    t.energy.energy_kwh = energy_kwh;
    for (std::size_t k = 0; k < values.size() && k < objectives.size(); ++k) {
      if (objectives[k].name == "energy_kwh") t.energy.energy_kwh = values[k];
      else t.metrics[objectives[k].name] = values[k];
    }
    if (state == TrialState::kComplete) t.values = std::move(values);
    trials.push_back(std::move(t));
    return trials.back();
  }

  // A trial whose `metric` follows curve(step) and whose energy grows at `kwh_per_step`,
  // reported at steps first..last. Complete trials also get final values.
  Trial& add_curve(TrialState state, const std::string& metric,
                   const std::function<double(std::int64_t)>& curve, double kwh_per_step,
                   std::int64_t first, std::int64_t last) {
    Trial t;
    t.number = static_cast<std::int64_t>(trials.size());
    t.state = state;
    t.end_unix_s = static_cast<double>(t.number);
    for (std::int64_t s = first; s <= last; ++s) {
      Report r;
      r.step = s;
      r.metrics[metric] = curve(s);
      r.energy_kwh = kwh_per_step * static_cast<double>(s);
      r.elapsed_s = static_cast<double>(s);
      t.reports.push_back(r);
    }
    if (!t.reports.empty()) {
      t.metrics[metric] = t.reports.back().metrics[metric];
      t.energy.energy_kwh = t.reports.back().energy_kwh;
      t.duration_s = t.reports.back().elapsed_s;
    }
    if (state == TrialState::kComplete) {
      for (const auto& o : objectives) {
        auto f = t.figure(o.name);
        t.values.push_back(f ? *f : 0.0);
      }
    }
    trials.push_back(std::move(t));
    return trials.back();
  }
};

}  // namespace hpo::testing
