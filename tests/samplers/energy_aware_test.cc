// Energy-aware search (CArBO): the cost model's linear trend learns from a few trials which
// parameter drives energy; the cost-effective start-up design of tpe and gp prefers points
// predicted cheap (and spread), is deterministic under a seed, and its options are validated.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "samplers/energy_cost_model.h"
#include "sampler_test_util.h"

namespace samplers::testing {
namespace {

const std::vector<hpo::Objective> kTwo{{"f1", hpo::Direction::kMinimize},
                                       {"f2", hpo::Direction::kMinimize}};

// Energy 100x over x0 (log-linear), nothing else matters.
double cost_kwh(const hpo::Params& p) { return 1e-4 * std::pow(100.0, std::get<double>(p.at("x0"))); }

hpo::Trial trial_at(std::int64_t n, hpo::Params p) {
  hpo::Trial t;
  t.number = n;
  t.state = hpo::TrialState::kComplete;
  const double x0 = std::get<double>(p.at("x0")), x1 = std::get<double>(p.at("x1"));
  t.values = {x0 + (x1 - 0.3) * (x1 - 0.3), 1.0 - x0 + x1};
  t.energy.energy_kwh = cost_kwh(p);
  t.params = std::move(p);
  return t;
}

TEST(EnergyCostModel, LinearTrendLearnsTheCostDriverFromFewTrials) {
  const auto space = box_space(4);
  // Eight spread trials (a Latin-hypercube-like design) in four dimensions.
  const double design[8][4] = {{0.15, 0.55, 0.85, 0.35}, {0.35, 0.15, 0.45, 0.75},
                               {0.55, 0.85, 0.15, 0.55}, {0.75, 0.35, 0.65, 0.15},
                               {0.25, 0.75, 0.35, 0.95}, {0.65, 0.45, 0.95, 0.85},
                               {0.45, 0.95, 0.55, 0.25}, {0.85, 0.25, 0.25, 0.45}};
  std::vector<hpo::Trial> trials;
  for (int i = 0; i < 8; ++i)
    trials.push_back(trial_at(i, {{"x0", design[i][0]}, {"x1", design[i][1]},
                                  {"x2", design[i][2]}, {"x3", design[i][3]}}));
  EnergyCostModel trend, kernel({.linear_trend = false});
  trend.fit({space, kTwo, trials});
  kernel.fit({space, kTwo, trials});
  ASSERT_TRUE(trend.informative());
  // Outside the trials' range of x0 (0.15-0.85): the trend extrapolates below the cheapest
  // trial measured; kernel regression (a weighted mean of measured values) cannot.
  const hpo::Params lo{{"x0", 0.0}, {"x1", 0.5}, {"x2", 0.5}, {"x3", 0.5}};
  const hpo::Params hi{{"x0", 1.0}, {"x1", 0.5}, {"x2", 0.5}, {"x3", 0.5}};
  const double cheapest = 1e-4 * std::pow(100.0, 0.15);
  EXPECT_LT(trend.predict_kwh(space, lo), cheapest);
  EXPECT_GE(kernel.predict_kwh(space, lo), cheapest * (1 - 1e-9));
  const double r_trend = trend.predict_kwh(space, hi) / trend.predict_kwh(space, lo);
  EXPECT_GT(r_trend, 15.0) << "true ratio 100";
  EXPECT_NEAR(std::log(trend.predict_kwh(space, lo)), std::log(1e-4), 1.0);
  EXPECT_NEAR(trend.predict_log_kwh(space, hi), std::log(trend.predict_kwh(space, hi)), 1e-9);
  EXPECT_NE(EnergyCostModel::Options{.ridge = 0.0}.validate(), "");
}

TEST(EnergyCostModel, PickCostEffectiveTradesSpreadAgainstCost) {
  const auto space = box_space(2);
  std::vector<hpo::Trial> trials;
  for (int i = 0; i < 6; ++i)
    trials.push_back(trial_at(i, {{"x0", 0.1 + 0.15 * i}, {"x1", i % 2 ? 0.2 : 0.8}}));
  EnergyCostModel m;
  m.fit({space, kTwo, trials});
  const std::vector<hpo::Params> cands{{{"x0", 0.9}, {"x1", 0.5}}, {{"x0", 0.05}, {"x1", 0.5}},
                                       {{"x0", 0.5}, {"x1", 0.5}}};
  std::vector<hpo::Params> existing;
  for (const auto& t : trials) existing.push_back(t.params);
  // Cost weight 1: the cheap candidate (x0 = 0.05), though the expensive one is as far out.
  EXPECT_EQ(m.pick_cost_effective(space, cands, existing, 1.0), 1u);
  // No cost weight: spread alone; a candidate equal to a trial already run is never chosen.
  const std::vector<hpo::Params> spread{existing[2], {{"x0", 0.45}, {"x1", 0.5}}};
  EXPECT_EQ(m.pick_cost_effective(space, spread, existing, 0.0), 1u);
  EXPECT_EQ(m.pick_cost_effective(space, {existing[2], existing[3]}, existing, 1.0), 0u);
}

// Mean x0 of start-up proposals 6..15 (after 6 measured random trials), over three seeds.
double startup_mean_x0(const std::string& type, bool aware, std::vector<hpo::Params>* out = nullptr) {
  const auto space = box_space(2);
  double sum = 0.0;
  int n = 0;
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    nlohmann::json o = {{"seed", seed}, {"n_startup_trials", 16}, {"energy_aware", aware}};
    o[type == "gp" ? "cost_budget_trials" : "budget_trials"] = 100;
    auto s = make_sampler(type, seed, o);
    auto r = make_sampler("random", seed, {{"seed", seed}});
    std::vector<hpo::Trial> trials;
    for (int i = 0; i < 16; ++i) {
      hpo::Params p = (i < 6 ? *r : *s).suggest({space, kTwo, trials}, i);
      if (i >= 6) {
        sum += std::get<double>(p.at("x0"));
        ++n;
        if (out) out->push_back(p);
      }
      trials.push_back(trial_at(i, std::move(p)));
    }
  }
  return sum / n;
}

TEST(EnergyAwareStartup, TpeStartupPrefersPointsPredictedCheap) {
  const double plain = startup_mean_x0("tpe", false), aware = startup_mean_x0("tpe", true);
  EXPECT_LT(aware, 0.25) << "plain " << plain;
  EXPECT_LT(aware, plain - 0.15);
}

TEST(EnergyAwareStartup, GpStartupPrefersPointsPredictedCheap) {
  const double plain = startup_mean_x0("gp", false), aware = startup_mean_x0("gp", true);
  EXPECT_LT(aware, 0.25) << "plain " << plain;
  EXPECT_LT(aware, plain - 0.15);
}

TEST(EnergyAwareStartup, StartupDesignSpreadsAndIsDeterministic) {
  for (const std::string type : {"tpe", "gp"}) {
    std::vector<hpo::Params> a, b;
    startup_mean_x0(type, true, &a);
    startup_mean_x0(type, true, &b);
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
      EXPECT_DOUBLE_EQ(std::get<double>(a[i].at("x0")), std::get<double>(b[i].at("x0"))) << type;
      EXPECT_DOUBLE_EQ(std::get<double>(a[i].at("x1")), std::get<double>(b[i].at("x1"))) << type;
    }
    // Cheap, but not collapsed onto one point: x1 still spreads over the range in each seed.
    for (std::size_t s = 0; s < 3; ++s) {
      double lo = 1.0, hi = 0.0;
      for (std::size_t i = s * 10; i < s * 10 + 10; ++i) {
        const double x1 = std::get<double>(a[i].at("x1"));
        lo = std::min(lo, x1);
        hi = std::max(hi, x1);
      }
      EXPECT_GT(hi - lo, 0.5) << type << " seed " << s + 1;
    }
  }
}

TEST(EnergyAwareStartup, BadOptionsNameTheKey) {
  for (const std::string type : {"tpe", "gp"}) {
    for (const auto& [key, value] : std::vector<std::pair<std::string, nlohmann::json>>{
             {"cost_exponent", -1.0}, {"startup_candidates", 0}}) {
      try {
        make_sampler(type, 1, {{"seed", 1}, {"energy_aware", true}, {key, value}});
        FAIL() << type << " accepted " << key;
      } catch (const hpo::ConfigError& e) {
        EXPECT_EQ(e.key(), "/sampler/" + key) << type;
        EXPECT_NE(std::string(e.what()).find(key), std::string::npos) << e.what();
      }
    }
    EXPECT_NE(make_sampler(type, 1, {{"seed", 1}, {"energy_aware", true}, {"cost_exponent", 2.0},
                                     {"startup_candidates", 4}}),
              nullptr);
  }
}

}  // namespace
}  // namespace samplers::testing
