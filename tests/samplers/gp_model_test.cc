// GP building blocks: kernel and marginal-likelihood gradients against central finite
// differences (as limbo's test_kernel does), the posterior on a hand-checkable data set,
// log EI against the direct formula and in the underflow regime, 2-D EHVI against Monte Carlo.
#include <cmath>
#include <random>

#include <gtest/gtest.h>

#include "samplers/gp/acquisition.h"
#include "samplers/gp/gaussian_process.h"
#include "samplers/gp/marginal_likelihood.h"
#include "samplers/gp/matern52_kernel.h"

namespace samplers::gp {
namespace {

Eigen::MatrixXd random_inputs(int d, int n, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  Eigen::MatrixXd x(d, n);
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < d; ++i) x(i, j) = u(rng);
  return x;
}

TEST(Matern52Kernel, ThetaGradientMatchesFiniteDifferences) {
  Eigen::VectorXd theta(4);
  theta << std::log(0.3), std::log(1.7), std::log(0.8), std::log(1.4);
  const Eigen::MatrixXd x = random_inputs(3, 2, 1);
  Eigen::VectorXd g(4);
  Matern52Kernel::from_log(theta).gradient_theta(x.col(0), x.col(1), g);
  for (int k = 0; k < 4; ++k) {
    Eigen::VectorXd a = theta, b = theta;
    a(k) += 1e-6;
    b(k) -= 1e-6;
    const double fd = (Matern52Kernel::from_log(a)(x.col(0), x.col(1)) -
                       Matern52Kernel::from_log(b)(x.col(0), x.col(1))) / 2e-6;
    EXPECT_NEAR(g(k), fd, 1e-7 * std::max(1.0, std::abs(fd))) << "theta " << k;
  }
}

TEST(Matern52Kernel, InputGradientMatchesFiniteDifferencesAndIsZeroAtCoincidence) {
  Eigen::VectorXd l(2);
  l << 0.4, 0.9;
  const Matern52Kernel k(l, 2.0);
  Eigen::VectorXd x(2), y(2), g(2);
  x << 0.2, 0.7;
  y << 0.5, 0.1;
  k.gradient_x(x, y, g);
  for (int i = 0; i < 2; ++i) {
    Eigen::VectorXd a = x, b = x;
    a(i) += 1e-6;
    b(i) -= 1e-6;
    EXPECT_NEAR(g(i), (k(a, y) - k(b, y)) / 2e-6, 1e-7);
  }
  k.gradient_x(x, x, g);
  EXPECT_EQ(g.norm(), 0.0);
  EXPECT_DOUBLE_EQ(k(x, x), 2.0);
}

TEST(MarginalLikelihood, GradientMatchesFiniteDifferences) {
  const Eigen::MatrixXd x = random_inputs(2, 12, 2);
  Eigen::VectorXd y(12);
  for (int i = 0; i < 12; ++i) y(i) = std::sin(6 * x(0, i)) + x(1, i) * x(1, i);
  Eigen::VectorXd theta(4);
  theta << std::log(0.3), std::log(0.6), std::log(1.2), std::log(1e-2);
  const HyperPrior prior;
  Eigen::VectorXd g;
  const double lp = log_posterior(x, y, theta, prior, &g);
  ASSERT_TRUE(std::isfinite(lp));
  for (int k = 0; k < 4; ++k) {
    Eigen::VectorXd a = theta, b = theta;
    a(k) += 1e-5;
    b(k) -= 1e-5;
    const double fd =
        (log_posterior(x, y, a, prior, nullptr) - log_posterior(x, y, b, prior, nullptr)) / 2e-5;
    EXPECT_NEAR(g(k), fd, 1e-5 * std::max(1.0, std::abs(fd))) << "theta " << k;
  }
}

TEST(MarginalLikelihood, FitImprovesOnTheStartAndRecoversSmallNoise) {
  const Eigen::MatrixXd x = random_inputs(1, 20, 3);
  Eigen::VectorXd y(20);
  for (int i = 0; i < 20; ++i) y(i) = std::sin(5 * x(0, i));
  y = (y.array() - y.mean()) / std::sqrt((y.array() - y.mean()).square().mean());
  const HyperPrior prior;
  const Eigen::VectorXd start = default_theta(1, prior);
  const FitResult r = fit_hyperparameters(x, y, {start}, prior);
  EXPECT_GT(r.log_posterior, log_posterior(x, y, start, prior, nullptr));
  EXPECT_LT(std::exp(r.theta(2)), 1e-2);  // noise-free data: small fitted noise
}

TEST(GaussianProcess, PosteriorOnTwoPointsMatchesHandComputation) {
  // x = {0, 1}, y = {1, -1}, l = 1, s2 = 1, noise 0.1: K = [[1.1, c], [c, 1.1]].
  Eigen::VectorXd l(1);
  l << 1.0;
  GaussianProcess gp(Matern52Kernel(l, 1.0), 0.1);
  Eigen::MatrixXd x(1, 2);
  x << 0.0, 1.0;
  Eigen::VectorXd y(2);
  y << 1.0, -1.0;
  ASSERT_TRUE(gp.fit(x, y).ok());
  const double s5 = std::sqrt(5.0);
  auto m52 = [&](double r) { return (1 + s5 * r + 5.0 / 3.0 * r * r) * std::exp(-s5 * r); };
  const double c = m52(1.0);
  const double det = 1.1 * 1.1 - c * c;
  // K^-1 = [[1.1, -c], [-c, 1.1]] / det
  const double q = 0.25;
  const double k0 = m52(q), k1 = m52(0.75);
  const double a0 = (1.1 * 1.0 - c * -1.0) / det, a1 = (-c * 1.0 + 1.1 * -1.0) / det;
  const double mean = k0 * a0 + k1 * a1;
  const double var = 1.0 - (k0 * (1.1 * k0 - c * k1) + k1 * (-c * k0 + 1.1 * k1)) / det;
  Eigen::VectorXd xq(1);
  xq << q;
  const Prediction p = gp.predict(xq, true);
  EXPECT_NEAR(p.mean, mean, 1e-12);
  EXPECT_NEAR(p.var, var, 1e-12);
  // Symmetric data: the mean at the midpoint is 0.
  xq << 0.5;
  EXPECT_NEAR(gp.predict(xq, false).mean, 0.0, 1e-12);
}

TEST(GaussianProcess, RankOneExtensionEqualsFullFitAndGradientsMatch) {
  const Eigen::MatrixXd x = random_inputs(3, 15, 4);
  Eigen::VectorXd y(15);
  for (int i = 0; i < 15; ++i) y(i) = x(0, i) - 2 * x(1, i) * x(2, i);
  Eigen::VectorXd l(3);
  l << 0.5, 0.3, 0.8;
  GaussianProcess full(Matern52Kernel(l, 1.3), 1e-3), inc(Matern52Kernel(l, 1.3), 1e-3);
  ASSERT_TRUE(full.fit(x, y).ok());
  ASSERT_TRUE(inc.fit(x.leftCols(10), y.head(10)).ok());
  for (int i = 10; i < 15; ++i) ASSERT_TRUE(inc.add_point(x.col(i), y(i)).ok());
  const Eigen::MatrixXd q = random_inputs(3, 5, 5);
  for (int j = 0; j < 5; ++j) {
    const Prediction a = full.predict(q.col(j), true), b = inc.predict(q.col(j), true);
    EXPECT_NEAR(a.mean, b.mean, 1e-9);
    EXPECT_NEAR(a.var, b.var, 1e-9);
    for (int k = 0; k < 3; ++k) {
      Eigen::VectorXd u = q.col(j), v = q.col(j);
      u(k) += 1e-6;
      v(k) -= 1e-6;
      const Prediction pu = full.predict(u, false), pv = full.predict(v, false);
      EXPECT_NEAR(a.mean_grad(k), (pu.mean - pv.mean) / 2e-6, 1e-5);
      EXPECT_NEAR(a.var_grad(k), (pu.var - pv.var) / 2e-6, 1e-5);
    }
  }
  Eigen::VectorXd bm, bv;
  full.predict_batch(q, &bm, &bv);
  for (int j = 0; j < 5; ++j) {
    EXPECT_NEAR(bm(j), full.predict(q.col(j), false).mean, 1e-10);
    EXPECT_NEAR(bv(j), full.predict(q.col(j), false).var, 1e-10);
  }
}

double direct_ei(double mean, double sigma, double best) {
  const double z = (best - mean) / sigma;
  const double cdf = 0.5 * std::erfc(-z / std::sqrt(2.0));
  const double pdf = std::exp(-0.5 * z * z) / std::sqrt(2 * M_PI);
  return sigma * (z * cdf + pdf);
}

TEST(LogExpectedImprovement, MatchesDirectFormulaWhereWellConditioned) {
  for (double z = -5.0; z <= 5.0; z += 0.37) {
    const double sigma = 0.7, best = 0.2, mean = best - z * sigma;
    const LogEi e = log_expected_improvement(mean, sigma, best);
    EXPECT_NEAR(e.value, std::log(direct_ei(mean, sigma, best)), 1e-10) << "z=" << z;
    const double h = 1e-6;
    EXPECT_NEAR(e.d_mean,
                (std::log(direct_ei(mean + h, sigma, best)) - std::log(direct_ei(mean - h, sigma, best))) / (2 * h),
                1e-5);
    EXPECT_NEAR(e.d_sigma,
                (std::log(direct_ei(mean, sigma + h, best)) - std::log(direct_ei(mean, sigma - h, best))) / (2 * h),
                1e-5);
  }
}

TEST(LogExpectedImprovement, FiniteAndMonotoneWhereEiUnderflows) {
  EXPECT_EQ(direct_ei(40.0, 1.0, 0.0), 0.0);  // the plain formula underflows here
  double previous = 0.0;
  for (double z : {-30.0, -40.0, -100.0, -1e4, -1e9}) {
    const LogEi e = log_expected_improvement(-z, 1.0, 0.0);
    ASSERT_TRUE(std::isfinite(e.value)) << z;
    ASSERT_TRUE(std::isfinite(e.d_mean)) << z;
    EXPECT_LT(e.d_mean, 0.0);  // moving the mean towards the incumbent helps
    if (z != -30.0) EXPECT_LT(e.value, previous);
    previous = e.value;
    // Asymptote h(z) ~ phi(z)/z^2.
    const double asym = -0.5 * z * z - 0.5 * std::log(2 * M_PI) - 2 * std::log(-z);
    EXPECT_NEAR(e.value, asym, 5.0 / (z * z)) << z;
  }
  // Continuous across the branch at z = -1.
  EXPECT_NEAR(log_h(-1.0 + 1e-12), log_h(-1.0 - 1e-12), 1e-9);
}

double hv2(std::vector<std::array<double, 2>> p, std::array<double, 2> ref) {
  std::sort(p.begin(), p.end());
  double hv = 0, y = ref[1];
  for (const auto& q : p) {
    if (q[0] >= ref[0] || q[1] >= y) continue;
    hv += (ref[0] - q[0]) * (y - q[1]);
    y = q[1];
  }
  return hv;
}

TEST(ExpectedHypervolumeImprovement, HviMatchesHypervolumeDifference) {
  const std::vector<std::array<double, 2>> pts{{0.1, 0.9}, {0.4, 0.5}, {0.8, 0.2}, {0.6, 0.7}};
  const std::array<double, 2> ref{1.0, 1.0};
  const Front2d f = make_front_2d(pts, ref);
  EXPECT_EQ(f.points.size(), 3u);
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> u(-0.2, 1.2);
  for (int i = 0; i < 200; ++i) {
    const std::array<double, 2> y{u(rng), u(rng)};
    auto with = pts;
    with.push_back(y);
    EXPECT_NEAR(hvi_2d(f, y), hv2(with, ref) - hv2(pts, ref), 1e-12);
  }
}

TEST(ExpectedHypervolumeImprovement, MatchesMonteCarlo) {
  const std::vector<std::array<double, 2>> pts{{0.1, 0.9}, {0.4, 0.5}, {0.8, 0.2}};
  const Front2d f = make_front_2d(pts, {1.0, 1.0});
  const std::array<std::array<double, 4>, 3> cases{{{0.5, 0.6, 0.2, 0.3}, {0.3, 0.3, 0.05, 0.1},
                                                    {0.9, 0.9, 0.3, 0.2}}};
  for (const auto& c : cases) {
    std::mt19937_64 rng(11);
    std::normal_distribution<double> n0(c[0], c[2]), n1(c[1], c[3]);
    double sum = 0.0, sum2 = 0.0;
    const int samples = 200000;
    for (int i = 0; i < samples; ++i) {
      const double v = hvi_2d(f, {n0(rng), n1(rng)});
      sum += v;
      sum2 += v * v;
    }
    const double mc = sum / samples;
    const double se = std::sqrt((sum2 / samples - mc * mc) / samples);
    const double exact = std::exp(log_ehvi_2d(f, {c[0], c[1]}, {c[2], c[3]}));
    EXPECT_NEAR(exact, mc, 4 * se + 1e-9) << c[0] << "," << c[1];
  }
  // Far outside the reference box: EHVI underflows but its log stays finite and ordered.
  const double far = log_ehvi_2d(f, {30.0, 30.0}, {0.5, 0.5});
  const double farther = log_ehvi_2d(f, {40.0, 40.0}, {0.5, 0.5});
  EXPECT_TRUE(std::isfinite(far));
  EXPECT_TRUE(std::isfinite(farther));
  EXPECT_LT(farther, far);
}

TEST(ParEgo, ScalarizationIsNormalizedChebyshev) {
  Eigen::MatrixXd f(3, 2);
  f << 0, 10, 1, 0, 0.5, 5;
  const Eigen::VectorXd s = parego_scalarize(f, {0.5, 0.5}, 0.0);
  EXPECT_DOUBLE_EQ(s(0), 0.5);
  EXPECT_DOUBLE_EQ(s(1), 0.5);
  EXPECT_DOUBLE_EQ(s(2), 0.25);
  std::mt19937_64 rng(1);
  const auto w = random_simplex_weights(4, rng);
  double t = 0;
  for (double v : w) { EXPECT_GE(v, 0.0); t += v; }
  EXPECT_NEAR(t, 1.0, 1e-12);
}

}  // namespace
}  // namespace samplers::gp
