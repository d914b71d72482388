// Acquisition functions on a GP's posterior (minimization form throughout).
//
// - log expected improvement, computed stably as in Ament, Daulton, Eriksson, Balandat &
//   Bakshy (2023), "Unexpected improvements to expected improvement for Bayesian
//   optimization": log EI = log sigma + log h(z), h(z) = z Phi(z) + phi(z), with log h
//   evaluated through erfcx for z < -1 and its asymptote for very negative z, so it stays
//   finite (and has a useful gradient) where EI itself underflows to 0.
// - exact expected hypervolume improvement for two objectives (Emmerich, Giannakoglou &
//   Naujoks, 2006; box decomposition as in Yang, Emmerich, Deutz & Bäck, 2019): the region
//   the front does not dominate is cut into k+1 boxes; with independent Gaussian posteriors
//   each box contributes a product of two one-dimensional integrals
//   E[(u - max(Y, l))+] = sigma (h((u-mu)/sigma) - h((l-mu)/sigma)),
//   summed in log space (log-sum-exp, log1mexp) so it is finite far from the front.
// - ParEGO scalarization (Knowles, 2006) for three or more objectives: augmented Chebyshev
//   max_j(w_j f_j) + rho * sum_j(w_j f_j) of normalized objectives.
#pragma once

#include <array>
#include <random>
#include <vector>

#include <Eigen/Core>

namespace samplers::gp {

// log h(z) with h(z) = z Phi(z) + phi(z), finite for every finite z.
double log_h(double z);
// log Phi(z), finite for every finite z.
double log_ndtr(double z);
// exp(x^2) erfc(x) for x >= 0 (scaled complementary error function).
double erfcx(double x);

struct LogEi {
  double value = 0.0;       // log EI
  double d_mean = 0.0;      // d log EI / d mean
  double d_sigma = 0.0;     // d log EI / d sigma
};
// log E[max(best - Y, 0)] for Y ~ N(mean, sigma^2), sigma > 0.
LogEi log_expected_improvement(double mean, double sigma, double best);

// A 2-D non-dominated front sorted by the first objective ascending (second descending),
// restricted to points strictly better than `reference` in both objectives.
struct Front2d {
  std::vector<std::array<double, 2>> points;
  std::array<double, 2> reference{0.0, 0.0};
};
// Builds a Front2d from any points: keeps the non-dominated ones inside the reference box.
Front2d make_front_2d(const std::vector<std::array<double, 2>>& points,
                      std::array<double, 2> reference);

// log EHVI for independent Y_j ~ N(mean_j, sigma_j^2), j = 0, 1. -infinity only when the
// reference box is empty for the posterior (never for sigma > 0 and a finite reference).
double log_ehvi_2d(const Front2d& front, std::array<double, 2> mean, std::array<double, 2> sigma);
// Hypervolume improvement of a single point y (for tests and Monte-Carlo checks).
double hvi_2d(const Front2d& front, std::array<double, 2> y);

// A weight vector drawn uniformly from the simplex (ParEGO draws from a fixed lattice; a
// continuous draw keeps every direction reachable).
std::vector<double> random_simplex_weights(std::size_t m, std::mt19937_64& rng);
// Augmented Chebyshev scalarization of each row of `f` (n x m, minimization), each column
// first normalized to [0, 1] by its observed range.
Eigen::VectorXd parego_scalarize(const Eigen::MatrixXd& f, const std::vector<double>& weights,
                                 double rho = 0.05);

}  // namespace samplers::gp
