// Parzen (kernel density) estimator over the unit encoding, the building block of TPE
// (Bergstra, Bardenet, Bengio & Kégl, 2011, "Algorithms for hyper-parameter optimization")
// and its multivariate form (Falkner, Klein & Hutter, 2018, "BOHB"): a weighted mixture with
// one component per observation plus a wide prior component. A component is a product over
// dimensions of
//  - continuous: a Gaussian truncated to [0, 1];
//  - discrete (ints, stepped floats with few values): the same Gaussian integrated over each
//    value's slice of [0, 1], so probabilities sum to one over the values;
//  - categorical: an Aitchison-Aitken-like kernel, most mass on the observed choice and the
//    rest spread uniformly (prior_weight / (n + 1) before normalization, as in Optuna).
// Coordinates: continuous dims hold the unit value, discrete and categorical dims the value
// index (as a double). Bandwidths: one dimension uses the distance to the neighbouring
// observations (Bergstra et al.), clipped to [1 / min(100, n + 1), 1]; several dimensions use
// Scott's rule 0.2 * n^(-1 / (d + 4)) as in Falkner et al.
#pragma once

#include <cstddef>
#include <random>
#include <vector>

namespace samplers::detail {

struct DimInfo {
  enum class Kind { kContinuous, kDiscrete, kCategorical };
  Kind kind = Kind::kContinuous;
  std::size_t n_values = 0;        // discrete and categorical
  std::vector<double> positions;   // discrete: unit position of each value (increasing)
  std::vector<double> boundaries;  // discrete: n_values + 1 slice ends, 0 ... 1
};

struct ParzenOptions {
  double prior_weight = 1.0;
  bool consider_endpoints = false;
};

class ParzenEstimator {
 public:
  // `obs[i]` has one coordinate per entry of `dims`; `weights[i]` > 0 (any scale).
  ParzenEstimator(const std::vector<DimInfo>& dims, const std::vector<std::vector<double>>& obs,
                  const std::vector<double>& weights, const ParzenOptions& options);

  // One draw from the mixture (a full coordinate vector).
  std::vector<double> sample(std::mt19937_64& rng) const;
  // Log density (continuous dims) / probability (discrete, categorical) of `x`.
  double log_pdf(const std::vector<double>& x) const;

 private:
  double log_kernel(std::size_t comp, std::size_t d, double x) const;

  const std::vector<DimInfo>& dims_;  // owned by the caller, outlives the estimator
  std::size_t n_comp_ = 0;
  std::vector<double> log_w_;  // per component
  std::vector<double> mu_, sigma_, log_norm_;  // [comp * d + dim] (numeric dims)
  std::vector<double> inv_sigma_, log_const_;  // continuous: 1/sigma, -log(sqrt(2pi) sigma Z)
  std::vector<std::vector<double>> log_cat_;   // [comp * d + dim] categorical log-probs
  std::vector<double> cum_w_;                  // cumulative weights for sampling
};

}  // namespace samplers::detail
