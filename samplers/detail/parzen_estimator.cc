#include "samplers/detail/parzen_estimator.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "samplers/rng.h"

namespace samplers::detail {
namespace {

constexpr double kLogSqrt2Pi = 0.91893853320467274178;
constexpr double kPriorSigma = 1.0;

double normal_cdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

double log_mass(double mu, double sigma, double a, double b) {
  const double m = normal_cdf((b - mu) / sigma) - normal_cdf((a - mu) / sigma);
  return std::log(std::max(m, 1e-300));
}

}  // namespace

ParzenEstimator::ParzenEstimator(const std::vector<DimInfo>& dims,
                                 const std::vector<std::vector<double>>& obs,
                                 const std::vector<double>& weights,
                                 const ParzenOptions& options)
    : dims_(dims) {
  const std::size_t n = obs.size();
  const std::size_t nd = dims.size();
  n_comp_ = n + 1;  // observations, then the prior
  mu_.assign(n_comp_ * nd, 0.5);
  sigma_.assign(n_comp_ * nd, kPriorSigma);
  log_norm_.assign(n_comp_ * nd, 0.0);
  log_cat_.assign(n_comp_ * nd, {});
  inv_sigma_.assign(n_comp_ * nd, 1.0);
  log_const_.assign(n_comp_ * nd, 0.0);

  // Mixture weights: observations as given, prior_weight for the prior, normalized.
  std::vector<double> w(n_comp_, 0.0);
  double total = options.prior_weight;
  for (std::size_t i = 0; i < n; ++i) total += (w[i] = weights[i]);
  w[n] = options.prior_weight;
  log_w_.resize(n_comp_);
  cum_w_.resize(n_comp_);
  double acc = 0.0;
  for (std::size_t i = 0; i < n_comp_; ++i) {
    log_w_[i] = std::log(std::max(w[i] / total, 1e-300));
    cum_w_[i] = (acc += w[i] / total);
  }

  const double n_eff = static_cast<double>(n + 1);
  const double scott = 0.2 * std::pow(n_eff, -1.0 / (static_cast<double>(nd) + 4.0));
  const double min_sigma = 1.0 / std::min(100.0, n_eff);

  for (std::size_t d = 0; d < nd; ++d) {
    const DimInfo& info = dims[d];
    if (info.kind == DimInfo::Kind::kCategorical) {
      const std::size_t k = std::max<std::size_t>(info.n_values, 1);
      const double base = options.prior_weight / n_eff;
      for (std::size_t i = 0; i < n; ++i) {
        std::vector<double> p(k, base);
        const auto c = static_cast<std::size_t>(std::clamp(obs[i][d], 0.0, static_cast<double>(k - 1)));
        p[c] += 1.0;
        const double s = std::accumulate(p.begin(), p.end(), 0.0);
        for (auto& v : p) v = std::log(v / s);
        log_cat_[i * nd + d] = std::move(p);
      }
      log_cat_[n * nd + d].assign(k, -std::log(static_cast<double>(k)));
      continue;
    }
    // Numeric: kernel centres in unit space.
    std::vector<double> mus(n);
    for (std::size_t i = 0; i < n; ++i) {
      double x = obs[i][d];
      if (info.kind == DimInfo::Kind::kDiscrete) {
        const auto j = static_cast<std::size_t>(
            std::clamp(x, 0.0, static_cast<double>(info.n_values - 1)));
        x = info.positions[j];
      }
      mus[i] = x;
    }
    std::vector<double> sig(n, scott);
    if (nd == 1 && n > 0) {
      // Distance to the neighbours among the observations and the prior centre.
      std::vector<std::pair<double, std::size_t>> order(n + 1);
      for (std::size_t i = 0; i < n; ++i) order[i] = {mus[i], i};
      order[n] = {0.5, n};
      std::sort(order.begin(), order.end());
      for (std::size_t r = 0; r <= n; ++r) {
        if (order[r].second == n) continue;
        const double left = r > 0 ? order[r].first - order[r - 1].first : order[r].first;
        const double right = r < n ? order[r + 1].first - order[r].first : 1.0 - order[r].first;
        double s = std::max(left, right);
        if (!options.consider_endpoints) {
          if (r == 0) s = right;
          if (r == n) s = left;
        }
        sig[order[r].second] = s;
      }
    }
    for (std::size_t i = 0; i <= n; ++i) {
      const std::size_t idx = i * nd + d;
      if (i < n) {
        mu_[idx] = mus[i];
        sigma_[idx] = std::clamp(sig[i], min_sigma, 1.0);
      }
      // Truncation to [0, 1] (continuous); discrete kernels normalize by the same mass.
      log_norm_[idx] = log_mass(mu_[idx], sigma_[idx], 0.0, 1.0);
      inv_sigma_[idx] = 1.0 / sigma_[idx];
      log_const_[idx] = -kLogSqrt2Pi - std::log(sigma_[idx]) - log_norm_[idx];
    }
  }
}

double ParzenEstimator::log_kernel(std::size_t comp, std::size_t d, double x) const {
  const std::size_t nd = dims_.size();
  const std::size_t idx = comp * nd + d;
  const DimInfo& info = dims_[d];
  switch (info.kind) {
    case DimInfo::Kind::kCategorical: {
      const auto& p = log_cat_[idx];
      const auto c = static_cast<std::size_t>(std::clamp(x, 0.0, static_cast<double>(p.size() - 1)));
      return p[c];
    }
    case DimInfo::Kind::kDiscrete: {
      const auto j = static_cast<std::size_t>(
          std::clamp(x, 0.0, static_cast<double>(info.n_values - 1)));
      return log_mass(mu_[idx], sigma_[idx], info.boundaries[j], info.boundaries[j + 1]) -
             log_norm_[idx];
    }
    case DimInfo::Kind::kContinuous: {
      const double z = (x - mu_[idx]) * inv_sigma_[idx];
      return -0.5 * z * z + log_const_[idx];
    }
  }
  return 0.0;
}

double ParzenEstimator::log_pdf(const std::vector<double>& x) const {
  const std::size_t nd = dims_.size();
  double best = -std::numeric_limits<double>::infinity();
  std::vector<double> terms(n_comp_);
  for (std::size_t i = 0; i < n_comp_; ++i) {
    double s = log_w_[i];
    for (std::size_t d = 0; d < nd; ++d) s += log_kernel(i, d, x[d]);
    terms[i] = s;
    best = std::max(best, s);
  }
  if (!std::isfinite(best)) return best;
  double sum = 0.0;
  for (double t : terms) sum += std::exp(t - best);
  return best + std::log(sum);
}

std::vector<double> ParzenEstimator::sample(std::mt19937_64& rng) const {
  const std::size_t nd = dims_.size();
  const double r = uniform01(rng) * cum_w_.back();
  const auto comp = static_cast<std::size_t>(
      std::min<std::ptrdiff_t>(std::lower_bound(cum_w_.begin(), cum_w_.end(), r) - cum_w_.begin(),
                               static_cast<std::ptrdiff_t>(n_comp_ - 1)));
  std::vector<double> x(nd);
  std::normal_distribution<double> normal(0.0, 1.0);
  for (std::size_t d = 0; d < nd; ++d) {
    const std::size_t idx = comp * nd + d;
    const DimInfo& info = dims_[d];
    if (info.kind == DimInfo::Kind::kCategorical) {
      const auto& p = log_cat_[idx];
      double u = uniform01(rng), acc = 0.0;
      std::size_t c = p.size() - 1;
      for (std::size_t j = 0; j < p.size(); ++j) {
        acc += std::exp(p[j]);
        if (u < acc) { c = j; break; }
      }
      x[d] = static_cast<double>(c);
      continue;
    }
    // Truncated normal by rejection; the kernel keeps >= ~15% of its mass in [0, 1].
    double v = mu_[idx];
    for (int tries = 0; tries < 64; ++tries) {
      const double t = mu_[idx] + sigma_[idx] * normal(rng);
      if (t >= 0.0 && t <= 1.0) { v = t; break; }
    }
    if (info.kind == DimInfo::Kind::kDiscrete) {
      const auto it = std::upper_bound(info.boundaries.begin() + 1, info.boundaries.end() - 1, v);
      x[d] = static_cast<double>(it - (info.boundaries.begin() + 1));
    } else {
      x[d] = v;
    }
  }
  return x;
}

}  // namespace samplers::detail
