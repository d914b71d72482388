#include "hpo/core/trial.h"

#include <type_traits>

namespace hpo {

// std::vector<Trial> moves (not copies) its records when it grows, and StudyStore relies on it.
static_assert(std::is_nothrow_move_constructible_v<Trial>);
static_assert(std::is_nothrow_move_constructible_v<Report>);

std::string_view to_string(TrialState s) {
  switch (s) {
    case TrialState::kRunning: return "running";
    case TrialState::kComplete: return "complete";
    case TrialState::kPruned: return "pruned";
    case TrialState::kFailed: return "failed";
    case TrialState::kInterrupted: return "interrupted";
  }
  return "unknown";
}

bool parse_trial_state(std::string_view text, TrialState* out) {
  for (auto s : {TrialState::kRunning, TrialState::kComplete, TrialState::kPruned,
                 TrialState::kFailed, TrialState::kInterrupted}) {
    if (to_string(s) == text) { *out = s; return true; }
  }
  return false;
}

std::optional<double> Trial::figure(const std::string& name) const {
  if (name == "energy_kwh") return energy.energy_kwh;
  if (name == "co2e_kg") return energy.co2e_kg;
  if (name == "duration_s") return duration_s;
  if (name == "cpu_s") return cpu_s;
  auto it = metrics.find(name);
  if (it == metrics.end()) return std::nullopt;
  return it->second;
}

}  // namespace hpo
