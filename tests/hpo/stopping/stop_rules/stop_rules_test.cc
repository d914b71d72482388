// Stop rules on deterministic synthetic studies: each rule fires exactly at the trial where
// it should, not before (warm-up, window) and not at all when the study keeps improving; bad
// options raise ConfigError naming the key.
#include <functional>
#include <memory>
#include <optional>

#include <gtest/gtest.h>

#include "hpo/core/config_error.h"
#include "hpo/stopping/stop_rules/hypervolume_plateau.h"
#include "hpo/stopping/stop_rules/marginal_gain.h"
#include "hpo/stopping/stop_rules/no_improvement.h"
#include "hpo/stopping/pruners/pruner_registry.h"
#include "hpo/stopping/stop_rules/stop_rule_registry.h"
#include "hpo/core/study_spec.h"
#include "tests/support/synthetic_study.h"

namespace hpo {
namespace {

using hpo::testing::SyntheticStudy;

// Adds the trials one by one and checks the rule after each, as the study loop does;
// returns the number of finished trials when it first fired.
std::optional<std::size_t> first_firing(StopRule& rule, SyntheticStudy& full, StopVerdict* out) {
  SyntheticStudy s;
  s.space = full.space;
  s.objectives = full.objectives;
  for (const auto& t : full.trials) {
    s.trials.push_back(t);
    StopVerdict v = rule.check(s.view());
    if (v.stop) {
      if (out) *out = v;
      return s.trials.size();
    }
  }
  return std::nullopt;
}

ComponentSpec spec(const std::string& type, nlohmann::json options, std::string key = "/early_stop/0") {
  return ComponentSpec{type, std::move(options), std::move(key)};
}

std::unique_ptr<StopRule> make(const ComponentSpec& s, const StudySpec* study = nullptr) {
  Registry r;
  register_stop_rules(r);
  FactoryContext ctx;
  ctx.study = study;
  return r.make_stop_rule(s, ctx);
}

// Two minimized objectives: 5 warm-up trials, 5 that improve the front, then dominated ones.
SyntheticStudy two_objective_plateau(std::size_t dominated_after) {
  SyntheticStudy s;
  s.objectives = {{"f1", Direction::kMinimize}, {"f2", Direction::kMinimize}};
  for (auto p : std::vector<std::vector<double>>{
           {0.2, 1.0}, {1.0, 0.2}, {0.6, 0.6}, {0.8, 0.9}, {0.9, 0.8},    // warm-up
           {0.5, 0.5}, {0.4, 0.45}, {0.35, 0.4}, {0.3, 0.35}, {0.3, 0.3}}) // improving
    s.add(TrialState::kComplete, p);
  for (std::size_t i = 0; i < dominated_after; ++i) s.add(TrialState::kComplete, {0.9, 0.95});
  return s;
}

TEST(HypervolumePlateau, FiresWhenTheWindowHoldsNoImprovement) {
  auto study = two_objective_plateau(10);
  HypervolumePlateauRule rule({/*window=*/5, /*min_improvement=*/0.01, /*warmup=*/5});
  StopVerdict v;
  // The last improving trial is number 9; the window of 5 is clear of it after trial 14.
  EXPECT_EQ(first_firing(rule, study, &v), 15u);
  EXPECT_EQ(v.rule, "hypervolume_plateau");
  EXPECT_EQ(v.at_trial, 14);
  EXPECT_DOUBLE_EQ(v.numbers["relative_improvement"].get<double>(), 0.0);
  EXPECT_EQ(v.numbers["window"].get<int>(), 5);
  EXPECT_GT(v.numbers["hypervolume"].get<double>(), 0.0);
}

TEST(HypervolumePlateau, WarmupAndWindowRespected) {
  // No improvement at all after the first trial: it may only fire once warm-up (8) and a
  // full window (4) after the freeze have passed.
  SyntheticStudy s;
  s.objectives = {{"f1", Direction::kMinimize}, {"f2", Direction::kMinimize}};
  s.add(TrialState::kComplete, {0.1, 0.1});
  for (int i = 0; i < 20; ++i) s.add(TrialState::kComplete, {0.5, 0.5});
  HypervolumePlateauRule rule({4, 0.01, 8});
  EXPECT_EQ(first_firing(rule, s, nullptr), 12u);
}

TEST(HypervolumePlateau, DoesNotFireWhileTheFrontGrows) {
  SyntheticStudy s;
  s.objectives = {{"f1", Direction::kMinimize}, {"f2", Direction::kMaximize}};
  for (int i = 0; i < 40; ++i) {
    const double x = 1.0 - 0.02 * i;  // each trial moves the front well beyond the last
    s.add(TrialState::kComplete, {x, 1.0 - x * 0.5});
  }
  HypervolumePlateauRule rule({5, 0.01, 5});
  EXPECT_EQ(first_firing(rule, s, nullptr), std::nullopt);
}

TEST(HypervolumePlateau, FrozenBoundsIgnoreLaterRescaling) {
  // Trial 7 has a far better f1 but a terrible f2: with bounds frozen after the warm-up it
  // lies outside the reference box and is no progress, so the rule fires as without it.
  auto study = two_objective_plateau(10);
  study.trials[11].values = {0.05, 50.0};
  HypervolumePlateauRule rule({5, 0.01, 5});
  EXPECT_EQ(first_firing(rule, study, nullptr), 15u);
}

TEST(HypervolumePlateau, FailedAndPrunedTrialsCountInTheWindow) {
  auto study = two_objective_plateau(0);
  for (int i = 0; i < 5; ++i) study.add(i % 2 ? TrialState::kFailed : TrialState::kPruned);
  HypervolumePlateauRule rule({5, 0.01, 5});
  EXPECT_EQ(first_firing(rule, study, nullptr), 15u);
}

TEST(MarginalGain, FiresWhenTheLastEnergyBoughtTooLittle) {
  SyntheticStudy s;
  s.objectives = {{"accuracy", Direction::kMaximize}, {"energy_kwh", Direction::kMinimize}};
  // Every trial costs 2^-7 kWh plus 2^-7 kWh of sampler energy (exact sums): 5 trials = per.
  for (int i = 0; i < 25; ++i) {
    const double acc = i < 10 ? 0.5 + 0.05 * i : 0.95 + 0.0001 * (i - 9);
    Trial& t = s.add(TrialState::kComplete, {acc, 0.0078125});
    t.sampler_kwh = 0.0078125;
  }
  auto rule = make(spec("marginal_gain", {{"metric", "accuracy"}, {"per", 0.078125},
                                          {"min_gain", 0.002}, {"warmup", 5}}));
  StopVerdict v;
  // Best 0.95 at trial 9; the window of the last 5 trials is past it after trial 14.
  EXPECT_EQ(first_firing(*rule, s, &v), 15u);
  EXPECT_EQ(v.rule, "marginal_gain");
  EXPECT_NEAR(v.numbers["gain"].get<double>(), 0.0005, 1e-12);
  EXPECT_DOUBLE_EQ(v.numbers["cumulative_cost"].get<double>(), 15 * 0.015625);

  // A longer warm-up delays it: the window must start after the warm-up's cost.
  auto late = make(spec("marginal_gain", {{"per", 0.078125}, {"warmup", 17}}));
  EXPECT_EQ(first_firing(*late, s, nullptr), 17u + 5u);
}

TEST(MarginalGain, FailedTrialsCostButBuyNothing) {
  SyntheticStudy s;
  s.objectives = {{"loss", Direction::kMinimize}};
  for (int i = 0; i < 6; ++i) s.add(TrialState::kComplete, {1.0 - 0.1 * i}, 0.015625);
  for (int i = 0; i < 10; ++i) s.add(TrialState::kFailed, {}, 0.03125);  // 2 per `per`
  auto rule = make(spec("marginal_gain", {{"per", 0.0625}, {"min_gain", 0.01}, {"warmup", 6}}));
  // After trial 5 the window of 0.0625 kWh is two failed trials.
  EXPECT_EQ(first_firing(*rule, s, nullptr), 8u);
}

TEST(MarginalGain, CarbonCost) {
  SyntheticStudy s;
  s.objectives = {{"accuracy", Direction::kMaximize}};
  for (int i = 0; i < 12; ++i) {
    Trial& t = s.add(TrialState::kComplete, {i < 4 ? 0.5 + 0.1 * i : 0.8}, 0.5);
    t.energy.co2e_kg = 0.25;
  }
  auto rule = make(spec("marginal_gain", {{"cost", "co2e_kg"}, {"per", 0.75}, {"warmup", 2}}));
  EXPECT_EQ(first_firing(*rule, s, nullptr), 7u);  // best at trial 3; 3 trials per window
}

TEST(MarginalGain, DoesNotFireWhileGainsAreLarge) {
  SyntheticStudy s;
  s.objectives = {{"accuracy", Direction::kMaximize}};
  for (int i = 0; i < 30; ++i) s.add(TrialState::kComplete, {0.01 * i}, 0.015625);
  auto rule = make(spec("marginal_gain", {{"per", 0.078125}, {"min_gain", 0.002}, {"warmup", 2}}));
  EXPECT_EQ(first_firing(*rule, s, nullptr), std::nullopt);
}

TEST(NoImprovement, SingleObjective) {
  SyntheticStudy s;
  s.objectives = {{"loss", Direction::kMinimize}};
  for (int i = 0; i < 8; ++i) s.add(TrialState::kComplete, {1.0 - 0.1 * i});
  for (int i = 0; i < 10; ++i) s.add(TrialState::kComplete, {0.5 + 0.01 * i});
  auto rule = make(spec("no_improvement", {{"patience", 5}, {"warmup", 3}}));
  StopVerdict v;
  EXPECT_EQ(first_firing(*rule, s, &v), 13u);  // last improvement: trial 7
  EXPECT_EQ(v.rule, "no_improvement");
  EXPECT_EQ(v.at_trial, 12);
  EXPECT_DOUBLE_EQ(v.numbers["best"].get<double>(), 1.0 - 0.1 * 7);
  // The warm-up holds it back.
  auto late = make(spec("no_improvement", {{"patience", 5}, {"warmup", 10}}));
  EXPECT_EQ(first_firing(*late, s, nullptr), 15u);
  // An improvement smaller than min_delta does not count.
  s.trials[10].values = {0.25};
  s.trials[10].metrics["loss"] = 0.25;
  auto strict = make(spec("no_improvement", {{"patience", 5}, {"warmup", 3}, {"min_delta", 0.06}}));
  EXPECT_EQ(first_firing(*strict, s, nullptr), 13u);
  auto lax = make(spec("no_improvement", {{"patience", 5}, {"warmup", 3}}));
  EXPECT_EQ(first_firing(*lax, s, nullptr), 16u);  // trial 10 improved
}

TEST(NoImprovement, SeveralObjectivesUseTheFront) {
  auto study = two_objective_plateau(10);
  auto rule = make(spec("no_improvement", {{"patience", 5}, {"warmup", 5}}));
  StopVerdict v;
  EXPECT_EQ(first_firing(*rule, study, &v), 15u);
  EXPECT_TRUE(v.numbers.contains("hypervolume"));
}

TEST(HypervolumePlateau, DefaultLengthFollowsTheTrialBudget) {
  EXPECT_EQ(HypervolumePlateauRule::default_length(std::nullopt), 20);
  EXPECT_EQ(HypervolumePlateauRule::default_length(200), 20);
  EXPECT_EQ(HypervolumePlateauRule::default_length(60), 15);
  EXPECT_EQ(HypervolumePlateauRule::default_length(30), 15);
  // Front improving until trial 10, then nothing: with no trial budget the rule waits for the
  // 20-trial warm-up and a 20-trial window (fires at 40); in a 60-trial study, 15 and 15
  // (fires at 30); options given explicitly win over the budget.
  auto study = two_objective_plateau(60);
  StudySpec no_budget, sixty;
  sixty.budget.trials = 60;
  auto plain = make(spec("hypervolume_plateau", nlohmann::json::object()), &no_budget);
  auto short_study = make(spec("hypervolume_plateau", nlohmann::json::object()), &sixty);
  auto given = make(spec("hypervolume_plateau", {{"window", 20}, {"warmup", 20}}), &sixty);
  StopVerdict v;
  EXPECT_EQ(first_firing(*plain, study, nullptr), 40u);
  EXPECT_EQ(first_firing(*short_study, study, &v), 30u);
  EXPECT_EQ(v.numbers.at("window"), 15);
  EXPECT_EQ(v.numbers.at("warmup"), 15);
  EXPECT_EQ(first_firing(*given, study, nullptr), 40u);
}

TEST(StopRules, BadOptionsNameTheKey) {
  auto key_of = [](const ComponentSpec& s, const StudySpec* study = nullptr) {
    try {
      make(s, study);
    } catch (const ConfigError& e) {
      return e.key();
    }
    return std::string("no error");
  };
  EXPECT_EQ(key_of(spec("hypervolume_plateau", {{"window", 0}})), "/early_stop/0/window");
  EXPECT_EQ(key_of(spec("hypervolume_plateau", {{"windw", 3}})), "/early_stop/0/windw");
  EXPECT_EQ(key_of(spec("hypervolume_plateau", {{"min_improvement", "a"}})),
            "/early_stop/0/min_improvement");
  EXPECT_EQ(key_of(spec("marginal_gain", {{"cost", "dollars"}})), "/early_stop/0/cost");
  EXPECT_EQ(key_of(spec("marginal_gain", {{"per", 0}})), "/early_stop/0/per");
  EXPECT_EQ(key_of(spec("no_improvement", {{"patience", 0}})), "/early_stop/0/patience");
  EXPECT_EQ(key_of(spec("no_improvement", {{"direction", "up"}})), "/early_stop/0/direction");
  EXPECT_EQ(key_of(spec("plateau", {})), "/early_stop/0/type");
  StudySpec study;
  study.objectives = {{"energy_kwh", Direction::kMinimize}, {"duration_s", Direction::kMinimize}};
  EXPECT_EQ(key_of(spec("marginal_gain", {}), &study), "/early_stop/0/metric");
  EXPECT_EQ(key_of(spec("marginal_gain", {{"metric", "loss"}}), &study),
            "/early_stop/0/direction");
  EXPECT_EQ(key_of(spec("marginal_gain", {{"metric", "loss"}, {"direction", "min"}}), &study),
            "no error");
}

TEST(StopRules, DefaultOptionsAreValid) {
  EXPECT_EQ(HypervolumePlateauRule::Options{}.validate(), "");
  EXPECT_EQ(MarginalGainRule::Options{}.validate(), "");
  EXPECT_EQ(NoImprovementRule::Options{}.validate(), "");
  for (auto type : {"hypervolume_plateau", "marginal_gain", "no_improvement"})
    EXPECT_NE(make(spec(type, nlohmann::json::object())), nullptr);
}

}  // namespace
}  // namespace hpo
