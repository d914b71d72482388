#include "hpo/front/hypervolume.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <map>
#include <numeric>
#include <stdexcept>
#include <string>

namespace hpo {
namespace {

void check_dimensions(const std::vector<Point>& points, const Point& reference, const char* who) {
  for (std::size_t i = 0; i < points.size(); ++i) {
    if (points[i].size() != reference.size())
      throw std::invalid_argument(std::string(who) + ": point " + std::to_string(i) + " has " +
                                  std::to_string(points[i].size()) +
                                  " objectives, the reference point has " +
                                  std::to_string(reference.size()));
  }
}

// Points strictly better than the reference in every objective (others add no volume).
std::vector<Point> inside(const std::vector<Point>& points, const Point& reference) {
  std::vector<Point> out;
  out.reserve(points.size());
  for (const auto& p : points) {
    bool ok = true;
    for (std::size_t k = 0; k < p.size() && ok; ++k) ok = p[k] < reference[k];
    if (ok) out.push_back(p);
  }
  return out;
}

double box_volume(const Point& p, const Point& reference) {
  double v = 1.0;
  for (std::size_t k = 0; k < p.size(); ++k) v *= reference[k] - p[k];
  return v;
}

// Removes points weakly dominated by another (keeps one copy of duplicates). O(N^2) but the
// sets passed here (WFG limit sets) are small and shrink quickly.
std::vector<Point> non_dominated(std::vector<Point> pts) {
  // Sorting by the first coordinate (then the rest) lets each point be checked only against
  // the kept points that precede it.
  std::sort(pts.begin(), pts.end());
  pts.erase(std::unique(pts.begin(), pts.end()), pts.end());
  std::vector<Point> kept;
  kept.reserve(pts.size());
  for (auto& p : pts) {
    bool dominated = false;
    for (const auto& q : kept) {
      bool weakly = true;
      for (std::size_t k = 0; k < p.size() && weakly; ++k) weakly = q[k] <= p[k];
      if (weakly) { dominated = true; break; }
    }
    if (!dominated) kept.push_back(std::move(p));
  }
  return kept;
}

// 2-D sweep: by the first objective ascending, each point adds the strip under the best
// second objective so far.
double hv_2d(std::vector<Point> pts, const Point& r) {
  std::sort(pts.begin(), pts.end());
  double area = 0.0, best_y = r[1];
  for (const auto& p : pts) {
    if (p[1] < best_y) {
      area += (r[0] - p[0]) * (best_y - p[1]);
      best_y = p[1];
    }
  }
  return area;
}

// 3-D sweep (Beume et al., 2009): points by the third objective ascending; a balanced tree
// (std::map, x -> y with y decreasing in x) keeps the 2-D front of the points seen so far and
// its area, updated in amortized O(log N) per point.
double hv_3d(std::vector<Point> pts, const Point& r) {
  std::sort(pts.begin(), pts.end(), [](const Point& a, const Point& b) { return a[2] < b[2]; });
  std::map<double, double> front;  // x -> y
  double area = 0.0, volume = 0.0;
  for (std::size_t i = 0; i < pts.size(); ++i) {
    const double x = pts[i][0], y = pts[i][1];
    auto it = front.lower_bound(x);  // first entry with key >= x
    bool dominated = it != front.end() && it->first == x && it->second <= y;
    double y_left = r[1];  // height bound of the strip just left of x
    if (it != front.begin()) {
      const double y_pred = std::prev(it)->second;  // key < x
      if (y_pred <= y) dominated = true;
      else y_left = y_pred;
    }
    if (!dominated) {
      // `it` is the first entry with key >= x; remove the run with y >= y (now dominated).
      double x_prev = x, y_prev = y_left;
      while (it != front.end() && it->second >= y) {
        area += (it->first - x_prev) * (y_prev - y);
        x_prev = it->first;
        y_prev = it->second;
        it = front.erase(it);
      }
      const double x_next = it == front.end() ? r[0] : it->first;
      area += (x_next - x_prev) * (y_prev - y);
      front.emplace(x, y);
    }
    const double z_next = i + 1 < pts.size() ? pts[i + 1][2] : r[2];
    volume += area * (z_next - pts[i][2]);
  }
  return volume;
}

double hv_any(std::vector<Point> pts, const Point& r);

// WFG (While, Bradstreet & Barone, 2012): with points sorted by the last objective from worst
// to best, hv = sum_k exclusive(p_k | p_{k+1..}); every point of p_k's limit set shares p_k's
// last coordinate, so its volume is a slab times a (d-1)-dimensional hypervolume.
double hv_wfg(std::vector<Point> pts, const Point& r) {
  const std::size_t d = r.size();
  std::sort(pts.begin(), pts.end(),
            [d](const Point& a, const Point& b) { return a[d - 1] > b[d - 1]; });
  const Point r_low(r.begin(), r.end() - 1);
  double total = 0.0;
  std::vector<Point> limit;
  for (std::size_t k = 0; k < pts.size(); ++k) {
    const Point& p = pts[k];
    limit.clear();
    for (std::size_t j = k + 1; j < pts.size(); ++j) {
      Point w(d - 1);
      for (std::size_t c = 0; c + 1 < d; ++c) w[c] = std::max(p[c], pts[j][c]);
      limit.push_back(std::move(w));
    }
    const double slab = r[d - 1] - p[d - 1];
    const double covered = limit.empty() ? 0.0 : hv_any(non_dominated(std::move(limit)), r_low);
    total += box_volume(p, r) - slab * covered;
    limit = {};
  }
  return total;
}

// Dispatch by dimension; `pts` are inside the reference box.
double hv_any(std::vector<Point> pts, const Point& r) {
  if (pts.empty()) return 0.0;
  switch (r.size()) {
    case 0: return 0.0;
    case 1: {
      double best = r[0];
      for (const auto& p : pts) best = std::min(best, p[0]);
      return r[0] - best;
    }
    case 2: return hv_2d(std::move(pts), r);
    case 3: return hv_3d(std::move(pts), r);
    default: return hv_wfg(non_dominated(std::move(pts)), r);
  }
}

}  // namespace

double hypervolume(const std::vector<Point>& points, const Point& reference) {
  check_dimensions(points, reference, "hypervolume");
  return hv_any(inside(points, reference), reference);
}

std::vector<double> hypervolume_contributions(const std::vector<Point>& points,
                                              const Point& reference) {
  check_dimensions(points, reference, "hypervolume_contributions");
  const std::size_t n = points.size();
  std::vector<double> out(n, 0.0);
  std::vector<bool> in(n, false);
  for (std::size_t i = 0; i < n; ++i) {
    bool ok = true;
    for (std::size_t k = 0; k < reference.size() && ok; ++k) ok = points[i][k] < reference[k];
    in[i] = ok;
  }
  // Exclusive volume of p_i = its box minus the part covered by the others, which is the
  // hypervolume of the limit set {max(p_i, p_j)}.
  for (std::size_t i = 0; i < n; ++i) {
    if (!in[i]) continue;
    std::vector<Point> limit;
    bool dominated = false;
    for (std::size_t j = 0; j < n && !dominated; ++j) {
      if (j == i || !in[j]) continue;
      if (dominates(points[j], points[i])) dominated = true;
      Point w(reference.size());
      for (std::size_t k = 0; k < w.size(); ++k) w[k] = std::max(points[i][k], points[j][k]);
      limit.push_back(std::move(w));
    }
    if (dominated) continue;
    const double v = box_volume(points[i], reference) - hv_any(std::move(limit), reference);
    out[i] = std::max(v, 0.0);
  }
  return out;
}

double hypervolume_brute_force(const std::vector<Point>& points, const Point& reference) {
  check_dimensions(points, reference, "hypervolume_brute_force");
  const std::vector<Point> pts = inside(points, reference);
  const std::size_t d = reference.size();
  if (pts.empty() || d == 0) return 0.0;
  // The grid of every distinct coordinate; a cell is covered when a point is <= its lower corner.
  std::vector<std::vector<double>> grid(d);
  for (std::size_t k = 0; k < d; ++k) {
    for (const auto& p : pts) grid[k].push_back(p[k]);
    grid[k].push_back(reference[k]);
    std::sort(grid[k].begin(), grid[k].end());
    grid[k].erase(std::unique(grid[k].begin(), grid[k].end()), grid[k].end());
  }
  std::vector<std::size_t> cell(d, 0);
  double volume = 0.0;
  while (true) {
    bool covered = false;
    for (const auto& p : pts) {
      bool all = true;
      for (std::size_t k = 0; k < d && all; ++k) all = p[k] <= grid[k][cell[k]];
      if (all) { covered = true; break; }
    }
    if (covered) {
      double v = 1.0;
      for (std::size_t k = 0; k < d; ++k) v *= grid[k][cell[k] + 1] - grid[k][cell[k]];
      volume += v;
    }
    std::size_t k = 0;
    while (k < d && ++cell[k] + 1 >= grid[k].size()) cell[k++] = 0;
    if (k == d) break;
  }
  return volume;
}

}  // namespace hpo
