#include "samplers/energy_cost_model.h"

#include <algorithm>
#include <cmath>

#include "samplers/detail/unit_encoding.h"

namespace samplers {

std::string EnergyCostModel::Options::validate() const {
  if (min_trials < 1) return "min_trials must be >= 1 (got " + std::to_string(min_trials) + ")";
  if (!(min_kwh > 0.0)) return "min_kwh must be > 0";
  return "";
}

EnergyCostModel::EnergyCostModel() : options_(Options{}) {}

void EnergyCostModel::fit(const hpo::StudyView& study) {
  x_.clear();
  log_kwh_.clear();
  const auto searchable = detail::searchable_indices(study.space);
  for (const auto& t : study.trials) {
    if (t.state != hpo::TrialState::kComplete) continue;
    const double kwh = t.energy.energy_kwh;
    if (!(kwh > 0.0) || !std::isfinite(kwh)) continue;
    x_.push_back(detail::encode_unit(study.space, searchable, t.params));
    log_kwh_.push_back(std::log(std::max(kwh, options_.min_kwh)));
  }
  if (log_kwh_.empty()) return;
  std::vector<double> sorted = log_kwh_;
  std::nth_element(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(sorted.size() / 2),
                   sorted.end());
  median_log_kwh_ = sorted[sorted.size() / 2];

  // Scott's rule on the mean per-dimension standard deviation of the inputs.
  const std::size_t n = x_.size();
  const std::size_t d = searchable.size();
  double mean_sd = 0.0;
  for (std::size_t k = 0; k < d; ++k) {
    double m = 0.0, m2 = 0.0;
    for (const auto& x : x_) m += x[k];
    m /= static_cast<double>(n);
    for (const auto& x : x_) m2 += (x[k] - m) * (x[k] - m);
    mean_sd += std::sqrt(m2 / static_cast<double>(n));
  }
  mean_sd = d > 0 ? mean_sd / static_cast<double>(d) : 0.3;
  const double scott = std::pow(static_cast<double>(n), -1.0 / (static_cast<double>(d) + 4.0));
  bandwidth_ = std::clamp(std::max(mean_sd, 0.1) * scott, 0.03, 0.5);
}

double EnergyCostModel::predict_kwh(const hpo::SearchSpace& space,
                                    const hpo::Params& params) const {
  if (log_kwh_.empty()) return 1.0;  // nothing measured: every configuration costs the same
  if (static_cast<int>(log_kwh_.size()) < options_.min_trials)
    return std::max(std::exp(median_log_kwh_), options_.min_kwh);
  const auto searchable = detail::searchable_indices(space);
  const auto q = detail::encode_unit(space, searchable, params);
  // Nadaraya-Watson with a small prior weight on the median, so far-away queries revert to it.
  const double inv_2h2 = 1.0 / (2.0 * bandwidth_ * bandwidth_);
  double sw = 1e-3, swy = 1e-3 * median_log_kwh_;
  for (std::size_t i = 0; i < x_.size(); ++i) {
    double d2 = 0.0;
    for (std::size_t k = 0; k < q.size() && k < x_[i].size(); ++k) {
      const double diff = q[k] - x_[i][k];
      d2 += diff * diff;
    }
    const double w = std::exp(-d2 * inv_2h2);
    sw += w;
    swy += w * log_kwh_[i];
  }
  return std::max(std::exp(swy / sw), options_.min_kwh);
}

double EnergyCostModel::cooling_exponent(double budget_used_fraction) {
  if (!(budget_used_fraction >= 0.0)) return 1.0;
  return std::clamp(1.0 - budget_used_fraction, 0.0, 1.0);
}

}  // namespace samplers
