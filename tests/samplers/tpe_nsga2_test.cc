// TPE: beats random search on a 2-D quadratic (median over fixed seeds), MOTPE's good/bad
// split, the constant liar, energy-aware preference for cheap configurations, option errors.
// NSGA-II: generation bookkeeping, elitist parent selection, constraint domination.
// EnergyCostModel: fit, prediction and cost cooling.
#include <gtest/gtest.h>

#include <algorithm>

#include "hpo/core/config_error.h"
#include "hpo/front/pareto.h"
#include "samplers/detail/trial_split.h"
#include "samplers/energy_cost_model.h"
#include "samplers/nsga2_sampler.h"
#include "samplers/tpe_sampler.h"
#include "tests/samplers/sampler_test_util.h"

namespace samplers::testing {
namespace {

double quadratic(const hpo::Params& p) {
  const double x = std::get<double>(p.at("x0")), y = std::get<double>(p.at("x1"));
  return (x - 0.3) * (x - 0.3) + 4.0 * (y - 0.7) * (y - 0.7);
}

double best_after(hpo::Sampler& s, int n) {
  const auto space = box_space(2);
  const std::vector<hpo::Objective> objs{{"f", hpo::Direction::kMinimize}};
  std::vector<hpo::Trial> trials;
  double best = 1e300;
  for (int i = 0; i < n; ++i) {
    auto p = s.suggest({space, objs, trials}, i);
    hpo::Trial t;
    t.number = i;
    t.state = hpo::TrialState::kComplete;
    t.values = {quadratic(p)};
    t.params = std::move(p);
    best = std::min(best, t.values[0]);
    trials.push_back(std::move(t));
  }
  return best;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

TEST(Tpe, BeatsRandomOnAQuadratic) {
  std::vector<double> tpe, rnd;
  for (std::uint64_t seed = 1; seed <= 9; ++seed) {
    auto t = make_sampler("tpe", seed, {{"seed", seed}});
    auto r = make_sampler("random", seed, {{"seed", seed}});
    tpe.push_back(best_after(*t, 60));
    rnd.push_back(best_after(*r, 60));
  }
  EXPECT_LT(median(tpe), 0.5 * median(rnd));
}

TEST(Tpe, UnivariateAlsoBeatsRandom) {
  std::vector<double> tpe, rnd;
  for (std::uint64_t seed = 1; seed <= 9; ++seed) {
    auto t = make_sampler("tpe", seed, {{"seed", seed}, {"multivariate", false}});
    auto r = make_sampler("random", seed, {{"seed", seed}});
    tpe.push_back(best_after(*t, 60));
    rnd.push_back(best_after(*r, 60));
  }
  EXPECT_LT(median(tpe), median(rnd));
}

TEST(TrialSplit, MotpeFillsByRankThenHypervolumeContribution) {
  const auto space = box_space(1);
  const std::vector<hpo::Objective> objs{{"a", hpo::Direction::kMinimize},
                                         {"b", hpo::Direction::kMaximize}};
  // Minimization form: front (0,4) (1,2) (2,1.9) (4,0); (5,5) dominated. Normalized to
  // [0,1] (ref 1.1) the exclusive contributions are .06, .08, .008, .114.
  const std::vector<std::pair<double, double>> v{{0, -4}, {1, -2}, {2, -1.9}, {4, 0}, {5, -5}};
  std::vector<hpo::Trial> trials;
  for (std::size_t i = 0; i < v.size(); ++i) {
    hpo::Trial t;
    t.number = static_cast<std::int64_t>(i);
    t.state = hpo::TrialState::kComplete;
    t.params["x0"] = 0.1 * static_cast<double>(i);
    t.values = {v[i].first, v[i].second};
    trials.push_back(t);
  }
  hpo::Trial failed;
  failed.number = 5;
  failed.state = hpo::TrialState::kFailed;
  trials.push_back(failed);
  hpo::Trial running;
  running.number = 6;
  running.state = hpo::TrialState::kRunning;
  trials.push_back(running);
  // gamma 0.6 of 5 complete -> 3 good: the front has 4 members, so one is dropped: the one with
  // the smallest hypervolume contribution, (2, 1.9), which barely sticks out.
  const auto split = detail::split_trials({space, objs, trials}, 0.6, 25, true);
  EXPECT_EQ(split.n_complete, 5u);
  EXPECT_EQ(split.good, (std::vector<std::size_t>{0, 1, 3}));
  EXPECT_EQ(split.bad, (std::vector<std::size_t>{2, 4, 5, 6}));
  const auto no_liar = detail::split_trials({space, objs, trials}, 0.6, 25, false);
  EXPECT_EQ(no_liar.bad, (std::vector<std::size_t>{2, 4, 5}));
}

TEST(Tpe, EnergyAwarePrefersCheapConfigurations) {
  // Flat objective, energy 10x higher for x0 > 0.5: the energy-aware sampler proposes the cheap
  // half far more often than the plain one.
  const auto space = box_space(2);
  const std::vector<hpo::Objective> objs{{"f", hpo::Direction::kMinimize}};
  const auto cheap_share = [&](bool aware) {
    int cheap = 0, total = 0;
    for (std::uint64_t seed = 1; seed <= 3; ++seed) {
      auto s = make_sampler("tpe", seed, {{"seed", seed}, {"energy_aware", aware},
                                          {"budget_trials", 1000}, {"n_startup_trials", 10}});
      std::vector<hpo::Trial> trials;
      for (int i = 0; i < 40; ++i) {
        auto p = s->suggest({space, objs, trials}, i);
        hpo::Trial t;
        t.number = i;
        t.state = hpo::TrialState::kComplete;
        const double x = std::get<double>(p.at("x0"));
        t.values = {0.5 + 0.01 * std::get<double>(p.at("x1"))};
        t.energy.energy_kwh = x > 0.5 ? 1e-2 : 1e-3;
        if (i >= 10) { ++total; cheap += x <= 0.5; }
        t.params = std::move(p);
        trials.push_back(std::move(t));
      }
    }
    return static_cast<double>(cheap) / total;
  };
  const double aware = cheap_share(true), plain = cheap_share(false);
  EXPECT_GT(aware, plain + 0.15) << "aware " << aware << " plain " << plain;
  EXPECT_GT(aware, 0.7);
}

TEST(Tpe, DefaultOptionsAreValidAndBadOnesNameTheKey) {
  EXPECT_EQ(TpeSampler::Options{}.validate(), "");
  for (const auto& [key, value] : std::vector<std::pair<std::string, nlohmann::json>>{
           {"gamma", 0.0}, {"n_ei_candidates", 0}, {"prior_weight", -1.0}, {"budget_trials", 0}}) {
    try {
      make_sampler("tpe", 1, {{key, value}});
      ADD_FAILURE() << key;
    } catch (const hpo::ConfigError& e) {
      EXPECT_EQ(e.key(), "/sampler/" + key);
    }
  }
  try {
    make_sampler("tpe", 1, {{"gamma", "high"}});
    ADD_FAILURE();
  } catch (const hpo::ConfigError& e) {
    EXPECT_EQ(e.key(), "/sampler/gamma");
  }
}

TEST(Nsga2, GenerationsAreElitistAndChildrenComeFromParents) {
  // No crossover, no mutation: every child of generation g is a copy of a tournament winner,
  // so it must be a member of parents(g).
  const auto space = box_space(2);
  const auto objs = objectives(2);
  Nsga2Sampler s({.seed = 3, .population_size = 8, .crossover_prob = 0.0, .mutation_prob = 0.0});
  std::vector<hpo::Trial> trials;
  for (std::int64_t n = 0; n < 32; ++n) {
    const hpo::StudyView view{space, objs, trials};
    const auto p = s.suggest(view, n);
    if (n >= 8) {
      const auto parents = s.parents(view, n / 8);
      ASSERT_EQ(parents.size(), 8u);
      const bool from_parent = std::any_of(parents.begin(), parents.end(), [&](std::size_t i) {
        return hpo::params_to_json(trials[i].params) == hpo::params_to_json(p);
      });
      EXPECT_TRUE(from_parent) << n;
      // Parents come from earlier generations only.
      for (auto i : parents) EXPECT_LT(trials[i].number, (n / 8) * 8);
    }
    trials.push_back(complete_trial(space, objs, n, p));
  }
  // Elitism: every non-dominated trial of generations 0-2 survives into the parents of gen 3.
  const hpo::StudyView view{space, objs, trials};
  std::vector<hpo::Point> pts;
  for (std::size_t i = 0; i < 24; ++i)
    pts.push_back({trials[i].values[0], -trials[i].values[1]});
  const auto parents = s.parents(view, 3);
  const auto front = hpo::pareto_front(pts);
  if (front.size() <= 8) {  // the whole front survives
    for (auto f : front)
      EXPECT_NE(std::find(parents.begin(), parents.end(), f), parents.end()) << f;
  } else {  // only front members survive
    for (auto i : parents)
      EXPECT_NE(std::find(front.begin(), front.end(), i), front.end()) << i;
  }
}

TEST(Nsga2, FeasibleTrialsBeatInfeasibleOnes) {
  const auto space = box_space(1);
  const std::vector<hpo::Objective> objs{{"f", hpo::Direction::kMinimize}};
  Nsga2Sampler s({.seed = 1, .population_size = 4, .constraints = {"c"}});
  std::vector<hpo::Trial> trials;
  for (int i = 0; i < 8; ++i) {
    hpo::Trial t;
    t.number = i;
    t.state = hpo::TrialState::kComplete;
    t.params["x0"] = 0.1 * i;
    t.values = {static_cast<double>(i % 4 == 0 ? 100 + i : i)};  // odd-ish ones are better...
    t.metrics["c"] = i % 2 == 0 ? -1.0 : 0.5 * i;                  // ...but infeasible
    trials.push_back(t);
  }
  // Population 4, generation 2's parents from gens 0 and 1: the four feasible trials (even).
  const auto parents = s.parents({space, objs, trials}, 2);
  std::vector<std::int64_t> numbers;
  for (auto i : parents) numbers.push_back(trials[i].number);
  std::sort(numbers.begin(), numbers.end());
  EXPECT_EQ(numbers, (std::vector<std::int64_t>{0, 2, 4, 6}));
}

TEST(Nsga2, BadOptionsNameTheKey) {
  EXPECT_EQ(Nsga2Sampler::Options{}.validate(), "");
  try {
    make_sampler("nsga2", 1, {{"population_size", 1}});
    FAIL();
  } catch (const hpo::ConfigError& e) {
    EXPECT_EQ(e.key(), "/sampler/population_size");
  }
}

TEST(EnergyCostModel, PredictsFromNeighboursAndCools) {
  const auto space = box_space(2);
  const std::vector<hpo::Objective> objs{{"f", hpo::Direction::kMinimize}};
  std::vector<hpo::Trial> trials;
  for (int i = 0; i < 40; ++i) {
    hpo::Trial t;
    t.number = i;
    t.state = hpo::TrialState::kComplete;
    const double x = (i % 20) / 19.0, y = (i / 20) * 0.5;
    t.params = {{"x0", x}, {"x1", y}};
    t.energy.energy_kwh = 1e-3 * std::exp(2.3 * x);  // 10x over x0
    trials.push_back(t);
  }
  EnergyCostModel m;
  EXPECT_FALSE(m.fitted());
  m.fit({space, objs, trials});
  ASSERT_TRUE(m.fitted());
  const double lo = m.predict_kwh(space, {{"x0", 0.05}, {"x1", 0.2}});
  const double hi = m.predict_kwh(space, {{"x0", 0.95}, {"x1", 0.2}});
  EXPECT_GT(hi / lo, 4.0);
  EXPECT_NEAR(lo, 1e-3 * std::exp(2.3 * 0.05), 1e-3);
  EXPECT_DOUBLE_EQ(EnergyCostModel::cooling_exponent(0.0), 1.0);
  EXPECT_DOUBLE_EQ(EnergyCostModel::cooling_exponent(0.25), 0.75);
  EXPECT_DOUBLE_EQ(EnergyCostModel::cooling_exponent(2.0), 0.0);
  // Too few trials: the median for every configuration.
  EnergyCostModel few({.min_trials = 50});
  few.fit({space, objs, trials});
  EXPECT_DOUBLE_EQ(few.predict_kwh(space, {{"x0", 0.0}, {"x1", 0.0}}),
                   few.predict_kwh(space, {{"x0", 1.0}, {"x1", 1.0}}));
  EXPECT_EQ(EnergyCostModel::Options{}.validate(), "");
  EXPECT_NE(EnergyCostModel::Options{.min_trials = 0}.validate(), "");
}

}  // namespace
}  // namespace samplers::testing
