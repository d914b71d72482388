#include "samplers/energy_cost_model.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <Eigen/Cholesky>
#include <Eigen/Core>

#include "samplers/detail/unit_encoding.h"

namespace samplers {

std::string EnergyCostModel::Options::validate() const {
  if (min_trials < 1) return "min_trials must be >= 1 (got " + std::to_string(min_trials) + ")";
  if (!(min_kwh > 0.0)) return "min_kwh must be > 0";
  if (!(ridge > 0.0) || !std::isfinite(ridge)) return "ridge must be > 0";
  return "";
}

EnergyCostModel::EnergyCostModel() : options_(Options{}) {}

void EnergyCostModel::fit(const hpo::StudyView& study) {
  x_.clear();
  log_kwh_.clear();
  residual_.clear();
  slope_.clear();
  x_mean_.clear();
  const auto searchable = detail::searchable_indices(study.space);
  for (const auto& t : study.trials) {
    if (t.state != hpo::TrialState::kComplete) continue;
    const double kwh = t.energy.energy_kwh;
    if (!(kwh > 0.0) || !std::isfinite(kwh)) continue;
    x_.push_back(detail::encode_unit(study.space, searchable, t.params));
    log_kwh_.push_back(std::log(std::max(kwh, options_.min_kwh)));
  }
  if (log_kwh_.empty()) return;
  const std::size_t n = x_.size();
  const std::size_t d = searchable.size();
  std::vector<double> sorted = log_kwh_;
  std::nth_element(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(n / 2),
                   sorted.end());
  median_log_kwh_ = sorted[n / 2];
  mean_log_kwh_ = 0.0;
  for (double y : log_kwh_) mean_log_kwh_ += y;
  mean_log_kwh_ /= static_cast<double>(n);

  // Ridge trend on centred inputs: slope = (Xc'Xc + ridge I)^-1 Xc'(y - mean).
  x_mean_.assign(d, 0.0);
  slope_.assign(d, 0.0);
  for (const auto& x : x_)
    for (std::size_t k = 0; k < d; ++k) x_mean_[k] += x[k] / static_cast<double>(n);
  if (options_.linear_trend && d > 0 && n >= 2) {
    Eigen::MatrixXd xc(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(d));
    Eigen::VectorXd yc(static_cast<Eigen::Index>(n));
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t k = 0; k < d; ++k)
        xc(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(k)) = x_[i][k] - x_mean_[k];
      yc(static_cast<Eigen::Index>(i)) = log_kwh_[i] - mean_log_kwh_;
    }
    Eigen::MatrixXd a = xc.transpose() * xc;
    a.diagonal().array() += options_.ridge;
    const Eigen::VectorXd w = a.ldlt().solve(xc.transpose() * yc);
    if (w.allFinite())
      for (std::size_t k = 0; k < d; ++k) slope_[k] = w(static_cast<Eigen::Index>(k));
  }
  residual_.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    double trend = mean_log_kwh_;
    for (std::size_t k = 0; k < d; ++k) trend += slope_[k] * (x_[i][k] - x_mean_[k]);
    residual_[i] = options_.linear_trend ? log_kwh_[i] - trend : log_kwh_[i];
  }

  // Scott's rule on the mean per-dimension standard deviation of the inputs.
  double mean_sd = 0.0;
  for (std::size_t k = 0; k < d; ++k) {
    double m2 = 0.0;
    for (const auto& x : x_) m2 += (x[k] - x_mean_[k]) * (x[k] - x_mean_[k]);
    mean_sd += std::sqrt(m2 / static_cast<double>(n));
  }
  mean_sd = d > 0 ? mean_sd / static_cast<double>(d) : 0.3;
  const double scott = std::pow(static_cast<double>(n), -1.0 / (static_cast<double>(d) + 4.0));
  bandwidth_ = std::clamp(std::max(mean_sd, 0.1) * scott, 0.03, 0.5);
}

double EnergyCostModel::predict_log_kwh(const hpo::SearchSpace& space,
                                        const hpo::Params& params) const {
  if (log_kwh_.empty()) return 0.0;  // nothing measured: every configuration costs the same
  if (!informative()) return std::max(median_log_kwh_, std::log(options_.min_kwh));
  const auto searchable = detail::searchable_indices(space);
  const auto q = detail::encode_unit(space, searchable, params);
  double trend = 0.0;
  if (options_.linear_trend) {
    trend = mean_log_kwh_;
    for (std::size_t k = 0; k < q.size() && k < slope_.size(); ++k)
      trend += slope_[k] * (q[k] - x_mean_[k]);
  }
  // Nadaraya-Watson on the residuals, with a small prior weight on the trend alone (or on the
  // median without a trend), so far-away queries revert to it.
  const double prior = options_.linear_trend ? 0.0 : median_log_kwh_;
  const double inv_2h2 = 1.0 / (2.0 * bandwidth_ * bandwidth_);
  double sw = 1e-3, swy = 1e-3 * prior;
  for (std::size_t i = 0; i < x_.size(); ++i) {
    double d2 = 0.0;
    for (std::size_t k = 0; k < q.size() && k < x_[i].size(); ++k) {
      const double diff = q[k] - x_[i][k];
      d2 += diff * diff;
    }
    const double w = std::exp(-d2 * inv_2h2);
    sw += w;
    swy += w * residual_[i];
  }
  return std::max(trend + swy / sw, std::log(options_.min_kwh));
}

double EnergyCostModel::predict_kwh(const hpo::SearchSpace& space,
                                    const hpo::Params& params) const {
  if (log_kwh_.empty()) return 1.0;  // nothing measured: every configuration costs the same
  return std::max(std::exp(predict_log_kwh(space, params)), options_.min_kwh);
}

double EnergyCostModel::cooling_exponent(double budget_used_fraction) {
  if (!(budget_used_fraction >= 0.0)) return 1.0;
  return std::clamp(1.0 - budget_used_fraction, 0.0, 1.0);
}

std::size_t EnergyCostModel::pick_cost_effective(const hpo::SearchSpace& space,
                                                 const std::vector<hpo::Params>& candidates,
                                                 const std::vector<hpo::Params>& existing,
                                                 double cost_weight) const {
  const auto searchable = detail::searchable_indices(space);
  std::vector<std::vector<double>> ex;
  ex.reserve(existing.size());
  for (const auto& p : existing) ex.push_back(detail::encode_unit(space, searchable, p));
  std::size_t best = 0;
  double best_score = -std::numeric_limits<double>::infinity();
  for (std::size_t c = 0; c < candidates.size(); ++c) {
    const auto q = detail::encode_unit(space, searchable, candidates[c]);
    double score = 0.0;
    if (!ex.empty()) {
      double nearest = std::numeric_limits<double>::infinity();
      for (const auto& e : ex) {
        double d2 = 0.0;
        for (std::size_t k = 0; k < q.size() && k < e.size(); ++k) d2 += (q[k] - e[k]) * (q[k] - e[k]);
        nearest = std::min(nearest, d2);
      }
      score = nearest > 0.0 ? 0.5 * std::log(nearest) : -std::numeric_limits<double>::infinity();
    }
    if (fitted() && cost_weight > 0.0) score -= cost_weight * predict_log_kwh(space, candidates[c]);
    if (c == 0 || score > best_score) {
      best = c;
      best_score = score;
    }
  }
  return best;
}

}  // namespace samplers
