// Tree-structured Parzen Estimator (Bergstra, Bardenet, Bengio & Kégl, 2011, "Algorithms for
// hyper-parameter optimization"): the finished trials are split into a good group (the best
// gamma fraction) and a bad group; a Parzen estimator l(x) is fitted to the good and g(x) to
// the bad ones (samplers/detail/parzen_estimator.h); n_ei_candidates draws from l are scored
// by log l(x) - log g(x), which is monotone in expected improvement, and the best is proposed.
//
// - multivariate: one joint estimator over the unconditional parameters (Falkner, Klein &
//   Hutter, 2018, "BOHB"), so correlated parameters are modelled together; conditional
//   parameters get their own one-dimensional estimators fitted on the trials where they are
//   active. multivariate: false models every parameter on its own, as Bergstra et al.
// - Several objectives (MOTPE, Ozaki, Tanigaki, Watanabe & Onishi, 2020/2022): the good group
//   is filled front by front in non-domination rank; the front that does not fit is cut by
//   hypervolume contribution.
// - Failed and pruned trials count as bad (the configuration did not work or was stopped as
//   unpromising); interrupted trials are ignored (they are re-run). Constant liar: running
//   trials join the bad group, so parallel proposals move away from them; a proposal equal to
//   a running trial's values is never returned.
// - energy_aware (CArBO, Lee et al., 2020): each candidate's score is reduced by
//   cost_exponent * alpha * log(predicted energy_kwh), alpha cooling from 1 to 0 as trials are
//   spent (budget_trials), using samplers::EnergyCostModel; start-up trials after the first
//   few follow a cost-effective initial design (EnergyCostModel::pick_cost_effective).
//
//   sampler: {type: tpe, seed: 7, n_startup_trials: 10, multivariate: true}
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "hpo/core/component_spec.h"
#include "hpo/core/sampler.h"

namespace samplers {

class TpeSampler final : public hpo::Sampler {
 public:
  struct Options {
    std::uint64_t seed = 0;
    int n_startup_trials = 10;   // random trials before the model is used
    int n_ei_candidates = 24;    // draws from l(x) scored per proposal
    double gamma = 0.10;         // fraction of finished trials in the good group ...
    int max_good = 25;           // ... capped at this many (Optuna's default gamma)
    double prior_weight = 1.0;   // weight of the wide prior component
    bool consider_endpoints = false;  // bandwidths of extreme points use both neighbours
    bool multivariate = true;    // joint estimator over the unconditional parameters
    bool constant_liar = true;   // running trials count as bad
    bool energy_aware = false;   // divide acquisition by predicted energy^alpha (CArBO)
    int budget_trials = 100;     // trial budget for cost cooling (the study's, when known)
    double cost_exponent = 2.0;  // energy-aware: cost^(cost_exponent * alpha) divides the EI
    int startup_candidates = 16; // energy-aware start-up: random draws per cost-effective pick
    std::string validate() const;  // "" or "field: rule"
  };

  explicit TpeSampler(Options options) : options_(options) {}
  hpo::Params suggest(const hpo::StudyView& study, std::int64_t trial_number) override;
  std::string_view name() const override { return "tpe"; }

  const Options& options() const { return options_; }
  // `budget_trials` defaults to the study's trial budget when the context knows it.
  static std::unique_ptr<hpo::Sampler> create(const hpo::ComponentSpec& spec,
                                              int study_budget_trials = 0);

 private:
  Options options_;
};

}  // namespace samplers
