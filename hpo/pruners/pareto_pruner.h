// pareto: multi-objective pruning. At each report the trial's final point is projected and
// the trial is pruned when that point is dominated, with a margin in every objective, by a
// member of the current front of complete trials. No single-metric pruner can do this: a
// trial that is slow to learn but cheap is kept as long as it may still reach the front.
//
// The model (docs/stopping.md):
// - final step T: `max_step`, or the largest step reported by a complete trial;
// - each objective the trial reports: its learning curve over the last `fit_points` reports
//   fitted by y = a + b (t+1)^-c (least squares in a, b for c in {0.25, 0.5, 1, 2}, best fit
//   kept; a saturating inverse-power law), evaluated at T, never worse than the last report
//   (projections stay optimistic) and clipped to the range any trial has reported;
// - energy_kwh (duration_s): the energy (elapsed time) at the last report plus the measured
//   rate per step (slope between first and last report) times the steps left; co2e_kg: that
//   energy times the complete trials' median kg per kWh;
// - an objective that cannot be projected (not reported, cpu_s, unknown intensity) is taken
//   as the best possible, so it can never cause a prune;
// - dominated with margin: some front member f has f_k <= q_k - margin * spread_k in every
//   objective k (minimization form), spread_k the range of objective k over complete trials.
// Requires `min_steps` reports and `min_trials` complete trials.
//
//   pruner: {type: pareto, margin: 0.05, min_steps: 3, min_trials: 5}
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hpo/component_spec.h"
#include "hpo/pareto.h"
#include "hpo/pruner.h"
#include "hpo/pruners/pruner_common.h"

namespace hpo {

class ParetoPruner final : public Pruner {
 public:
  struct Options {
    double margin = 0.05;          // relative to each objective's spread over complete trials
    std::int64_t min_steps = 3;    // reports the trial must have made
    std::int64_t min_trials = 5;   // complete trials (the front) required
    std::int64_t max_step = 0;     // final step; 0 = largest step of complete trials
    std::int64_t fit_points = 5;   // last reports used for the curve fit
    std::string validate() const;
  };

  explicit ParetoPruner(Options options) : options_(options) {}
  PruneVerdict should_prune(const StudyView& study, const Trial& trial) override;

  // The projected final point of `trial` in minimization form (-inf where unknown); nullopt
  // when the model lacks what it needs (no final step known, no reports).
  std::optional<Point> project(const StudyView& study, const Trial& trial) const;

  static std::unique_ptr<Pruner> create(const ComponentSpec& spec, const FactoryContext& ctx);

 private:
  Options options_;
};

// Saturating fit of (step, value) pairs evaluated at `target_step` (see above); the last
// value when fewer than two distinct steps.
double extrapolate_curve(const std::vector<std::pair<std::int64_t, double>>& curve,
                         std::int64_t target_step);

}  // namespace hpo
