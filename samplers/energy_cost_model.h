// EnergyCostModel: predicts the energy a configuration will use from the trials measured so
// far, for energy-aware acquisition (expected improvement per unit cost with cost cooling,
// Lee, Eriksson, Perrone & Seeger, 2020, "Cost-aware Bayesian optimization", CArBO).
// Used by `tpe` and `gp` with `energy_aware: true`.
//
// Model: log(energy_kwh) on the unit encoding of the finished trials, as a ridge-regularized
// linear trend (training cost is close to log-linear in epochs, width, depth and data size on
// their log scales, so a handful of trials pins down which parameters drive it) plus
// Nadaraya-Watson kernel regression of the residuals (Gaussian kernel, bandwidth from Scott's
// rule) for what the trend misses; the median with fewer than `min_trials` trials.
// Cost cooling: the acquisition is divided by cost^alpha with
// alpha = (budget_left / budget_total), so cheap configurations are explored first and the
// preference fades as the budget is spent.
// Cost-effective initial design (CArBO's first stage): pick_cost_effective() chooses, among
// random candidates, the one that best trades spread (distance to the trials already run)
// against predicted energy, so start-up trials cover the space where it is cheap to do so.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "hpo/core/study_view.h"

namespace samplers {

class EnergyCostModel {
 public:
  struct Options {
    int min_trials = 3;            // below this, every point costs the same (median)
    double min_kwh = 1e-12;        // floor so that log() and divisions stay finite
    bool linear_trend = true;      // ridge linear trend in log kWh (else kernel regression only)
    double ridge = 0.1;            // L2 penalty of the trend's slopes (unit inputs)
    std::string validate() const;
  };

  EnergyCostModel();
  explicit EnergyCostModel(Options options) : options_(options) {}

  // Fits on the finished trials of `study` that report energy_kwh > 0.
  void fit(const hpo::StudyView& study);
  // Predicted energy_kwh at `params` (> 0).
  double predict_kwh(const hpo::SearchSpace& space, const hpo::Params& params) const;
  // Predicted log(energy_kwh) at `params`.
  double predict_log_kwh(const hpo::SearchSpace& space, const hpo::Params& params) const;
  // alpha for cost cooling given the fraction of the (trial) budget used so far, in [0, 1].
  static double cooling_exponent(double budget_used_fraction);
  bool fitted() const { return !log_kwh_.empty(); }
  // True when predictions vary over the space (enough trials for the trend or kernel model).
  bool informative() const { return static_cast<int>(log_kwh_.size()) >= options_.min_trials; }

  // Cost-effective initial design: the index of the candidate maximizing
  //   log(distance to the nearest of `existing`) - cost_weight * log(predicted kWh),
  // distances in the unit encoding (a candidate equal to an existing point scores -inf);
  // with no existing points only the cost counts. `candidates` must not be empty; ties keep
  // the earlier candidate, so the choice is a deterministic function of the inputs.
  std::size_t pick_cost_effective(const hpo::SearchSpace& space,
                                  const std::vector<hpo::Params>& candidates,
                                  const std::vector<hpo::Params>& existing,
                                  double cost_weight) const;

 private:
  Options options_;
  std::vector<std::vector<double>> x_;  // unit encoding of finished trials
  std::vector<double> log_kwh_;
  std::vector<double> residual_;        // log_kwh_ minus the linear trend
  std::vector<double> slope_, x_mean_;  // trend: mean_log + slope . (x - x_mean)
  double mean_log_kwh_ = 0.0;
  double median_log_kwh_ = 0.0;
  double bandwidth_ = 0.2;
};

}  // namespace samplers
