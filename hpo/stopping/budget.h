// Budgets: `budget: {trials, energy_kwh, co2e_kg, wall_time_s}`, any may be given.
// Energy and carbon count every attempt (complete, pruned, failed, interrupted) plus the
// optimizer's own energy (sampler_kwh). Before a launch, the energy the next trial is
// predicted to use (the median of the k most similar finished trials in the unit encoding,
// or of all trials when few) is compared with what is left: a trial that would overrun is not
// started and the study stops with that reason. Counting is by trial records, so a resumed
// study never charges a trial twice.
//
// Counting rules (see docs/stopping.md):
// - trials: distinct trial numbers with at least one record that is not `interrupted` (a
//   retry keeps its number; an interrupted trial re-run after a resume is counted once).
// - energy_kwh: every attempt's energy (running ones: the energy at their last report), plus
//   each trial number's sampler_kwh once, plus `coordinator_kwh` (the loop's own energy that no
//   trial carries).
// - co2e_kg: every attempt's co2e_kg, plus the optimizer's energy converted at the
//   energy-weighted mean intensity (co2e per kWh) of the recorded attempts.
// - before_launch also reserves what running trials are predicted to use still, so parallel
//   launches cannot jointly overrun the energy or carbon budget.
#pragma once

#include <cstdint>

#include "hpo/core/stop_rule.h"
#include "hpo/core/study_spec.h"
#include "hpo/core/study_view.h"

namespace hpo {

struct BudgetUsage {
  std::int64_t trials_counted = 0;  // distinct numbers finished or running (not retries)
  double energy_kwh = 0.0;          // trials + optimizer
  double co2e_kg = 0.0;
};

class BudgetTracker {
 public:
  // Nearest neighbours (unit encoding) whose median energy predicts the next trial's.
  static constexpr std::size_t kNeighbours = 5;

  explicit BudgetTracker(Budget budget) : budget_(budget) {}
  const Budget& budget() const { return budget_; }

  BudgetUsage usage(const StudyView& study, double coordinator_kwh) const;
  // May the next trial (values `next`) start? `elapsed_s` is the study's wall time so far
  // (accumulated over resumes). Returns stop=true with rule "budget.<name>" when not.
  StopVerdict before_launch(const StudyView& study, const Params& next, double elapsed_s,
                            double coordinator_kwh) const;
  // Is any budget exhausted now (checked after each finished trial)?
  StopVerdict exhausted(const StudyView& study, double elapsed_s, double coordinator_kwh) const;
  // Predicted energy of a trial with values `next` from the finished ones; 0 with no history.
  double predict_energy_kwh(const StudyView& study, const Params& next) const;

 private:
  Budget budget_;
};

}  // namespace hpo
