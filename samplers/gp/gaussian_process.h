// Gaussian-process regression (Rasmussen & Williams, 2006, "Gaussian Processes for Machine
// Learning", algorithm 2.1) with a Matérn-5/2 ARD kernel, zero prior mean on standardized
// targets and Gaussian observation noise.
//
// Built for a Bayesian-optimization loop, so the cost grows gently with the data:
// - fit(): one Cholesky factorization K + noise*I = L L^T, O(n^3);
// - add_point(): extends L by one row (rank-1 Cholesky extension), O(n^2), used for new
//   observations between hyperparameter refits and for kriging-believer fantasies;
// - set_targets(): new targets for the same inputs (re-standardized y), O(n^2);
// - predict(): latent mean and variance at x, with their gradients with respect to x, O(n^2);
// - predict_batch(): many candidates at once with a triangular solve on a matrix (BLAS-3).
//
//   GaussianProcess gp(Matern52Kernel::from_log(theta), 1e-4);
//   if (auto r = gp.fit(X, y); !r) ...;   // X: D x n, one column per observation
//   Prediction p = gp.predict(x, /*with_gradient=*/true);
#pragma once

#include <Eigen/Core>

#include "hpo/base/result.h"
#include "samplers/gp/matern52_kernel.h"

namespace samplers::gp {

struct Prediction {
  double mean = 0.0;
  double var = 0.0;              // latent (noise-free) variance, >= 0
  Eigen::VectorXd mean_grad;     // d mean / dx (empty unless requested)
  Eigen::VectorXd var_grad;      // d var / dx
};

class GaussianProcess {
 public:
  GaussianProcess(Matern52Kernel kernel, double noise_var)
      : kernel_(std::move(kernel)), noise_var_(noise_var) {}

  // Factorizes the kernel matrix of `x` (D x n). Fails when it is not positive definite even
  // after adding jitter.
  hpo::Result<void> fit(const Eigen::MatrixXd& x, const Eigen::VectorXd& y);
  // Appends one observation, extending the Cholesky factor in O(n^2).
  hpo::Result<void> add_point(const Eigen::VectorXd& x, double y);
  // Replaces the targets (same inputs, same order).
  void set_targets(const Eigen::VectorXd& y);

  Prediction predict(const Eigen::VectorXd& x, bool with_gradient) const;
  // Mean and latent variance at each column of `xc` (D x m).
  void predict_batch(const Eigen::MatrixXd& xc, Eigen::VectorXd* mean, Eigen::VectorXd* var) const;

  Eigen::Index size() const { return x_.cols(); }
  Eigen::Index dim() const { return kernel_.dim(); }
  const Matern52Kernel& kernel() const { return kernel_; }
  double noise_var() const { return noise_var_; }
  const Eigen::MatrixXd& inputs() const { return x_; }
  const Eigen::VectorXd& targets() const { return y_; }

 private:
  void solve_alpha();

  Matern52Kernel kernel_;
  double noise_var_;
  double jitter_ = 0.0;     // extra diagonal added when the factorization needed it
  Eigen::MatrixXd x_;       // D x n
  Eigen::VectorXd y_;       // n
  Eigen::MatrixXd l_;       // n x n lower Cholesky factor of K + (noise + jitter) I
  Eigen::VectorXd alpha_;   // (K + noise I)^-1 y
};

}  // namespace samplers::gp
