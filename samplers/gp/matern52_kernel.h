// Matérn-5/2 kernel with automatic relevance determination (one length scale per input
// dimension), the default covariance for Bayesian optimization since Snoek, Larochelle & Adams
// (2012), "Practical Bayesian optimization of machine learning algorithms":
//
//   k(x, y) = s2 * (1 + sqrt5 r + 5/3 r^2) * exp(-sqrt5 r),  r^2 = sum_d (x_d - y_d)^2 / l_d^2
//
// Hyperparameters live in log space, theta = [log l_1 .. log l_D, log s2] (the GP adds the
// noise variance). Derivatives are closed-form and finite at r = 0:
//   dk/dlog l_d = s2 * 5/3 (1 + sqrt5 r) exp(-sqrt5 r) (x_d - y_d)^2 / l_d^2
//   dk/dx_d     = -s2 * 5/3 (1 + sqrt5 r) exp(-sqrt5 r) (x_d - y_d) / l_d^2
// Header-only: every function is small and sits in the GP's inner loops.
#pragma once

#include <cmath>

#include <Eigen/Core>

namespace samplers::gp {

class Matern52Kernel {
 public:
  // Length scales l_d (> 0, one per dimension) and signal variance s2 (> 0).
  Matern52Kernel(Eigen::VectorXd length_scales, double signal_var)
      : inv_l2_(length_scales.array().square().inverse().matrix()), signal_var_(signal_var) {}

  // From log-space hyperparameters [log l_1 .. log l_D, log s2].
  static Matern52Kernel from_log(const Eigen::VectorXd& theta) {
    const auto d = theta.size() - 1;
    return Matern52Kernel(theta.head(d).array().exp().matrix(), std::exp(theta(d)));
  }

  Eigen::Index dim() const { return inv_l2_.size(); }
  double signal_var() const { return signal_var_; }
  const Eigen::VectorXd& inv_length_scales_sq() const { return inv_l2_; }

  double operator()(const Eigen::Ref<const Eigen::VectorXd>& x,
                    const Eigen::Ref<const Eigen::VectorXd>& y) const {
    const double r = std::sqrt(scaled_dist2(x, y));
    return signal_var_ * (1.0 + kSqrt5 * r + (5.0 / 3.0) * r * r) * std::exp(-kSqrt5 * r);
  }

  // g(r) = s2 * 5/3 (1 + sqrt5 r) exp(-sqrt5 r): the common factor of both derivatives.
  double derivative_factor(double r) const {
    return signal_var_ * (5.0 / 3.0) * (1.0 + kSqrt5 * r) * std::exp(-kSqrt5 * r);
  }

  // Squared scaled distance r^2.
  double scaled_dist2(const Eigen::Ref<const Eigen::VectorXd>& x,
                      const Eigen::Ref<const Eigen::VectorXd>& y) const {
    return ((x - y).array().square() * inv_l2_.array()).sum();
  }

  // dk(x, y)/dx, written into `grad` (size D).
  void gradient_x(const Eigen::Ref<const Eigen::VectorXd>& x,
                  const Eigen::Ref<const Eigen::VectorXd>& y, Eigen::Ref<Eigen::VectorXd> grad) const {
    const double r = std::sqrt(scaled_dist2(x, y));
    grad = -derivative_factor(r) * ((x - y).array() * inv_l2_.array()).matrix();
  }

  // dk(x, y)/dtheta for theta = [log l_1 .. log l_D, log s2], written into `grad` (size D+1).
  void gradient_theta(const Eigen::Ref<const Eigen::VectorXd>& x,
                      const Eigen::Ref<const Eigen::VectorXd>& y,
                      Eigen::Ref<Eigen::VectorXd> grad) const {
    const double r2 = scaled_dist2(x, y);
    const double r = std::sqrt(r2);
    const auto d = dim();
    grad.head(d) = derivative_factor(r) * ((x - y).array().square() * inv_l2_.array()).matrix();
    grad(d) = signal_var_ * (1.0 + kSqrt5 * r + (5.0 / 3.0) * r2) * std::exp(-kSqrt5 * r);
  }

  static constexpr double kSqrt5 = 2.23606797749978969640917366873;

 private:
  Eigen::VectorXd inv_l2_;
  double signal_var_;
};

}  // namespace samplers::gp
