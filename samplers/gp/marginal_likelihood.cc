#include "samplers/gp/marginal_likelihood.h"

#include <cmath>
#include <limits>
#include <stdexcept>

#include <Eigen/Cholesky>
#include <Eigen/Dense>
#include <LBFGSB.h>

#include "samplers/gp/matern52_kernel.h"

namespace samplers::gp {
namespace {

constexpr double kLog2Pi = 1.8378770664093454836;

void add_normal_prior(double v, double mean, double sd, double* lp, double* g) {
  const double z = (v - mean) / sd;
  *lp += -0.5 * z * z;
  *g += -z / sd;
}

void bounds(Eigen::Index d, const HyperPrior& p, Eigen::VectorXd* lb, Eigen::VectorXd* ub) {
  lb->resize(d + 2);
  ub->resize(d + 2);
  lb->head(d).setConstant(std::log(p.min_length));
  ub->head(d).setConstant(std::log(p.max_length));
  (*lb)(d) = std::log(p.min_signal);
  (*ub)(d) = std::log(p.max_signal);
  (*lb)(d + 1) = std::log(p.min_noise);
  (*ub)(d + 1) = std::log(p.max_noise);
}

}  // namespace

double log_posterior(const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                     const Eigen::VectorXd& theta, const HyperPrior& prior, Eigen::VectorXd* grad) {
  const Eigen::Index n = x.cols();
  const Eigen::Index d = x.rows();
  const Matern52Kernel kernel = Matern52Kernel::from_log(theta.head(d + 1));
  const double noise = std::exp(theta(d + 1));
  Eigen::MatrixXd k(n, n);
  for (Eigen::Index j = 0; j < n; ++j)
    for (Eigen::Index i = j; i < n; ++i) k(i, j) = k(j, i) = kernel(x.col(i), x.col(j));
  k.diagonal().array() += noise;
  Eigen::LLT<Eigen::MatrixXd> llt(k);
  if (llt.info() != Eigen::Success) {
    if (grad) grad->setZero(theta.size());
    return -std::numeric_limits<double>::infinity();
  }
  const Eigen::VectorXd alpha = llt.solve(y);
  const Eigen::MatrixXd l = llt.matrixL();
  double lp = -0.5 * y.dot(alpha) - l.diagonal().array().log().sum() - 0.5 * n * kLog2Pi;

  Eigen::VectorXd g = Eigen::VectorXd::Zero(theta.size());
  if (grad) {
    // W = alpha alpha^T - K^-1; dlp/dtheta_j = 1/2 sum_ik W_ik dK_ik/dtheta_j.
    Eigen::MatrixXd w = -llt.solve(Eigen::MatrixXd::Identity(n, n));
    w.noalias() += alpha * alpha.transpose();
    Eigen::VectorXd dk(d + 1);
    for (Eigen::Index j = 0; j < n; ++j) {
      for (Eigen::Index i = j + 1; i < n; ++i) {
        kernel.gradient_theta(x.col(i), x.col(j), dk);
        g.head(d + 1) += w(i, j) * dk;  // off-diagonal pairs count twice, times 1/2
      }
    }
    // Diagonal: r = 0, so only the signal variance and the noise contribute.
    const double trace_w = w.trace();
    g(d) += 0.5 * trace_w * kernel.signal_var();
    g(d + 1) += 0.5 * trace_w * noise;
  }
  double dummy = 0.0;
  for (Eigen::Index i = 0; i < d; ++i)
    add_normal_prior(theta(i), prior.log_length_mean, prior.log_length_sd, &lp, grad ? &g(i) : &dummy);
  add_normal_prior(theta(d), prior.log_signal_mean, prior.log_signal_sd, &lp, grad ? &g(d) : &dummy);
  add_normal_prior(theta(d + 1), prior.log_noise_mean, prior.log_noise_sd, &lp,
                   grad ? &g(d + 1) : &dummy);
  if (grad) *grad = g;
  return lp;
}

Eigen::VectorXd default_theta(Eigen::Index d, const HyperPrior& prior) {
  Eigen::VectorXd t(d + 2);
  t.head(d).setConstant(prior.log_length_mean);
  t(d) = prior.log_signal_mean;
  t(d + 1) = std::max(prior.log_noise_mean, std::log(prior.min_noise));
  return t;
}

FitResult fit_hyperparameters(const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                              const std::vector<Eigen::VectorXd>& starts, const HyperPrior& prior,
                              int max_iterations) {
  const Eigen::Index d = x.rows();
  Eigen::VectorXd lb, ub;
  bounds(d, prior, &lb, &ub);
  LBFGSpp::LBFGSBParam<double> param;
  param.max_iterations = max_iterations;
  param.epsilon = 1e-5;
  param.epsilon_rel = 1e-5;
  param.past = 2;
  param.delta = 1e-7;
  param.max_linesearch = 30;

  FitResult best{starts.empty() ? default_theta(d, prior) : starts.front(),
                 -std::numeric_limits<double>::infinity()};
  for (const Eigen::VectorXd& start : starts) {
    Eigen::VectorXd theta = start.cwiseMax(lb).cwiseMin(ub);
    // Track the best point evaluated: a line-search failure still leaves a usable optimum.
    Eigen::VectorXd seen_theta = theta;
    double seen_lp = -std::numeric_limits<double>::infinity();
    auto objective = [&](const Eigen::VectorXd& t, Eigen::VectorXd& g) {
      const double lp = log_posterior(x, y, t, prior, &g);
      if (!std::isfinite(lp)) {
        g.setZero();
        return 1e300;
      }
      if (lp > seen_lp) {
        seen_lp = lp;
        seen_theta = t;
      }
      g = -g;
      return -lp;
    };
    LBFGSpp::LBFGSBSolver<double> solver(param);
    double fx = 0.0;
    try {
      solver.minimize(objective, theta, fx, lb, ub);
    } catch (const std::runtime_error&) {
      // LBFGSpp reports line-search trouble by throwing; the best point seen is kept.
    } catch (const std::logic_error&) {
    }
    if (seen_lp > best.log_posterior) best = FitResult{seen_theta, seen_lp};
  }
  return best;
}

}  // namespace samplers::gp
