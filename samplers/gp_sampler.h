// Gaussian-process Bayesian optimization (Snoek, Larochelle & Adams, 2012; Jones, Schonlau &
// Welch, 1998): a Matérn-5/2 ARD GP per objective on the unit/one-hot encoding of the space
// (samplers/gp/encoding.h), standardized outputs, hyperparameters by maximum a posteriori
// marginal likelihood (samplers/gp/marginal_likelihood.h), and
//   1 objective:   log expected improvement (Ament et al., 2023);
//   2 objectives:  exact expected hypervolume improvement (Emmerich et al., 2006; Yang et
//                  al., 2019), in log space;
//   3+ objectives: ParEGO (Knowles, 2006): one GP on a random augmented-Chebyshev
//                  scalarization per proposal, then log EI.
// The acquisition is maximized by parallel multi-start L-BFGS-B (acquisition_optimizer.h).
//
// Cost: hyperparameters are refitted every `refit_every` observations up to
// `dense_refit_until`, then each time the number of observations doubles, on at most
// `max_fit_points` of them; between refits each new observation extends the Cholesky factor
// in O(n^2). Running trials are added as kriging-believer fantasies (posterior mean as the
// observation) so parallel proposals differ. Failed, pruned and interrupted trials are left
// out of the regression. With `energy_aware: true` the log acquisition is reduced by
// alpha * log(predicted kWh), alpha cooling from cost_exponent to 0 over the trial budget
// (CArBO, Lee et al., 2020), the cost predicted by samplers/energy_cost_model.h, and start-up
// trials after the first few follow its cost-effective initial design.
//
//   sampler: {type: gp, seed: 7, n_startup_trials: 10, energy_aware: true}
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "hpo/core/component_spec.h"
#include "hpo/core/registry.h"
#include "hpo/core/sampler.h"

namespace samplers {

namespace gp { class GaussianProcess; }

class GpSampler final : public hpo::Sampler {
 public:
  struct Options {
    std::uint64_t seed = 0;
    int n_startup_trials = 10;     // random trials (by completed count) before the GP is used
    int refit_every = 5;           // refit hyperparameters every k observations ...
    int dense_refit_until = 100;   // ... up to this many, then each time n doubles
    int max_fit_points = 200;      // hyperparameters are fitted on a seeded subset this large
    int fit_restarts = 2;          // random restarts besides the prior-mean start
    int n_candidates = 512;        // random screening points per proposal (scaled by 256/n
                                   // beyond 256 observations, at least 64)
    int n_starts = 8;              // L-BFGS-B starts (half random, half near the best points)
    int max_iterations = 25;       // L-BFGS-B iterations per start
    bool energy_aware = false;     // divide the acquisition by predicted cost^alpha (CArBO)
    std::int64_t cost_budget_trials = 0;  // trials over which alpha cools 1 -> 0; 0: the
                                          // study's trial budget, or 100 without one
    double cost_exponent = 2.0;    // energy-aware: alpha = cost_exponent * (1 - used/budget)
    int startup_candidates = 16;   // energy-aware start-up: random draws per cost-effective pick
    double parego_rho = 0.05;      // augmentation of the Chebyshev scalarization
    std::string validate() const;
  };

  explicit GpSampler(Options options);
  ~GpSampler() override;
  hpo::Params suggest(const hpo::StudyView& study, std::int64_t trial_number) override;
  std::string_view name() const override { return "gp"; }

  static std::unique_ptr<hpo::Sampler> create(const hpo::ComponentSpec& spec,
                                              const hpo::FactoryContext& context);

  // The observation count at which the hyperparameters used with n observations were fitted.
  std::int64_t refit_point(std::int64_t n) const;

 private:
  struct Cache;
  Options options_;
  std::unique_ptr<Cache> cache_;
};

}  // namespace samplers
