// EnergyCostModel: predicts the energy a configuration will use from the trials measured so
// far, for energy-aware acquisition (expected improvement per unit cost with cost cooling,
// Lee, Eriksson, Perrone & Seeger, 2020, "Cost-aware Bayesian optimization", CArBO).
// Used by `tpe` and `gp` with `energy_aware: true`.
//
// Model: Nadaraya-Watson kernel regression of log(energy_kwh) on the unit encoding of the
// finished trials (Gaussian kernel, bandwidth from Scott's rule), falling back to the median
// with few trials. Cost cooling: the acquisition is divided by cost^alpha with
// alpha = (budget_left / budget_total), so cheap configurations are explored first and the
// preference fades as the budget is spent.
#pragma once

#include <string>
#include <vector>

#include "hpo/study_view.h"

namespace samplers {

class EnergyCostModel {
 public:
  struct Options {
    int min_trials = 3;            // below this, every point costs the same (median)
    double min_kwh = 1e-12;        // floor so that log() and divisions stay finite
    std::string validate() const;
  };

  EnergyCostModel();
  explicit EnergyCostModel(Options options) : options_(options) {}

  // Fits on the finished trials of `study` that report energy_kwh > 0.
  void fit(const hpo::StudyView& study);
  // Predicted energy_kwh at `params` (> 0).
  double predict_kwh(const hpo::SearchSpace& space, const hpo::Params& params) const;
  // alpha for cost cooling given the fraction of the (trial) budget used so far, in [0, 1].
  static double cooling_exponent(double budget_used_fraction);
  bool fitted() const { return !log_kwh_.empty(); }

 private:
  Options options_;
  std::vector<std::vector<double>> x_;  // unit encoding of finished trials
  std::vector<double> log_kwh_;
  double median_log_kwh_ = 0.0;
  double bandwidth_ = 0.2;
};

}  // namespace samplers
