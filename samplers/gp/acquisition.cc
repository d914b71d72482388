#include "samplers/gp/acquisition.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace samplers::gp {
namespace {

constexpr double kInvSqrt2 = 0.70710678118654752440;
constexpr double kLogSqrt2Pi = 0.91893853320467274178;   // log sqrt(2 pi)
constexpr double kLogSqrtPiOver2 = 0.22579135264472743236;  // log sqrt(pi / 2)
constexpr double kInvSqrtPi = 0.56418958354775628695;

// log(1 - exp(x)) for x < 0 (Mächler, 2012).
double log1mexp(double x) {
  return x > -0.6931471805599453 ? std::log(-std::expm1(x)) : std::log1p(-std::exp(x));
}

double log_add_exp(double a, double b) {
  if (a == -std::numeric_limits<double>::infinity()) return b;
  if (b == -std::numeric_limits<double>::infinity()) return a;
  const double m = std::max(a, b);
  return m + std::log1p(std::exp(-std::abs(a - b)));
}

}  // namespace

double erfcx(double x) {
  if (x < 25.0) return std::exp(x * x) * std::erfc(x);
  // Asymptotic series 1/(x sqrt(pi)) (1 - 1/(2x^2) + 3/(4x^4) - 15/(8x^6) + 105/(16x^8)).
  const double t = 1.0 / (2.0 * x * x);
  return kInvSqrtPi / x * (1.0 - t * (1.0 - 3.0 * t * (1.0 - 5.0 * t * (1.0 - 7.0 * t))));
}

double log_ndtr(double z) {
  if (z > -5.0) return std::log(0.5 * std::erfc(-z * kInvSqrt2));
  // Phi(z) = 1/2 erfcx(-z/sqrt2) exp(-z^2/2)
  return std::log(0.5 * erfcx(-z * kInvSqrt2)) - 0.5 * z * z;
}

double log_h(double z) {
  if (z > -1.0) {
    const double cdf = 0.5 * std::erfc(-z * kInvSqrt2);
    const double pdf = std::exp(-0.5 * z * z - kLogSqrt2Pi);
    return std::log(z * cdf + pdf);
  }
  if (z > -1e8) {
    // h(z) = phi(z) (1 - |z| erfcx(|z|/sqrt2) sqrt(pi/2))  (Ament et al., eq. 9)
    const double a = -z;
    return -0.5 * z * z - kLogSqrt2Pi + log1mexp(std::log(a * erfcx(a * kInvSqrt2)) + kLogSqrtPiOver2);
  }
  // h(z) ~ phi(z) / z^2 for z -> -infinity.
  return -0.5 * z * z - kLogSqrt2Pi - 2.0 * std::log(-z);
}

LogEi log_expected_improvement(double mean, double sigma, double best) {
  const double z = (best - mean) / sigma;
  const double lh = log_h(z);
  LogEi out;
  out.value = std::log(sigma) + lh;
  // h'(z) = Phi(z): d log h / dz = Phi(z) / h(z), evaluated in log space.
  const double ratio = std::exp(log_ndtr(z) - lh);
  out.d_mean = -ratio / sigma;
  out.d_sigma = 1.0 / sigma - ratio * z / sigma;
  return out;
}

Front2d make_front_2d(const std::vector<std::array<double, 2>>& points,
                      std::array<double, 2> reference) {
  std::vector<std::array<double, 2>> inside;
  for (const auto& p : points)
    if (p[0] < reference[0] && p[1] < reference[1]) inside.push_back(p);
  std::sort(inside.begin(), inside.end());
  Front2d f;
  f.reference = reference;
  double best_second = std::numeric_limits<double>::infinity();
  for (const auto& p : inside) {
    if (p[1] < best_second) {  // sorted by first objective: keep strict improvements in the second
      f.points.push_back(p);
      best_second = p[1];
    }
  }
  return f;
}

namespace {

// The boxes of the non-dominated region: [l0, u0) x [-inf, u1).
struct Box {
  double l0, u0, u1;
};

std::vector<Box> boxes(const Front2d& f) {
  std::vector<Box> out;
  const auto& p = f.points;
  const double inf = std::numeric_limits<double>::infinity();
  if (p.empty()) {
    out.push_back({-inf, f.reference[0], f.reference[1]});
    return out;
  }
  out.push_back({-inf, p[0][0], f.reference[1]});
  for (std::size_t i = 0; i + 1 < p.size(); ++i) out.push_back({p[i][0], p[i + 1][0], p[i][1]});
  out.push_back({p.back()[0], f.reference[0], p.back()[1]});
  return out;
}

// log E[(u - max(Y, l))+] = log sigma + log(h(zu) - h(zl)).
double log_box_factor(double l, double u, double mean, double sigma) {
  const double lhu = log_h((u - mean) / sigma);
  if (l == -std::numeric_limits<double>::infinity()) return std::log(sigma) + lhu;
  const double lhl = log_h((l - mean) / sigma);
  if (!(lhl < lhu)) return -std::numeric_limits<double>::infinity();
  return std::log(sigma) + lhu + log1mexp(lhl - lhu);
}

}  // namespace

double log_ehvi_2d(const Front2d& front, std::array<double, 2> mean, std::array<double, 2> sigma) {
  double total = -std::numeric_limits<double>::infinity();
  for (const Box& b : boxes(front)) {
    const double a = log_box_factor(b.l0, b.u0, mean[0], sigma[0]);
    const double c = log_box_factor(-std::numeric_limits<double>::infinity(), b.u1, mean[1], sigma[1]);
    total = log_add_exp(total, a + c);
  }
  return total;
}

double hvi_2d(const Front2d& front, std::array<double, 2> y) {
  double total = 0.0;
  for (const Box& b : boxes(front)) {
    const double w = b.u0 - std::max(y[0], b.l0);
    const double h = b.u1 - y[1];
    if (w > 0 && h > 0) total += w * h;
  }
  return total;
}

std::vector<double> random_simplex_weights(std::size_t m, std::mt19937_64& rng) {
  std::exponential_distribution<double> e(1.0);
  std::vector<double> w(m);
  double s = 0.0;
  for (auto& v : w) s += (v = e(rng));
  for (auto& v : w) v /= s;
  return w;
}

Eigen::VectorXd parego_scalarize(const Eigen::MatrixXd& f, const std::vector<double>& weights,
                                 double rho) {
  const Eigen::Index n = f.rows(), m = f.cols();
  Eigen::VectorXd out(n);
  const Eigen::RowVectorXd lo = f.colwise().minCoeff();
  const Eigen::RowVectorXd hi = f.colwise().maxCoeff();
  for (Eigen::Index i = 0; i < n; ++i) {
    double mx = -std::numeric_limits<double>::infinity(), sum = 0.0;
    for (Eigen::Index j = 0; j < m; ++j) {
      const double range = hi(j) - lo(j);
      const double v = weights[static_cast<std::size_t>(j)] * (range > 0 ? (f(i, j) - lo(j)) / range : 0.0);
      mx = std::max(mx, v);
      sum += v;
    }
    out(i) = mx + rho * sum;
  }
  return out;
}

}  // namespace samplers::gp
