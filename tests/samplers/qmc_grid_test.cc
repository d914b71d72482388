// qmc: scrambled Sobol points fill strata evenly (the net property survives Owen scrambling),
// differ between seeds and are reproducible. grid: every combination exactly once, in a
// seeded order, conditional branches, exhaustion, and option errors naming the key.
#include <gtest/gtest.h>

#include <set>

#include "hpo/core/config_error.h"
#include "samplers/detail/sobol_scramble.h"
#include "samplers/grid_sampler.h"
#include "samplers/qmc_sampler.h"
#include "tests/samplers/sampler_test_util.h"

namespace samplers::testing {
namespace {

TEST(Qmc, First2mPointsFillEveryElementaryIntervalOnce) {
  for (std::uint64_t seed : {0u, 1u, 42u}) {
    // 64 points in 2-D: one per 8x8 cell (t = 0 for Sobol's first two dimensions), and one per
    // 1/64 stratum in each dimension.
    std::set<std::pair<int, int>> cells;
    std::set<int> s0, s1;
    for (std::uint64_t i = 0; i < 64; ++i) {
      const auto u = detail::scrambled_sobol_point(i, 2, seed);
      ASSERT_GE(u[0], 0.0);
      ASSERT_LT(u[0], 1.0);
      cells.insert({static_cast<int>(u[0] * 8), static_cast<int>(u[1] * 8)});
      s0.insert(static_cast<int>(u[0] * 64));
      s1.insert(static_cast<int>(u[1] * 64));
    }
    EXPECT_EQ(cells.size(), 64u) << "seed " << seed;
    EXPECT_EQ(s0.size(), 64u);
    EXPECT_EQ(s1.size(), 64u);
  }
}

TEST(Qmc, OwenScrambleIsABijectionOnLeadingBits) {
  std::set<std::uint32_t> seen;
  for (std::uint32_t v = 0; v < 256; ++v) seen.insert(detail::owen_scramble(v << 24, 99) >> 24);
  EXPECT_EQ(seen.size(), 256u);
}

TEST(Qmc, SeedsGiveDifferentReproduciblePoints) {
  const auto space = box_space(4);
  const auto objs = objectives(1);
  std::vector<hpo::Trial> none;
  const hpo::StudyView view{space, objs, none};
  QmcSampler a({.seed = 1}), b({.seed = 1}), c({.seed = 2});
  const auto pa = a.suggest(view, 5), pb = b.suggest(view, 5), pc = c.suggest(view, 5);
  EXPECT_EQ(hpo::params_to_json(pa), hpo::params_to_json(pb));
  EXPECT_NE(hpo::params_to_json(pa), hpo::params_to_json(pc));
}

TEST(Qmc, CoversSpaceBetterThanRandom) {
  // Star-discrepancy proxy: the worst deviation of box counts [0,a)x[0,b) from a*b over a
  // 16x16 set of boxes, for 256 points; Sobol's is far below random's for the same seed count.
  const auto space = box_space(2);
  const auto objs = objectives(1);
  std::vector<hpo::Trial> none;
  const hpo::StudyView view{space, objs, none};
  const auto disc = [&](hpo::Sampler& s) {
    std::vector<std::pair<double, double>> pts;
    for (int i = 0; i < 256; ++i) {
      auto p = s.suggest(view, i);
      pts.push_back({std::get<double>(p.at("x0")), std::get<double>(p.at("x1"))});
    }
    double worst = 0.0;
    for (int a = 1; a <= 16; ++a)
      for (int b = 1; b <= 16; ++b) {
        const double x = a / 16.0, y = b / 16.0;
        double n = 0;
        for (auto [px, py] : pts) n += (px < x && py < y);
        worst = std::max(worst, std::abs(n / 256.0 - x * y));
      }
    return worst;
  };
  auto q = make_sampler("qmc", 4);
  auto r = make_sampler("random", 4);
  EXPECT_LT(disc(*q), 0.5 * disc(*r));
}

TEST(Grid, VisitsEveryCombinationOnceThenIsExhausted) {
  hpo::SearchSpace space;
  space.params.push_back(cat_param("act", {std::string("relu"), std::string("tanh"),
                                           std::string("gelu")}));
  space.params.push_back(int_param("depth", 0, 3));
  space.params.push_back(float_param("lr", 1e-3, 1e-1, true));
  const auto objs = objectives(1);
  GridSampler g({.seed = 3, .n_points = 4});
  EXPECT_EQ(g.grid_size(space), 3u * 4u * 4u);
  std::vector<hpo::Trial> trials;
  std::set<std::string> seen;
  for (std::int64_t n = 0; n < 48; ++n) {
    const hpo::StudyView view{space, objs, trials};
    EXPECT_FALSE(g.exhausted(view)) << n;
    auto p = g.suggest(view, n);
    EXPECT_EQ(space.check(p), "");
    seen.insert(hpo::params_to_json(p).dump());
    trials.push_back(complete_trial(space, objs, n, p));
  }
  EXPECT_EQ(seen.size(), 48u);
  EXPECT_TRUE(g.exhausted({space, objs, trials}));
  // The log-scaled grid includes both ends and the geometric midpoints.
  const auto lr = g.values_of(space.params[2]);
  ASSERT_EQ(lr.size(), 4u);
  EXPECT_DOUBLE_EQ(std::get<double>(lr.front()), 1e-3);
  EXPECT_DOUBLE_EQ(std::get<double>(lr.back()), 1e-1);
  EXPECT_NEAR(std::get<double>(lr[1]), std::pow(10.0, -3.0 + 2.0 / 3.0), 1e-12);
}

TEST(Grid, OrderIsSeededAndConditionalsOnlyBranchWhereActive) {
  hpo::SearchSpace space;
  space.params.push_back(cat_param("opt", {std::string("sgd"), std::string("adam")}));
  auto m = float_param("momentum", 0.0, 0.9);
  m.step = 0.3;
  m.condition = hpo::Condition{"opt", {std::string("sgd")}};
  space.params.push_back(m);
  GridSampler a({.seed = 1}), b({.seed = 2});
  EXPECT_EQ(a.grid_size(space), 4u + 1u);  // sgd x {0, .3, .6, .9} + adam
  const auto objs = objectives(1);
  std::vector<hpo::Trial> none;
  std::string order_a, order_b;
  for (int n = 0; n < 5; ++n) {
    order_a += hpo::params_to_json(a.suggest({space, objs, none}, n)).dump();
    order_b += hpo::params_to_json(b.suggest({space, objs, none}, n)).dump();
  }
  EXPECT_NE(order_a, order_b);
}

TEST(Grid, BadOptionNamesTheKey) {
  try {
    make_sampler("grid", 1, {{"n_points", 0}});
    FAIL();
  } catch (const hpo::ConfigError& e) {
    EXPECT_EQ(e.key(), "/sampler/n_points");
    EXPECT_NE(std::string(e.what()).find("n_points"), std::string::npos);
  }
}

}  // namespace
}  // namespace samplers::testing
