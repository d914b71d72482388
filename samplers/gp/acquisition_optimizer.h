// Maximizes an acquisition function over the unit cube by parallel multi-start L-BFGS-B
// (LBFGSpp): score `n_candidates` uniform random points in one batch, start from the best
// `n_starts - n_local` of them and from `n_local` Gaussian perturbations of given anchors
// (the best points observed so far), polish every start with L-BFGS-B in parallel (oneTBB
// parallel_for, one start per task), then snap each result to a valid configuration
// (rounding ints and steps, argmax of one-hot blocks) and score it again there.
//
// Deterministic: the starts are drawn serially from the caller's generator, every task writes
// only its own slot, and the results are ranked by (value, start index), so thread scheduling
// never changes the answer.
#pragma once

#include <functional>
#include <random>
#include <vector>

#include <Eigen/Core>

namespace samplers::gp {

struct AcquisitionProblem {
  // Value at x and, when grad is not null, its gradient. Called concurrently: must be
  // thread-safe (const). May return -infinity.
  std::function<double(const Eigen::VectorXd& x, Eigen::VectorXd* grad)> value;
  // Values at each column of a D x m matrix (for the random screening).
  std::function<Eigen::VectorXd(const Eigen::MatrixXd& xs)> batch;
  // Maps a relaxed point to the encoding of the configuration it decodes to.
  std::function<Eigen::VectorXd(const Eigen::VectorXd& x)> snap;
};

struct OptimizerOptions {
  int n_candidates = 512;    // random points screened per proposal
  int n_starts = 8;          // L-BFGS-B starts in total
  int n_local = 4;           // of which perturbations of the anchors
  double local_sd = 0.1;     // sd of those perturbations in the unit cube
  int max_iterations = 25;   // L-BFGS-B iterations per start
};

struct ScoredPoint {
  Eigen::VectorXd x;  // snapped
  double value;
  int start;          // which start produced it (tie-break)
};

// All snapped results, best first.
std::vector<ScoredPoint> maximize_acquisition(const AcquisitionProblem& problem, Eigen::Index dim,
                                              const std::vector<Eigen::VectorXd>& anchors,
                                              const OptimizerOptions& options,
                                              std::mt19937_64& rng);

}  // namespace samplers::gp
