#include "hpo/front/pareto.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>

#include <Eigen/Dense>

namespace hpo {
namespace {

// Every point must have the same number of objectives (misuse, so it throws).
std::size_t dimension_of(const std::vector<Point>& points) {
  if (points.empty()) return 0;
  const std::size_t m = points.front().size();
  for (std::size_t i = 1; i < points.size(); ++i) {
    if (points[i].size() != m)
      throw std::invalid_argument("pareto: point " + std::to_string(i) + " has " +
                                  std::to_string(points[i].size()) + " objectives, point 0 has " +
                                  std::to_string(m));
  }
  return m;
}

bool all_finite(const std::vector<Point>& points) {
  for (const auto& p : points)
    for (double x : p)
      if (!std::isfinite(x)) return false;
  return true;
}

// Deb's fast non-dominated sort, O(M N^2).
std::vector<std::vector<std::size_t>> sort_general(const std::vector<Point>& points) {
  const std::size_t n = points.size();
  std::vector<std::vector<std::size_t>> dominated_by_me(n);
  std::vector<std::size_t> count(n, 0);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = i + 1; j < n; ++j) {
      if (dominates(points[i], points[j])) {
        dominated_by_me[i].push_back(j);
        ++count[j];
      } else if (dominates(points[j], points[i])) {
        dominated_by_me[j].push_back(i);
        ++count[i];
      }
    }
  }
  std::vector<std::vector<std::size_t>> fronts;
  std::vector<std::size_t> current;
  for (std::size_t i = 0; i < n; ++i)
    if (count[i] == 0) current.push_back(i);
  while (!current.empty()) {
    std::vector<std::size_t> next;
    for (std::size_t i : current)
      for (std::size_t j : dominated_by_me[i])
        if (--count[j] == 0) next.push_back(j);
    std::sort(next.begin(), next.end());
    fronts.push_back(std::move(current));
    current = std::move(next);
  }
  return fronts;
}

// Two objectives, O(N log N): visit points in lexicographic order; a point is dominated by
// front k iff it is dominated by the last (lowest f1) member of front k, and "dominated by
// front k" is monotone in k, so the point's rank is found by binary search.
std::vector<std::vector<std::size_t>> sort_2d(const std::vector<Point>& points) {
  std::vector<std::size_t> order(points.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (points[a][0] != points[b][0]) return points[a][0] < points[b][0];
    if (points[a][1] != points[b][1]) return points[a][1] < points[b][1];
    return a < b;
  });
  std::vector<std::vector<std::size_t>> fronts;
  for (std::size_t i : order) {
    const Point& p = points[i];
    auto dominated_by_front = [&](const std::vector<std::size_t>& front) {
      const Point& last = points[front.back()];
      return last[1] < p[1] || (last[1] == p[1] && last[0] < p[0]);
    };
    std::size_t lo = 0, hi = fronts.size();
    while (lo < hi) {
      const std::size_t mid = (lo + hi) / 2;
      if (dominated_by_front(fronts[mid])) lo = mid + 1;
      else hi = mid;
    }
    if (lo == fronts.size()) fronts.emplace_back();
    fronts[lo].push_back(i);
  }
  for (auto& f : fronts) std::sort(f.begin(), f.end());
  return fronts;
}

}  // namespace

bool dominates(const Point& a, const Point& b) {
  if (a.size() != b.size())
    throw std::invalid_argument("dominates: points have " + std::to_string(a.size()) + " and " +
                                std::to_string(b.size()) + " objectives");
  bool strictly = false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!(a[i] <= b[i])) return false;  // also false for NaN
    if (a[i] < b[i]) strictly = true;
  }
  return strictly;
}

std::vector<std::vector<std::size_t>> non_dominated_sort(const std::vector<Point>& points) {
  const std::size_t m = dimension_of(points);
  if (points.empty()) return {};
  if (m == 2 && all_finite(points)) return sort_2d(points);
  return sort_general(points);
}

std::vector<std::size_t> pareto_front(const std::vector<Point>& points) {
  auto fronts = non_dominated_sort(points);
  if (fronts.empty()) return {};
  return std::move(fronts.front());
}

std::vector<double> crowding_distance(const std::vector<Point>& points,
                                      const std::vector<std::size_t>& front) {
  const double inf = std::numeric_limits<double>::infinity();
  const std::size_t n = front.size();
  for (std::size_t i : front)
    if (i >= points.size())
      throw std::invalid_argument("crowding_distance: index " + std::to_string(i) +
                                  " out of range for " + std::to_string(points.size()) + " points");
  if (n <= 2) return std::vector<double>(n, inf);
  const std::size_t m = dimension_of(points);
  std::vector<double> dist(n, 0.0);
  std::vector<std::size_t> order(n);  // positions in `front`
  for (std::size_t k = 0; k < m; ++k) {
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return points[front[a]][k] < points[front[b]][k];
    });
    const double lo = points[front[order.front()]][k];
    const double hi = points[front[order.back()]][k];
    dist[order.front()] = inf;
    dist[order.back()] = inf;
    if (!(hi > lo)) continue;
    for (std::size_t r = 1; r + 1 < n; ++r) {
      const double gap = points[front[order[r + 1]]][k] - points[front[order[r - 1]]][k];
      dist[order[r]] += gap / (hi - lo);
    }
  }
  return dist;
}

std::size_t knee_point(const std::vector<Point>& points, const std::vector<std::size_t>& front) {
  if (front.empty()) throw std::invalid_argument("knee_point: empty front");
  for (std::size_t i : front)
    if (i >= points.size())
      throw std::invalid_argument("knee_point: index " + std::to_string(i) + " out of range for " +
                                  std::to_string(points.size()) + " points");
  const std::size_t m = dimension_of(points);
  if (front.size() == 1 || m == 0) return front.front();
  if (m == 1) {
    return *std::min_element(front.begin(), front.end(), [&](std::size_t a, std::size_t b) {
      return points[a][0] < points[b][0];
    });
  }
  // Normalize each objective over the front to [0, 1] (a constant objective becomes 0).
  const std::size_t n = front.size();
  Eigen::MatrixXd z(n, m);
  for (std::size_t k = 0; k < m; ++k) {
    double lo = points[front[0]][k], hi = lo;
    for (std::size_t i : front) {
      lo = std::min(lo, points[i][k]);
      hi = std::max(hi, points[i][k]);
    }
    for (std::size_t r = 0; r < n; ++r)
      z(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(k)) =
          hi > lo ? (points[front[r]][k] - lo) / (hi - lo) : 0.0;
  }
  // The extreme of objective k: its best member (ties broken by the sum of the others).
  Eigen::MatrixXd extremes(m, m);
  for (std::size_t k = 0; k < m; ++k) {
    Eigen::Index best = 0;
    for (Eigen::Index r = 1; r < static_cast<Eigen::Index>(n); ++r) {
      const double a = z(r, static_cast<Eigen::Index>(k)), b = z(best, static_cast<Eigen::Index>(k));
      if (a < b || (a == b && z.row(r).sum() < z.row(best).sum())) best = r;
    }
    extremes.row(static_cast<Eigen::Index>(k)) = z.row(best);
  }
  // Hyperplane n.x = 1 through the extremes; degenerate extremes fall back to sum(x) = 1.
  Eigen::VectorXd normal = Eigen::VectorXd::Ones(static_cast<Eigen::Index>(m));
  Eigen::FullPivLU<Eigen::MatrixXd> lu(extremes);
  if (lu.isInvertible()) {
    Eigen::VectorXd candidate = lu.solve(Eigen::VectorXd::Ones(static_cast<Eigen::Index>(m)));
    if (candidate.allFinite() && (candidate.array() > 0.0).all()) normal = candidate;
  }
  const double norm = normal.norm();
  std::size_t best = 0;
  double best_distance = -std::numeric_limits<double>::infinity();
  for (std::size_t r = 0; r < n; ++r) {
    // Signed distance towards the ideal point (origin side of the plane).
    const double d = (1.0 - z.row(static_cast<Eigen::Index>(r)).dot(normal)) / norm;
    if (d > best_distance) {
      best_distance = d;
      best = r;
    }
  }
  return front[best];
}

std::vector<Point> minimization_matrix(std::span<const Trial> trials,
                                       std::span<const Objective> objectives,
                                       std::vector<std::size_t>* trial_index) {
  std::vector<Point> out;
  if (trial_index) trial_index->clear();
  for (std::size_t t = 0; t < trials.size(); ++t) {
    const Trial& trial = trials[t];
    if (trial.state != TrialState::kComplete) continue;
    Point p;
    p.reserve(objectives.size());
    bool complete = true;
    for (std::size_t k = 0; k < objectives.size() && complete; ++k) {
      std::optional<double> v;
      if (trial.values.size() == objectives.size()) v = trial.values[k];
      else v = trial.figure(objectives[k].name);
      if (!v || !std::isfinite(*v)) complete = false;
      else p.push_back(to_minimization(*v, objectives[k].direction));
    }
    if (!complete) continue;
    out.push_back(std::move(p));
    if (trial_index) trial_index->push_back(t);
  }
  return out;
}

}  // namespace hpo
