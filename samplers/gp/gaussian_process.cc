#include "samplers/gp/gaussian_process.h"

#include <algorithm>
#include <cmath>

#include <Eigen/Cholesky>
#include <Eigen/Dense>

namespace samplers::gp {

hpo::Result<void> GaussianProcess::fit(const Eigen::MatrixXd& x, const Eigen::VectorXd& y) {
  x_ = x;
  y_ = y;
  const Eigen::Index n = x.cols();
  Eigen::MatrixXd k(n, n);
  for (Eigen::Index j = 0; j < n; ++j) {
    for (Eigen::Index i = j; i < n; ++i) k(i, j) = k(j, i) = kernel_(x.col(i), x.col(j));
  }
  // Escalating jitter, as GPyTorch's psd_safe_cholesky does, before giving up.
  for (double jitter : {0.0, 1e-10, 1e-8, 1e-6, 1e-4}) {
    Eigen::MatrixXd kk = k;
    kk.diagonal().array() += noise_var_ + jitter * kernel_.signal_var();
    Eigen::LLT<Eigen::MatrixXd> llt(kk);
    if (llt.info() == Eigen::Success) {
      l_ = llt.matrixL();
      jitter_ = jitter * kernel_.signal_var();
      solve_alpha();
      return {};
    }
  }
  return hpo::make_error("kernel matrix is not positive definite (n=" + std::to_string(n) + ")");
}

hpo::Result<void> GaussianProcess::add_point(const Eigen::VectorXd& x, double y) {
  const Eigen::Index n = size();
  Eigen::VectorXd kx(n);
  for (Eigen::Index i = 0; i < n; ++i) kx(i) = kernel_(x_.col(i), x);
  Eigen::VectorXd v = kx;
  if (n > 0) l_.triangularView<Eigen::Lower>().solveInPlace(v);
  const double d2 = kernel_.signal_var() + noise_var_ + jitter_ - v.squaredNorm();
  if (!(d2 > 1e-12 * kernel_.signal_var())) {
    return hpo::make_error("rank-1 Cholesky extension lost positive definiteness");
  }
  x_.conservativeResize(Eigen::NoChange, n + 1);
  x_.col(n) = x;
  y_.conservativeResize(n + 1);
  y_(n) = y;
  l_.conservativeResize(n + 1, n + 1);
  l_.col(n).setZero();
  l_.row(n).head(n) = v.transpose();
  l_(n, n) = std::sqrt(d2);
  solve_alpha();
  return {};
}

void GaussianProcess::set_targets(const Eigen::VectorXd& y) {
  y_ = y;
  solve_alpha();
}

void GaussianProcess::solve_alpha() {
  alpha_ = y_;
  if (alpha_.size() == 0) return;
  l_.triangularView<Eigen::Lower>().solveInPlace(alpha_);
  l_.triangularView<Eigen::Lower>().transpose().solveInPlace(alpha_);
}

Prediction GaussianProcess::predict(const Eigen::VectorXd& x, bool with_gradient) const {
  const Eigen::Index n = size();
  const Eigen::Index d = dim();
  Prediction p;
  Eigen::VectorXd kx(n);
  Eigen::VectorXd r(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    const double r2 = kernel_.scaled_dist2(x_.col(i), x);
    r(i) = std::sqrt(r2);
    kx(i) = kernel_.signal_var() * (1.0 + Matern52Kernel::kSqrt5 * r(i) + (5.0 / 3.0) * r2) *
            std::exp(-Matern52Kernel::kSqrt5 * r(i));
  }
  p.mean = n > 0 ? kx.dot(alpha_) : 0.0;
  Eigen::VectorXd v = kx;
  if (n > 0) l_.triangularView<Eigen::Lower>().solveInPlace(v);
  p.var = std::max(kernel_.signal_var() - v.squaredNorm(), 0.0);
  if (!with_gradient) return p;
  // dk_i/dx = -g(r_i) (x - x_i) / l^2  ->  J (n x D)
  Eigen::MatrixXd jac(n, d);
  for (Eigen::Index i = 0; i < n; ++i) {
    jac.row(i) = (-kernel_.derivative_factor(r(i)) *
                  ((x - x_.col(i)).array() * kernel_.inv_length_scales_sq().array()))
                     .matrix()
                     .transpose();
  }
  p.mean_grad = jac.transpose() * alpha_;
  // var = s2 - k^T (LL^T)^-1 k  ->  dvar/dx = -2 J^T (LL^T)^-1 k
  Eigen::VectorXd w = v;
  if (n > 0) l_.triangularView<Eigen::Lower>().transpose().solveInPlace(w);
  p.var_grad = -2.0 * (jac.transpose() * w);
  return p;
}

void GaussianProcess::predict_batch(const Eigen::MatrixXd& xc, Eigen::VectorXd* mean,
                                    Eigen::VectorXd* var) const {
  const Eigen::Index n = size();
  const Eigen::Index m = xc.cols();
  Eigen::MatrixXd kxc(n, m);
  for (Eigen::Index j = 0; j < m; ++j)
    for (Eigen::Index i = 0; i < n; ++i) kxc(i, j) = kernel_(x_.col(i), xc.col(j));
  *mean = n > 0 ? Eigen::VectorXd(kxc.transpose() * alpha_) : Eigen::VectorXd::Zero(m);
  if (n > 0) l_.triangularView<Eigen::Lower>().solveInPlace(kxc);
  *var = (kernel_.signal_var() - kxc.colwise().squaredNorm().array()).max(0.0).matrix().transpose();
}

}  // namespace samplers::gp
