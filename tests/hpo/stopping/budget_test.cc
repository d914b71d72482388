// Budgets: what is counted (every attempt, the optimizer's energy, retries and resumed trials
// once), when the study stops, and the energy prediction from similar finished trials.
#include "hpo/stopping/budget.h"

#include <gtest/gtest.h>

#include "tests/support/synthetic_study.h"

namespace hpo {
namespace {

using hpo::testing::SyntheticStudy;

SyntheticStudy space_study() {
  SyntheticStudy s;
  ParamSpec x;
  x.name = "x";
  x.kind = ParamKind::kFloat;
  s.space.params.push_back(x);
  ParamSpec act;
  act.name = "act";
  act.kind = ParamKind::kCategorical;
  act.choices = {std::string("relu"), std::string("tanh")};
  s.space.params.push_back(act);
  s.objectives = {{"loss", Direction::kMinimize}};
  return s;
}

Trial& add_at(SyntheticStudy& s, double x, double energy_kwh,
              TrialState state = TrialState::kComplete, const char* act = "relu") {
  Trial& t = s.add(state, state == TrialState::kComplete ? std::vector<double>{1.0}
                                                          : std::vector<double>{},
                   energy_kwh);
  t.params = {{"x", x}, {"act", std::string(act)}};
  return t;
}

TEST(Budget, UsageCountsEveryAttemptAndTheOptimizerOnce) {
  SyntheticStudy s = space_study();
  add_at(s, 0.1, 0.01).sampler_kwh = 0.001;
  Trial& failed = add_at(s, 0.2, 0.02, TrialState::kFailed);
  failed.sampler_kwh = 0.002;
  Trial retry = failed;  // retry of the same number: energy counted, sampler energy once
  retry.attempt = 1;
  retry.state = TrialState::kComplete;
  retry.energy.energy_kwh = 0.03;
  s.trials.push_back(retry);
  add_at(s, 0.3, 0.04, TrialState::kPruned);
  Trial& lost = add_at(s, 0.4, 0.05, TrialState::kInterrupted);  // resumed later
  Trial rerun = lost;
  rerun.attempt = 1;
  rerun.state = TrialState::kRunning;
  rerun.energy.energy_kwh = 0.0;
  rerun.reports.push_back(Report{2, {{"loss", 0.5}}, 3.0, 0.006});
  s.trials.push_back(rerun);
  Trial& only_lost = add_at(s, 0.5, 0.007, TrialState::kInterrupted);
  (void)only_lost;

  BudgetTracker b(Budget{});
  const BudgetUsage u = b.usage(s.view(), 0.1);
  // Numbers 0, 1 (two attempts), 2, 3 (interrupted + running); 4 only interrupted: not counted.
  EXPECT_EQ(u.trials_counted, 4);
  EXPECT_NEAR(u.energy_kwh, 0.01 + 0.02 + 0.03 + 0.04 + 0.05 + 0.006 + 0.007 + 0.001 + 0.002 + 0.1,
              1e-12);
}

TEST(Budget, CarbonIncludesTheOptimizerAtTheMeanIntensity) {
  SyntheticStudy s = space_study();
  Trial& a = add_at(s, 0.1, 1.0);
  a.energy.co2e_kg = 0.5;
  a.sampler_kwh = 0.2;
  Trial& b = add_at(s, 0.2, 3.0, TrialState::kFailed);
  b.energy.co2e_kg = 1.5;
  BudgetTracker t(Budget{});
  EXPECT_NEAR(t.usage(s.view(), 0.8).co2e_kg, 2.0 + (0.2 + 0.8) * 0.5, 1e-12);
}

TEST(Budget, TrialBudgetStopsAtTheRightTrial) {
  SyntheticStudy s = space_study();
  Budget budget;
  budget.trials = 3;
  BudgetTracker b(budget);
  const Params next{{"x", 0.5}, {"act", std::string("relu")}};
  for (int i = 0; i < 2; ++i) {
    add_at(s, 0.1 * i, 0.01);
    EXPECT_FALSE(b.exhausted(s.view(), 0, 0).stop);
    EXPECT_FALSE(b.before_launch(s.view(), next, 0, 0).stop);
  }
  add_at(s, 0.3, 0.01, TrialState::kFailed);  // failed trials count
  const StopVerdict v = b.before_launch(s.view(), next, 0, 0);
  EXPECT_TRUE(v.stop);
  EXPECT_EQ(v.rule, "budget.trials");
  EXPECT_EQ(v.at_trial, 2);
  EXPECT_EQ(v.numbers["trials"].get<int>(), 3);
  // A trial interrupted before a resume does not use up the budget: it is re-run.
  s.trials.back().state = TrialState::kInterrupted;
  EXPECT_FALSE(b.before_launch(s.view(), next, 0, 0).stop);
}

TEST(Budget, WallTimeAndCarbon) {
  SyntheticStudy s = space_study();
  add_at(s, 0.1, 0.01).energy.co2e_kg = 0.004;
  Budget budget;
  budget.wall_time_s = 100.0;
  budget.co2e_kg = 0.01;
  BudgetTracker b(budget);
  const Params next{{"x", 0.1}, {"act", std::string("relu")}};
  EXPECT_FALSE(b.exhausted(s.view(), 99.0, 0).stop);
  EXPECT_EQ(b.exhausted(s.view(), 100.0, 0).rule, "budget.wall_time_s");
  // 0.004 used; the next is predicted to emit 0.004 too: fits. After another, it does not.
  EXPECT_FALSE(b.before_launch(s.view(), next, 0, 0).stop);
  add_at(s, 0.1, 0.01).energy.co2e_kg = 0.004;
  const StopVerdict v = b.before_launch(s.view(), next, 0, 0);
  EXPECT_EQ(v.rule, "budget.co2e_kg");
  EXPECT_NEAR(v.numbers["predicted_kg"].get<double>(), 0.004, 1e-12);
  add_at(s, 0.1, 0.01).energy.co2e_kg = 0.004;
  EXPECT_EQ(b.exhausted(s.view(), 0, 0).rule, "budget.co2e_kg");
}

// x < 0.5 costs 0.01 kWh, x >= 0.5 costs 0.1 kWh.
SyntheticStudy cost_landscape() {
  SyntheticStudy s = space_study();
  for (double x : {0.1, 0.2, 0.3}) add_at(s, x, 0.01);
  for (double x : {0.6, 0.7, 0.8, 0.9}) add_at(s, x, 0.1);
  return s;
}

TEST(Budget, PredictsFromTheNearestTrials) {
  SyntheticStudy s = cost_landscape();
  BudgetTracker b(Budget{});
  // Five nearest of x = 0.95: the four 0.1-kWh trials and x = 0.3: median 0.1.
  EXPECT_DOUBLE_EQ(b.predict_energy_kwh(s.view(), {{"x", 0.95}, {"act", std::string("relu")}}), 0.1);
  // Five nearest of x = 0.0: three 0.01-kWh trials, x = 0.6 and 0.7: median 0.01.
  EXPECT_DOUBLE_EQ(b.predict_energy_kwh(s.view(), {{"x", 0.0}, {"act", std::string("relu")}}), 0.01);
  // Fewer than five finished trials: the median of all.
  SyntheticStudy few = space_study();
  EXPECT_DOUBLE_EQ(b.predict_energy_kwh(few.view(), {{"x", 0.5}}), 0.0);
  add_at(few, 0.1, 0.02);
  add_at(few, 0.9, 0.04);
  EXPECT_DOUBLE_EQ(b.predict_energy_kwh(few.view(), {{"x", 0.1}}), 0.03);
  // A different categorical choice is far: the nearest are the same choice.
  SyntheticStudy cat = space_study();
  for (int i = 0; i < 5; ++i) add_at(cat, 0.5, 1.0, TrialState::kComplete, "tanh");
  for (int i = 0; i < 5; ++i) add_at(cat, 0.9, 0.2, TrialState::kComplete, "relu");
  EXPECT_DOUBLE_EQ(b.predict_energy_kwh(cat.view(), {{"x", 0.5}, {"act", std::string("relu")}}), 0.2);
}

TEST(Budget, EnergyBudgetRefusesATrialThatWouldOverrun) {
  SyntheticStudy s = cost_landscape();  // 0.43 kWh used
  Budget budget;
  budget.energy_kwh = 0.5;
  BudgetTracker b(budget);
  const StopVerdict expensive =
      b.before_launch(s.view(), {{"x", 0.95}, {"act", std::string("relu")}}, 0, 0);
  EXPECT_TRUE(expensive.stop);
  EXPECT_EQ(expensive.rule, "budget.energy_kwh");
  EXPECT_NEAR(expensive.numbers["predicted_kwh"].get<double>(), 0.1, 1e-12);
  EXPECT_NEAR(expensive.numbers["energy_kwh"].get<double>(), 0.43, 1e-12);
  EXPECT_FALSE(b.before_launch(s.view(), {{"x", 0.0}, {"act", std::string("relu")}}, 0, 0).stop);
  // The coordinator's own energy counts.
  EXPECT_TRUE(b.before_launch(s.view(), {{"x", 0.0}, {"act", std::string("relu")}}, 0, 0.07).stop);
  // A running trial reserves what it is predicted to use still (0.1 - 0.02 = 0.08).
  SyntheticStudy r = cost_landscape();
  Trial& running = add_at(r, 0.85, 0.0, TrialState::kRunning);
  running.reports.push_back(Report{1, {}, 1.0, 0.02});
  const StopVerdict v = b.before_launch(r.view(), {{"x", 0.0}, {"act", std::string("relu")}}, 0, 0);
  EXPECT_TRUE(v.stop);
  EXPECT_NEAR(v.numbers["committed_kwh"].get<double>(), 0.08, 1e-12);
  // Exhausted outright once usage reaches the budget.
  add_at(s, 0.9, 0.1);
  EXPECT_EQ(b.exhausted(s.view(), 0, 0).rule, "budget.energy_kwh");
}

TEST(Budget, NoBudgetNeverStops) {
  SyntheticStudy s = cost_landscape();
  BudgetTracker b(Budget{});
  EXPECT_FALSE(b.before_launch(s.view(), {{"x", 0.9}}, 1e9, 1e9).stop);
  EXPECT_FALSE(b.exhausted(s.view(), 1e9, 1e9).stop);
}

}  // namespace
}  // namespace hpo
