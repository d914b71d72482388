#include "samplers/gp/acquisition_optimizer.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

#include <LBFGSB.h>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

namespace samplers::gp {
namespace {

ScoredPoint polish(const AcquisitionProblem& problem, const Eigen::VectorXd& start, int index,
                   const OptimizerOptions& options) {
  const Eigen::Index d = start.size();
  const Eigen::VectorXd lb = Eigen::VectorXd::Zero(d), ub = Eigen::VectorXd::Ones(d);
  Eigen::VectorXd best_x = start;
  double best_v = -std::numeric_limits<double>::infinity();
  auto objective = [&](const Eigen::VectorXd& x, Eigen::VectorXd& g) {
    Eigen::VectorXd grad(d);
    const double v = problem.value(x, &grad);
    if (!std::isfinite(v) || !grad.allFinite()) {
      g.setZero();
      return 1e300;
    }
    if (v > best_v) {
      best_v = v;
      best_x = x;
    }
    g = -grad;
    return -v;
  };
  if (options.max_iterations > 0) {
    LBFGSpp::LBFGSBParam<double> param;
    param.max_iterations = options.max_iterations;
    param.epsilon = 1e-6;
    param.epsilon_rel = 1e-6;
    param.max_linesearch = 20;
    LBFGSpp::LBFGSBSolver<double> solver(param);
    Eigen::VectorXd x = start;
    double fx = 0.0;
    try {
      solver.minimize(objective, x, fx, lb, ub);
    } catch (const std::runtime_error&) {
      // Line-search trouble: keep the best point evaluated.
    } catch (const std::logic_error&) {
    }
  }
  const Eigen::VectorXd snapped = problem.snap(best_x);
  return {snapped, problem.value(snapped, nullptr), index};
}

}  // namespace

std::vector<ScoredPoint> maximize_acquisition(const AcquisitionProblem& problem, Eigen::Index dim,
                                              const std::vector<Eigen::VectorXd>& anchors,
                                              const OptimizerOptions& options,
                                              std::mt19937_64& rng) {
  std::uniform_real_distribution<double> unif(0.0, 1.0);
  std::normal_distribution<double> gauss(0.0, options.local_sd);
  const int m = std::max(options.n_candidates, 1);
  Eigen::MatrixXd cand(dim, m);
  for (int j = 0; j < m; ++j)
    for (Eigen::Index i = 0; i < dim; ++i) cand(i, j) = unif(rng);
  const Eigen::VectorXd scores = problem.batch(cand);

  std::vector<int> order(static_cast<std::size_t>(m));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    const double va = std::isnan(scores(a)) ? -std::numeric_limits<double>::infinity() : scores(a);
    const double vb = std::isnan(scores(b)) ? -std::numeric_limits<double>::infinity() : scores(b);
    return va > vb;
  });

  std::vector<Eigen::VectorXd> starts;
  const int n_local = anchors.empty() ? 0 : std::min(options.n_local, options.n_starts);
  const int n_random = std::min(options.n_starts - n_local, m);
  for (int i = 0; i < n_random; ++i) starts.push_back(cand.col(order[static_cast<std::size_t>(i)]));
  for (int i = 0; i < n_local; ++i) {
    Eigen::VectorXd x = anchors[static_cast<std::size_t>(i) % anchors.size()];
    for (Eigen::Index k = 0; k < dim; ++k) x(k) = std::clamp(x(k) + gauss(rng), 0.0, 1.0);
    starts.push_back(std::move(x));
  }

  std::vector<ScoredPoint> results(starts.size());
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, starts.size(), 1),
                    [&](const tbb::blocked_range<std::size_t>& r) {
                      for (std::size_t i = r.begin(); i != r.end(); ++i)
                        results[i] = polish(problem, starts[i], static_cast<int>(i), options);
                    });
  // The screened candidates themselves (snapped) back up the polished starts.
  for (int i = 0; i < std::min(m, 2 * options.n_starts); ++i) {
    const Eigen::VectorXd s = problem.snap(cand.col(order[static_cast<std::size_t>(i)]));
    results.push_back({s, problem.value(s, nullptr), static_cast<int>(starts.size()) + i});
  }
  std::stable_sort(results.begin(), results.end(), [](const ScoredPoint& a, const ScoredPoint& b) {
    const double va = std::isnan(a.value) ? -std::numeric_limits<double>::infinity() : a.value;
    const double vb = std::isnan(b.value) ? -std::numeric_limits<double>::infinity() : b.value;
    if (va != vb) return va > vb;
    return a.start < b.start;
  });
  return results;
}

}  // namespace samplers::gp
