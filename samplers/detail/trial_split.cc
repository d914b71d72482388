#include "samplers/detail/trial_split.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "hpo/front/hypervolume.h"
#include "hpo/front/pareto.h"

namespace samplers::detail {
namespace {

bool usable_complete(const hpo::Trial& t, std::size_t n_obj) {
  if (t.state != hpo::TrialState::kComplete || t.values.size() != n_obj) return false;
  return std::all_of(t.values.begin(), t.values.end(), [](double v) { return std::isfinite(v); });
}

void by_number(const hpo::StudyView& study, std::vector<std::size_t>& idx) {
  std::sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) {
    const auto& ta = study.trials[a];
    const auto& tb = study.trials[b];
    return ta.number != tb.number ? ta.number < tb.number : ta.attempt < tb.attempt;
  });
}

}  // namespace

std::vector<double> age_weights(std::size_t n) {
  constexpr std::size_t kFlat = 25;
  std::vector<double> w(n, 1.0);
  if (n <= kFlat) return w;
  const std::size_t ramp = n - kFlat;
  const double lo = 1.0 / static_cast<double>(n);
  for (std::size_t i = 0; i < ramp; ++i)
    w[i] = ramp == 1 ? lo : lo + (1.0 - lo) * static_cast<double>(i) / static_cast<double>(ramp - 1);
  return w;
}

TrialSplit split_trials(const hpo::StudyView& study, double gamma, int max_good,
                        bool running_as_bad) {
  TrialSplit out;
  const std::size_t n_obj = study.objectives.size();
  std::vector<std::size_t> complete;
  for (std::size_t i = 0; i < study.trials.size(); ++i) {
    const auto& t = study.trials[i];
    if (usable_complete(t, n_obj)) {
      complete.push_back(i);
    } else if (t.state == hpo::TrialState::kFailed || t.state == hpo::TrialState::kPruned ||
               t.state == hpo::TrialState::kComplete ||  // complete without usable values
               (running_as_bad && t.state == hpo::TrialState::kRunning)) {
      out.bad.push_back(i);
    }
  }
  by_number(study, complete);
  out.n_complete = complete.size();
  if (complete.empty()) {
    by_number(study, out.bad);
    return out;
  }
  auto n_good = static_cast<std::size_t>(std::ceil(gamma * static_cast<double>(complete.size())));
  n_good = std::clamp<std::size_t>(n_good, 1, static_cast<std::size_t>(std::max(1, max_good)));
  n_good = std::min(n_good, complete.size());

  // Minimization-form points of the complete trials.
  std::vector<hpo::Point> pts(complete.size());
  for (std::size_t k = 0; k < complete.size(); ++k) {
    const auto& t = study.trials[complete[k]];
    pts[k].resize(n_obj);
    for (std::size_t m = 0; m < n_obj; ++m)
      pts[k][m] = hpo::to_minimization(t.values[m], study.objectives[m].direction);
  }
  std::vector<char> is_good(complete.size(), 0);
  if (n_obj <= 1) {
    std::vector<std::size_t> order(complete.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return n_obj == 0 ? false : pts[a][0] < pts[b][0];
    });
    for (std::size_t r = 0; r < n_good; ++r) is_good[order[r]] = 1;
  } else {
    const auto fronts = hpo::non_dominated_sort(pts);
    std::size_t taken = 0;
    for (const auto& front : fronts) {
      if (taken >= n_good) break;
      if (taken + front.size() <= n_good) {
        for (auto k : front) is_good[k] = 1;
        taken += front.size();
        continue;
      }
      // Cut this front by hypervolume contribution in normalized objectives.
      std::vector<double> lo(n_obj, std::numeric_limits<double>::infinity());
      std::vector<double> hi(n_obj, -std::numeric_limits<double>::infinity());
      for (const auto& p : pts)
        for (std::size_t m = 0; m < n_obj; ++m) {
          lo[m] = std::min(lo[m], p[m]);
          hi[m] = std::max(hi[m], p[m]);
        }
      std::vector<hpo::Point> fp;
      for (auto k : front) {
        hpo::Point q(n_obj);
        for (std::size_t m = 0; m < n_obj; ++m)
          q[m] = hi[m] > lo[m] ? (pts[k][m] - lo[m]) / (hi[m] - lo[m]) : 0.0;
        fp.push_back(std::move(q));
      }
      const auto contrib = hpo::hypervolume_contributions(fp, hpo::Point(n_obj, 1.1));
      std::vector<std::size_t> order(front.size());
      std::iota(order.begin(), order.end(), 0);
      std::stable_sort(order.begin(), order.end(),
                       [&](std::size_t a, std::size_t b) { return contrib[a] > contrib[b]; });
      for (std::size_t r = 0; taken < n_good; ++r, ++taken) is_good[front[order[r]]] = 1;
    }
  }
  for (std::size_t k = 0; k < complete.size(); ++k)
    (is_good[k] ? out.good : out.bad).push_back(complete[k]);
  by_number(study, out.good);
  by_number(study, out.bad);
  return out;
}

}  // namespace samplers::detail
