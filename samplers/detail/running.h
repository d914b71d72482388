// Helpers for proposals made while other trials run (parallel: N): does a configuration equal
// the values of a running trial? Samplers use it to skip proposals that would duplicate one.
#pragma once

#include "hpo/core/study_view.h"

namespace samplers::detail {

inline bool same_params(const hpo::Params& a, const hpo::Params& b) {
  if (a.size() != b.size()) return false;
  auto ia = a.begin();
  auto ib = b.begin();
  for (; ia != a.end(); ++ia, ++ib)
    if (ia->first != ib->first || !hpo::params_equal(ia->second, ib->second)) return false;
  return true;
}

// True if `params` equals (ignoring fixed parameters absent from `params`) a running trial's.
inline bool duplicates_running(const hpo::StudyView& study, const hpo::Params& params) {
  for (const auto& t : study.trials) {
    if (t.state != hpo::TrialState::kRunning) continue;
    bool same = true;
    for (const auto& [name, value] : params) {
      auto it = t.params.find(name);
      if (it == t.params.end() || !hpo::params_equal(it->second, value)) { same = false; break; }
    }
    if (same) return true;
  }
  return false;
}

}  // namespace samplers::detail
