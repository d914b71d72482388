// Hypervolume: hand-computed values, exclusive contributions, and the exact algorithms
// (2-D sweep, 3-D sweep, WFG) against the grid brute force on seeded random sets for 2 to 5
// objectives, plus cross-checks between dimensions on larger sets.
#include "hpo/front/hypervolume.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>

#include <gtest/gtest.h>

namespace hpo {
namespace {

TEST(Hypervolume, HandComputed) {
  EXPECT_DOUBLE_EQ(hypervolume({{1, 2}, {2, 1}}, {3, 3}), 3.0);
  EXPECT_DOUBLE_EQ(hypervolume({{1, 1, 1}}, {2, 2, 2}), 1.0);
  EXPECT_DOUBLE_EQ(hypervolume({{0, 0, 1}, {1, 1, 0}}, {2, 2, 2}), 4.0 + 2.0 - 1.0);
  EXPECT_DOUBLE_EQ(hypervolume({{0, 0, 0, 1}, {1, 1, 1, 0}}, {2, 2, 2, 2}), 8.0 + 2.0 - 1.0);
  EXPECT_DOUBLE_EQ(hypervolume({{0.5}, {0.25}}, {1.0}), 0.75);
  // pagmo's textbook 2-D case: a staircase of three points against (4, 4).
  EXPECT_DOUBLE_EQ(hypervolume({{1, 3}, {2, 2}, {3, 1}}, {4, 4}), 3.0 + 2.0 + 1.0);
}

TEST(Hypervolume, PointsOutsideOrOnTheReferenceAddNothing) {
  EXPECT_DOUBLE_EQ(hypervolume({{1, 2}, {5, 0}, {0, 3}}, {3, 3}), 2.0);
  EXPECT_DOUBLE_EQ(hypervolume({}, {1, 1}), 0.0);
  EXPECT_DOUBLE_EQ(hypervolume({{1, 1, 1, 1, 1}}, {1, 2, 2, 2, 2}), 0.0);
  // Dominated and duplicate points change nothing.
  EXPECT_DOUBLE_EQ(hypervolume({{1, 2}, {2, 1}, {2, 2}, {1, 2}}, {3, 3}), 3.0);
  EXPECT_DOUBLE_EQ(hypervolume({{1, 1, 1}, {1, 1, 1}, {1.5, 1.5, 1.5}}, {2, 2, 2}), 1.0);
}

TEST(Hypervolume, RaggedInputThrows) {
  EXPECT_THROW(hypervolume({{1, 2, 3}}, {3, 3}), std::invalid_argument);
  EXPECT_THROW(hypervolume_contributions({{1}}, {3, 3}), std::invalid_argument);
  EXPECT_THROW(hypervolume_brute_force({{1}}, {3, 3}), std::invalid_argument);
}

TEST(HypervolumeContributions, HandComputed) {
  const auto c = hypervolume_contributions({{1, 2}, {2, 1}, {2, 2}, {5, 5}}, {3, 3});
  EXPECT_EQ(c, (std::vector<double>{1.0, 1.0, 0.0, 0.0}));
  const auto dup = hypervolume_contributions({{1, 1}, {1, 1}}, {2, 2});
  EXPECT_EQ(dup, (std::vector<double>{0.0, 0.0}));
  const auto c3 = hypervolume_contributions({{0, 0, 1}, {1, 1, 0}}, {2, 2, 2});
  EXPECT_DOUBLE_EQ(c3[0], 3.0);
  EXPECT_DOUBLE_EQ(c3[1], 1.0);
}

std::vector<Point> random_points(std::mt19937_64& rng, std::size_t n, std::size_t d,
                                 bool on_grid) {
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::uniform_int_distribution<int> g(0, 5);
  std::vector<Point> pts(n, Point(d));
  for (auto& p : pts)
    for (auto& x : p) x = on_grid ? g(rng) / 5.0 : u(rng);
  return pts;
}

// Points on a front-like shell (sum of squares ~ 1) plus noise: many non-dominated points.
std::vector<Point> shell_points(std::mt19937_64& rng, std::size_t n, std::size_t d) {
  std::normal_distribution<double> z(0.0, 1.0);
  std::uniform_real_distribution<double> u(0.0, 0.1);
  std::vector<Point> pts(n, Point(d));
  for (auto& p : pts) {
    double norm = 0.0;
    for (auto& x : p) { x = std::abs(z(rng)); norm += x * x; }
    for (auto& x : p) x = x / std::sqrt(norm) + u(rng);
  }
  return pts;
}

class HypervolumeVsBruteForce : public ::testing::TestWithParam<std::size_t> {};

TEST_P(HypervolumeVsBruteForce, RandomSets) {
  const std::size_t d = GetParam();
  std::mt19937_64 rng(1000 + d);
  const std::size_t max_n = d <= 3 ? 20 : (d == 4 ? 12 : 8);
  const Point ref(d, 1.2);
  for (int rep = 0; rep < 30; ++rep) {
    const std::size_t n = 1 + rep % max_n;
    for (bool grid : {false, true}) {
      auto pts = rep % 3 == 2 ? shell_points(rng, n, d) : random_points(rng, n, d, grid);
      const double brute = hypervolume_brute_force(pts, ref);
      const double exact = hypervolume(pts, ref);
      ASSERT_NEAR(exact, brute, 1e-12 * std::max(1.0, brute)) << "d=" << d << " rep=" << rep;
      // Exclusive contributions agree with hv(all) - hv(all without i).
      const auto contrib = hypervolume_contributions(pts, ref);
      for (std::size_t i = 0; i < n; ++i) {
        auto rest = pts;
        rest.erase(rest.begin() + static_cast<std::ptrdiff_t>(i));
        EXPECT_NEAR(contrib[i], exact - hypervolume_brute_force(rest, ref), 1e-12)
            << "d=" << d << " rep=" << rep << " i=" << i;
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Dimensions, HypervolumeVsBruteForce, ::testing::Values(2, 3, 4, 5));

TEST(Hypervolume, DimensionsAgreeOnLargerSets) {
  // Adding an objective where every point sits at 0 against a reference of 1 keeps the
  // volume, so the 2-D sweep, the 3-D sweep and WFG must agree on the same set.
  std::mt19937_64 rng(7);
  const auto pts2 = shell_points(rng, 400, 2);
  auto pts3 = shell_points(rng, 300, 3);
  std::vector<Point> lift2 = pts2, lift3 = pts3;
  for (auto& p : lift2) p.push_back(0.0);
  for (auto& p : lift3) p.push_back(0.0);
  const double hv2 = hypervolume(pts2, {1.5, 1.5});
  EXPECT_NEAR(hypervolume(lift2, {1.5, 1.5, 1.0}), hv2, 1e-12);
  const double hv3 = hypervolume(pts3, {1.5, 1.5, 1.5});
  EXPECT_NEAR(hypervolume(lift3, {1.5, 1.5, 1.5, 1.0}), hv3, 1e-12);
  EXPECT_GT(hv3, 0.0);
}

TEST(Hypervolume, MixedDirectionsThroughMinimizationMatrix) {
  // accuracy (maximize) and energy (minimize): in minimization form the reference point
  // is (-worst accuracy, worst energy).
  std::vector<Trial> trials(3);
  trials[0].values = {0.9, 2.0};
  trials[1].values = {0.7, 1.0};
  trials[2].values = {0.6, 3.0};  // dominated
  for (auto& t : trials) t.state = TrialState::kComplete;
  const std::vector<Objective> objs = {{"accuracy", Direction::kMaximize},
                                       {"energy_kwh", Direction::kMinimize}};
  const auto m = minimization_matrix(trials, objs, nullptr);
  // Reference: accuracy 0.5, energy 4: (0.9-0.5)*(4-2) + (0.7-0.5)*(2-1) = 0.8 + 0.2.
  EXPECT_NEAR(hypervolume(m, {-0.5, 4.0}), 1.0, 1e-12);
  EXPECT_NEAR(hypervolume_brute_force(m, {-0.5, 4.0}), 1.0, 1e-12);
}

}  // namespace
}  // namespace hpo
