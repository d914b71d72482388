// The benchmark problems of objectives/problems.h at hand-computed points.
#include "objectives/problems.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <stdexcept>

namespace objectives {
namespace {

constexpr double kPi = std::numbers::pi;

TEST(Problems, RegistryListsEveryProblemWithItsReferencePoint) {
  ASSERT_NE(find_problem("zdt1"), nullptr);
  EXPECT_EQ(find_problem("zdt1")->n_vars, 6);
  EXPECT_EQ(find_problem("zdt3")->hv_reference, (std::vector<double>{11, 11}));
  EXPECT_EQ(find_problem("dtlz2")->hv_reference, (std::vector<double>{2.5, 2.5}));
  EXPECT_EQ(find_problem("branin_currin")->n_vars, 2);
  EXPECT_EQ(find_problem("nope"), nullptr);
}

TEST(Problems, Zdt1OnAndOffTheFront) {
  // On the front (x2..x6 = 0, g = 1): f2 = 1 - sqrt(f1).
  for (double f1 : {0.0, 0.25, 0.64, 1.0}) {
    const auto f = evaluate("zdt1", {f1, 0, 0, 0, 0, 0});
    EXPECT_DOUBLE_EQ(f[0], f1);
    EXPECT_NEAR(f[1], 1.0 - std::sqrt(f1), 1e-12);
  }
  // x2..x6 = 1: g = 10, f2 = 10 * (1 - sqrt(0.25 / 10)).
  const auto f = evaluate("zdt1", {0.25, 1, 1, 1, 1, 1});
  EXPECT_NEAR(f[1], 10.0 * (1.0 - std::sqrt(0.025)), 1e-12);
}

TEST(Problems, Zdt2AndZdt3OnTheFront) {
  EXPECT_NEAR(evaluate("zdt2", {0.5, 0, 0, 0, 0, 0})[1], 0.75, 1e-12);
  // ZDT3: 1 - sqrt(f1) - f1 sin(10 pi f1); at f1 = 0.05 the sine is 1.
  EXPECT_NEAR(evaluate("zdt3", {0.05, 0, 0, 0, 0, 0})[1], 1.0 - std::sqrt(0.05) - 0.05, 1e-12);
}

TEST(Problems, Dtlz2LiesOnTheUnitCircleWhenDistanceVariablesAreHalf) {
  for (double x0 : {0.0, 1.0 / 3.0, 0.5, 0.9, 1.0}) {
    const auto f = evaluate("dtlz2", {x0, 0.5, 0.5, 0.5, 0.5, 0.5});
    EXPECT_NEAR(f[0] * f[0] + f[1] * f[1], 1.0, 1e-12);
    EXPECT_NEAR(f[0], std::cos(x0 * kPi / 2), 1e-12);
  }
  const auto f = evaluate("dtlz2", {1.0 / 3.0, 0.5, 0.5, 0.5, 0.5, 0.5});
  EXPECT_NEAR(f[0], std::sqrt(3.0) / 2, 1e-12);
  EXPECT_NEAR(f[1], 0.5, 1e-12);
  // Off the front: g = 5 * 0.25 = 1.25, radius 2.25.
  const auto g = evaluate("dtlz2", {0.0, 0, 0, 0, 0, 0});
  EXPECT_NEAR(g[0], 2.25, 1e-12);
}

TEST(Problems, BraninCurrinKnownValues) {
  // Branin's global minimum 0.397887 at (pi, 2.275) in its own coordinates.
  const double x0 = (kPi + 5.0) / 15.0, x1 = 2.275 / 15.0;
  EXPECT_NEAR(evaluate("branin_currin", {x0, x1})[0], 0.397887, 1e-5);
  // Currin at (0, 1): 3 (1 - e^-0.5); at (1, 1): 6352/624 (1 - e^-0.5).
  EXPECT_NEAR(evaluate("branin_currin", {0.0, 1.0})[1], 3.0 * (1 - std::exp(-0.5)), 1e-12);
  EXPECT_NEAR(evaluate("branin_currin", {1.0, 1.0})[1], 6352.0 / 624.0 * (1 - std::exp(-0.5)), 1e-12);
  // Branin at the corner (0, 0): u = -5, v = 0.
  const double u = -5, t = -5.1 / (4 * kPi * kPi) * 25 + 5 / kPi * u - 6;
  EXPECT_NEAR(evaluate("branin_currin", {0.0, 0.0})[0], t * t + 10 * (1 - 1 / (8 * kPi)) * std::cos(u) + 10,
              1e-9);
}

TEST(Problems, BadInputsThrowNamingTheProblem) {
  try {
    (void)evaluate("zdt9", {0.1, 0.2});
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("zdt9"), std::string::npos);
  }
  EXPECT_THROW((void)evaluate("zdt1", {0.5}), std::invalid_argument);
  EXPECT_THROW((void)evaluate("zdt1", {0.5, 1.5}), std::invalid_argument);
  EXPECT_THROW((void)evaluate("branin_currin", {0.5, 0.5, 0.5}), std::invalid_argument);
}

}  // namespace
}  // namespace objectives
