// Pareto dominance, non-dominated sorting (Deb et al., 2002, "A fast and elitist
// multiobjective genetic algorithm: NSGA-II"), crowding distance and the knee point.
// Free functions over plain vectors, all in *minimization form*: convert maximized
// objectives with to_minimization() (objective.h) or use minimization_matrix() below.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "hpo/core/objective.h"
#include "hpo/core/trial.h"

namespace hpo {

using Point = std::vector<double>;

// a dominates b: no worse in every objective, strictly better in one.
bool dominates(const Point& a, const Point& b);

// Fronts of increasing rank; each front lists indices into `points`. O(M N^2) in general,
// O(N log N) for two objectives.
std::vector<std::vector<std::size_t>> non_dominated_sort(const std::vector<Point>& points);
// Indices of the first front (non-dominated points), in input order.
std::vector<std::size_t> pareto_front(const std::vector<Point>& points);
// Crowding distance of each member of `front` (infinite at the extremes), same order.
std::vector<double> crowding_distance(const std::vector<Point>& points,
                                      const std::vector<std::size_t>& front);
// Knee of a front: the member farthest from the line (plane) through the extremes after
// normalizing each objective to [0, 1]; for one objective, the best point. Returns an index
// into `points`. `front` must be non-empty.
std::size_t knee_point(const std::vector<Point>& points, const std::vector<std::size_t>& front);

// Complete trials as minimization-form points; `trial_index[i]` is the index in `trials` of
// point i. Trials lacking a value for an objective are skipped.
std::vector<Point> minimization_matrix(std::span<const Trial> trials,
                                       std::span<const Objective> objectives,
                                       std::vector<std::size_t>* trial_index);

}  // namespace hpo
