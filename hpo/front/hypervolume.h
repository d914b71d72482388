// Hypervolume of a point set against a reference point, minimization form: the measure of
// the region dominated by the set and bounded by `reference`. Points not strictly better
// than the reference in every objective contribute nothing.
// Exact: 1-D trivial, 2-D sweep O(N log N), 3-D sweep with a balanced tree O(N log N)
// (Beume et al., 2009), and WFG (While, Bradstreet & Barone, 2012) beyond three objectives.
#pragma once

#include <vector>

#include "hpo/front/pareto.h"

namespace hpo {

double hypervolume(const std::vector<Point>& points, const Point& reference);
// Exclusive contribution of each point (hv(all) - hv(all without it)).
std::vector<double> hypervolume_contributions(const std::vector<Point>& points,
                                              const Point& reference);
// Brute-force reference (inclusion-exclusion over boxes on a grid); for tests only, small N.
double hypervolume_brute_force(const std::vector<Point>& points, const Point& reference);

}  // namespace hpo
