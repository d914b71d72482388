// pareto: multi-objective pruning. At each report the trial's final point is projected and
// the trial is pruned when that point is dominated, with a margin in every objective, by a
// member of the current front of complete trials. No single-metric pruner can do this: a
// trial that is slow to learn but cheap is kept as long as it may still reach the front.
//
// The model (docs/stopping.md):
// - final step T of this trial: `max_step` if given; else the value of the trial's
//   `steps_param` parameter if given; else, when complete trials all ended at one step, that
//   step; else, when an integer parameter explains every complete trial's final step (final
//   step = value + a constant offset, e.g. `epochs`), that parameter's value plus the offset
//   ("auto"); else T is unknown (see energy below);
// - each objective the trial reports: its learning curve over the last `fit_points` reports
//   fitted by y = a + b (t+1)^-c (least squares in a, b for c in {0.25, 0.5, 1, 2}, best fit
//   kept; a saturating inverse-power law), evaluated at T (the largest step of complete trials
//   when T is unknown); when the fitted slope b is within `trend_sigmas` standard errors of
//   zero, the trend is noise and the curve is projected flat at the mean of those reports
//   (real curves saturate early and wobble by a point or two; extrapolating the wobble of a
//   flat curve with c = 0.25 promised gains no trial made). The projection is cautious in
//   two ways: a flat curve is projected `noise_sigmas` standard deviations of its reports
//   above its mean (it may sit anywhere in its noise band), and a curve with a trend takes
//   the most hopeful of the four shapes (`shape: envelope`), not the best fit: with 3-5
//   reports they fit about equally well, and the best fit often saturates too soon (on
//   Fashion-MNIST curves that kept rising over 8 epochs it wrongly pruned 12 of 28 times;
//   docs/stopping.md, "Cautious projection"). `noise_sigmas: 0, shape: best_fit` is the
//   bolder model of earlier versions. The projection is never worse
//   than the best value reported so far (so it stays optimistic) and is clipped to the range
//   any trial has reported;
// - energy_kwh: the energy at the last report plus the trial's average power so far (the
//   complete trials' median power when no energy has been read yet) times the time it still
//   needs, which is the steps left times the time per step measured between its first and
//   last report (start-up cost such as data loading is not extrapolated, and the coarse
//   energy readings of a short trial are not differentiated); duration_s: elapsed time plus
//   that time; co2e_kg: the energy times the complete trials' median kg per kWh. When T is
//   unknown the trial may end now, so these stay at their current values (lower bounds);
// - an objective that cannot be projected (not reported, cpu_s, unknown intensity) is taken
//   as the best possible, so it can never cause a prune;
// - dominated with margin: some front member f has f_k <= q_k - margin * spread_k in every
//   objective k (minimization form), spread_k the range of objective k over complete trials.
// Requires `min_steps` reports and `min_trials` complete trials.
//
//   pruner: {type: pareto, margin: 0.01, min_steps: 3, min_trials: 5, trend_sigmas: 2,
//            noise_sigmas: 2, shape: envelope}
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hpo/core/component_spec.h"
#include "hpo/front/pareto.h"
#include "hpo/core/pruner.h"
#include "hpo/stopping/pruners/pruner_common.h"

namespace hpo {

class ParetoPruner final : public Pruner {
 public:
  struct Options {
    double margin = 0.01;          // relative to each objective's spread over complete trials
    std::int64_t min_steps = 3;    // reports the trial must have made
    std::int64_t min_trials = 5;   // complete trials (the front) required
    std::int64_t max_step = 0;     // final step of every trial; 0 = per trial (see above)
    std::string steps_param;       // parameter holding a trial's final step; "" = auto
    std::int64_t fit_points = 5;   // last reports used for the curve fit
    double trend_sigmas = 2.0;     // slope within this many standard errors = flat; 0 = off
    double noise_sigmas = 2.0;     // a flat curve is projected this many SDs above its mean
    std::string shape = "envelope";  // a trend: the most hopeful shape; "best_fit": the best fit
    std::string validate() const;
  };

  explicit ParetoPruner(Options options) : options_(options) {}
  PruneVerdict should_prune(const StudyView& study, const Trial& trial) override;

  // The projected final point of `trial` in minimization form (-inf where unknown); nullopt
  // when the model lacks what it needs (no final step known, no reports).
  std::optional<Point> project(const StudyView& study, const Trial& trial) const;

  // The final step of `trial` (see above) and whether it is known; nullopt when no complete
  // trial has reported a step and neither `max_step` nor `steps_param` gives one.
  struct FinalStep {
    std::int64_t step = 0;
    bool known = false;
  };
  std::optional<FinalStep> final_step(const StudyView& study, const Trial& trial) const;

  static std::unique_ptr<Pruner> create(const ComponentSpec& spec, const FactoryContext& ctx);

 private:
  Options options_;
};

// How extrapolate_curve reads a curve (see above).
struct CurveModel {
  double trend_sigmas = 0.0;  // slope within this many standard errors of zero = flat
  double noise_sigmas = 0.0;  // a flat curve: its mean plus this many SDs of its reports
  bool envelope = false;      // a trend: the most hopeful of the four shapes, not the best fit
  double better = 0.0;        // +1 larger values are better, -1 smaller; 0 = neither (no hope)
};

// Saturating fit of (step, value) pairs evaluated at `target_step` (see above); the last
// value when fewer than two distinct steps; for a flat curve (`trend_sigmas` > 0 and the best
// fit's slope within that many standard errors of zero) the mean of the pairs, moved
// `noise_sigmas` standard deviations in the better direction.
double extrapolate_curve(const std::vector<std::pair<std::int64_t, double>>& curve,
                         std::int64_t target_step, const CurveModel& model = {});

}  // namespace hpo
