// Hyperparameter fitting for the GP: maximize the log marginal likelihood plus weak log-normal
// priors (a MAP estimate, which keeps length scales and noise away from degenerate values on
// the few points a BO run has), Rasmussen & Williams (2006), eq. 5.8-5.9:
//
//   log p(y | X, theta) = -1/2 y^T K^-1 y - 1/2 log|K| - n/2 log 2pi
//   d/dtheta_j = 1/2 tr((alpha alpha^T - K^-1) dK/dtheta_j),   alpha = K^-1 y
//
// theta = [log l_1 .. log l_D, log s2, log noise]. The optimizer is L-BFGS-B from LBFGSpp
// (Debian liblbfgspp-dev, header-only, maintained, with box bounds), run from several starts;
// the best finite optimum wins, ties broken by start order, so the result is deterministic.
#pragma once

#include <vector>

#include <Eigen/Core>

namespace samplers::gp {

struct HyperPrior {
  double log_length_mean = -0.7;  // prior median length scale ~0.5 of the unit cube
  double log_length_sd = 1.5;
  double log_signal_mean = 0.0;   // targets are standardized: s2 ~ 1
  double log_signal_sd = 1.5;
  double log_noise_mean = -9.2;   // ~1e-4: most objectives are nearly deterministic
  double log_noise_sd = 3.0;
  // Box bounds for L-BFGS-B.
  double min_length = 1e-2, max_length = 1e2;
  double min_signal = 1e-2, max_signal = 1e2;
  double min_noise = 1e-8, max_noise = 1.0;
};

// Log marginal likelihood plus log prior at theta; fills `grad` (same size as theta) when not
// null. Returns -infinity when the kernel matrix cannot be factorized.
double log_posterior(const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                     const Eigen::VectorXd& theta, const HyperPrior& prior, Eigen::VectorXd* grad);

// The default starting point for D input dimensions (prior means).
Eigen::VectorXd default_theta(Eigen::Index d, const HyperPrior& prior);

struct FitResult {
  Eigen::VectorXd theta;
  double log_posterior = 0.0;
};

// Maximizes log_posterior from each start (clamped into the bounds) with L-BFGS-B, at most
// `max_iterations` iterations each. Returns the best; the first start's point if all fail.
FitResult fit_hyperparameters(const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                              const std::vector<Eigen::VectorXd>& starts, const HyperPrior& prior,
                              int max_iterations = 60);

}  // namespace samplers::gp
