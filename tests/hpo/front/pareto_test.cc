// Pareto dominance, non-dominated sorting, crowding distance, knee point and the
// minimization matrix: hand-computed tables (pagmo style) plus 2-D fast path vs the general
// sort on seeded random sets with ties.
#include "hpo/front/pareto.h"

#include <cmath>
#include <limits>
#include <random>
#include <stdexcept>

#include <gtest/gtest.h>

namespace hpo {
namespace {

TEST(Dominates, Basic) {
  EXPECT_TRUE(dominates({1, 2}, {2, 2}));
  EXPECT_TRUE(dominates({1, 1}, {2, 2}));
  EXPECT_FALSE(dominates({1, 2}, {1, 2}));  // equal points do not dominate
  EXPECT_FALSE(dominates({1, 3}, {2, 2}));
  EXPECT_FALSE(dominates({2, 2}, {1, 2}));
  EXPECT_TRUE(dominates({0, 0, 0, 0}, {0, 0, 0, 1}));
  EXPECT_FALSE(dominates({std::nan(""), 0.0}, {1.0, 1.0}));
  EXPECT_THROW(dominates({1, 2}, {1, 2, 3}), std::invalid_argument);
}

// pagmo-style table: three fronts of a 2-D set.
const std::vector<Point> kTable = {{0, 7}, {1, 5}, {2, 3}, {4, 2}, {7, 1}, {10, 0},
                                   {2, 6}, {4, 4}, {10, 2}, {6, 6}, {9, 5}};
const std::vector<std::vector<std::size_t>> kTableFronts = {
    {0, 1, 2, 3, 4, 5}, {6, 7, 8}, {9, 10}};

TEST(NonDominatedSort, HandComputed2d) {
  EXPECT_EQ(non_dominated_sort(kTable), kTableFronts);
  EXPECT_EQ(pareto_front(kTable), kTableFronts[0]);
}

TEST(NonDominatedSort, HandComputedGeneralPath) {
  // A constant third objective changes no dominance but forces the O(M N^2) sort.
  std::vector<Point> pts = kTable;
  for (auto& p : pts) p.push_back(5.0);
  EXPECT_EQ(non_dominated_sort(pts), kTableFronts);
}

TEST(NonDominatedSort, DuplicatesShareAFront) {
  const std::vector<Point> pts = {{1, 1}, {1, 1}, {2, 2}, {0, 3}, {2, 2}};
  const std::vector<std::vector<std::size_t>> expected = {{0, 1, 3}, {2, 4}};
  EXPECT_EQ(non_dominated_sort(pts), expected);
  // Same first objective, different second: the lower one dominates.
  const std::vector<Point> same_x = {{1, 2}, {1, 1}};
  EXPECT_EQ(non_dominated_sort(same_x), (std::vector<std::vector<std::size_t>>{{1}, {0}}));
}

TEST(NonDominatedSort, EmptyAndSingle) {
  EXPECT_TRUE(non_dominated_sort({}).empty());
  EXPECT_TRUE(pareto_front({}).empty());
  EXPECT_EQ(non_dominated_sort({{3.0}}), (std::vector<std::vector<std::size_t>>{{0}}));
  // One objective: ranks follow the value, ties share a rank.
  EXPECT_EQ(non_dominated_sort({{3.0}, {1.0}, {3.0}, {2.0}}),
            (std::vector<std::vector<std::size_t>>{{1}, {3}, {0, 2}}));
}

TEST(NonDominatedSort, RaggedInputThrows) {
  EXPECT_THROW(non_dominated_sort({{1, 2}, {1}}), std::invalid_argument);
}

TEST(NonDominatedSort, Fast2dMatchesGeneralOnRandomSets) {
  std::mt19937_64 rng(42);
  std::uniform_int_distribution<int> coord(0, 9);  // small grid: many ties and duplicates
  for (int rep = 0; rep < 50; ++rep) {
    std::vector<Point> pts(1 + rep * 3);
    for (auto& p : pts) p = {double(coord(rng)), double(coord(rng))};
    std::vector<Point> lifted = pts;
    for (auto& p : lifted) p.push_back(0.0);
    const auto fast = non_dominated_sort(pts);
    ASSERT_EQ(fast, non_dominated_sort(lifted)) << "rep " << rep;
    // Definition check: nobody in front k is dominated by anybody in front >= k, and every
    // member of front k > 0 is dominated by someone in front k - 1.
    for (std::size_t k = 0; k < fast.size(); ++k) {
      for (std::size_t i : fast[k]) {
        for (std::size_t kk = k; kk < fast.size(); ++kk)
          for (std::size_t j : fast[kk]) EXPECT_FALSE(dominates(pts[j], pts[i]));
        if (k == 0) continue;
        bool found = false;
        for (std::size_t j : fast[k - 1]) found = found || dominates(pts[j], pts[i]);
        EXPECT_TRUE(found);
      }
    }
  }
}

TEST(CrowdingDistance, HandComputed) {
  const std::vector<Point> pts = {{0, 5}, {1, 3}, {2, 2}, {5, 0}, {9, 9}};
  const auto d = crowding_distance(pts, {0, 1, 2, 3});
  const double inf = std::numeric_limits<double>::infinity();
  ASSERT_EQ(d.size(), 4u);
  EXPECT_EQ(d[0], inf);
  EXPECT_DOUBLE_EQ(d[1], 0.4 + 0.6);
  EXPECT_DOUBLE_EQ(d[2], 0.8 + 0.6);
  EXPECT_EQ(d[3], inf);
}

TEST(CrowdingDistance, SmallFrontsAndConstantObjective) {
  const double inf = std::numeric_limits<double>::infinity();
  const std::vector<Point> pts = {{0, 1}, {1, 1}, {2, 1}};
  EXPECT_EQ(crowding_distance(pts, {0, 2}), (std::vector<double>{inf, inf}));
  const auto d = crowding_distance(pts, {0, 1, 2});
  EXPECT_DOUBLE_EQ(d[1], 1.0);  // second objective constant: contributes nothing
  EXPECT_THROW(crowding_distance(pts, {0, 7}), std::invalid_argument);
}

TEST(KneePoint, TwoObjectives) {
  const std::vector<Point> pts = {{0, 1}, {0.2, 0.3}, {0.5, 0.2}, {1, 0}};
  EXPECT_EQ(knee_point(pts, {0, 1, 2, 3}), 1u);
  // Rescaling an objective does not move the knee.
  std::vector<Point> scaled = pts;
  for (auto& p : scaled) p[1] = 100.0 * p[1] + 7.0;
  EXPECT_EQ(knee_point(scaled, {0, 1, 2, 3}), 1u);
}

TEST(KneePoint, ThreeObjectivesAndDegenerateCases) {
  const std::vector<Point> pts = {
      {1, 0, 0}, {0, 1, 0}, {0, 0, 1}, {0.2, 0.2, 0.2}, {0.4, 0.4, 0.1}};
  EXPECT_EQ(knee_point(pts, {0, 1, 2, 3, 4}), 3u);
  EXPECT_EQ(knee_point(pts, {4}), 4u);
  const std::vector<Point> one = {{3.0}, {1.0}, {2.0}};
  EXPECT_EQ(knee_point(one, {0, 1, 2}), 1u);
  EXPECT_THROW(knee_point(pts, {}), std::invalid_argument);
}

TEST(MinimizationMatrix, MixedDirectionsAndSkips) {
  std::vector<Trial> trials(5);
  for (int i = 0; i < 5; ++i) trials[i].number = i;
  trials[0].state = TrialState::kComplete;
  trials[0].values = {0.9, 0.02};
  trials[1].state = TrialState::kFailed;  // skipped
  trials[1].values = {0.99, 0.01};
  trials[2].state = TrialState::kComplete;  // values from metrics and the energy figure
  trials[2].metrics["accuracy"] = 0.8;
  trials[2].energy.energy_kwh = 0.01;
  trials[3].state = TrialState::kComplete;  // lacks accuracy: skipped
  trials[3].energy.energy_kwh = 0.01;
  trials[4].state = TrialState::kPruned;
  const std::vector<Objective> objs = {{"accuracy", Direction::kMaximize},
                                       {"energy_kwh", Direction::kMinimize}};
  std::vector<std::size_t> index;
  const auto m = minimization_matrix(trials, objs, &index);
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(index, (std::vector<std::size_t>{0, 2}));
  EXPECT_EQ(m[0], (Point{-0.9, 0.02}));
  EXPECT_EQ(m[1], (Point{-0.8, 0.01}));
  EXPECT_EQ(pareto_front(m), (std::vector<std::size_t>{0, 1}));
}

}  // namespace
}  // namespace hpo
