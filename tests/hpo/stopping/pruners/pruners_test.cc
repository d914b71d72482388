// Pruners on deterministic synthetic learning curves: each prunes exactly at the step where
// it should and keeps trials it should keep, in single- and multi-objective studies; bad
// options raise ConfigError naming the key.
#include <cmath>
#include <memory>
#include <tuple>

#include <gtest/gtest.h>

#include "hpo/core/config_error.h"
#include "hpo/front/pareto.h"
#include "hpo/stopping/pruners/hyperband_pruner.h"
#include "hpo/stopping/pruners/pareto_pruner.h"
#include "hpo/stopping/pruners/pruner_registry.h"
#include "hpo/stopping/stop_rules/stop_rule_registry.h"
#include "hpo/core/study_spec.h"
#include "tests/support/synthetic_study.h"

namespace hpo {
namespace {

using hpo::testing::SyntheticStudy;

std::unique_ptr<Pruner> make(const std::string& type, nlohmann::json options,
                             const StudySpec* study = nullptr) {
  Registry r;
  register_pruners(r);
  FactoryContext ctx;
  ctx.study = study;
  return r.make_pruner(ComponentSpec{type, std::move(options), "/pruner"}, ctx);
}

// Replays `trial`'s reports one at a time (as they arrive) and returns the first step at
// which the pruner prunes, or -1.
std::int64_t prune_step(Pruner& p, SyntheticStudy& s, Trial trial, std::string* reason = nullptr) {
  const auto reports = trial.reports;
  trial.reports.clear();
  trial.state = TrialState::kRunning;
  trial.number = static_cast<std::int64_t>(s.trials.size());
  for (const auto& r : reports) {
    trial.reports.push_back(r);
    s.trials.push_back(trial);
    const PruneVerdict v = p.should_prune(s.view(), s.trials.back());
    s.trials.pop_back();
    if (v.prune) {
      if (reason) *reason = v.reason;
      return r.step;
    }
  }
  return -1;
}

Trial curve_trial(const std::string& metric, const std::function<double(std::int64_t)>& f,
                  double kwh_per_step, std::int64_t last) {
  SyntheticStudy tmp;
  return tmp.add_curve(TrialState::kRunning, metric, f, kwh_per_step, 1, last);
}

// Accuracy (maximized) and energy; complete trial j: accuracy 0.5 + 0.02 j + 0.01 step.
SyntheticStudy ladder(int complete) {
  SyntheticStudy s;
  s.objectives = {{"accuracy", Direction::kMaximize}, {"energy_kwh", Direction::kMinimize}};
  for (int j = 0; j < complete; ++j)
    s.add_curve(TrialState::kComplete, "accuracy",
                [j](std::int64_t t) { return 0.5 + 0.02 * j + 0.01 * double(t); }, 0.001, 1, 10);
  return s;
}

TEST(MedianPruner, PrunesBelowTheMedianAfterWarmup) {
  auto s = ladder(5);
  auto p = make("median", {{"warmup_steps", 2}, {"min_trials", 5}});
  std::string why;
  // Median of the ladder at step t is 0.54 + 0.01 t.
  EXPECT_EQ(prune_step(*p, s, curve_trial("accuracy", [](auto t) { return 0.5 + 0.01 * t; }, 0.001, 10), &why), 2);
  EXPECT_NE(why.find("median"), std::string::npos);
  EXPECT_NE(why.find("step 2"), std::string::npos);
  EXPECT_EQ(prune_step(*p, s, curve_trial("accuracy", [](auto t) { return 0.6 + 0.01 * t; }, 0.001, 10)), -1);
  // At the median: kept (only strictly worse trials are pruned).
  EXPECT_EQ(prune_step(*p, s, curve_trial("accuracy", [](auto t) { return 0.5 + 0.02 * 2 + 0.01 * t; }, 0.001, 10)), -1);
  // The best value so far counts, not the latest: a dip after a high report is kept.
  EXPECT_EQ(prune_step(*p, s, curve_trial("accuracy", [](auto t) { return t <= 3 ? 0.7 + 0.01 * t : 0.5; }, 0.001, 10)), -1);
}

TEST(MedianPruner, NeedsMinTrials) {
  auto s = ladder(4);
  auto p = make("median", {{"min_trials", 5}});
  EXPECT_EQ(prune_step(*p, s, curve_trial("accuracy", [](auto) { return 0.3; }, 0.001, 10)), -1);
  auto q = make("median", {{"min_trials", 4}});
  EXPECT_EQ(prune_step(*q, s, curve_trial("accuracy", [](auto) { return 0.3; }, 0.001, 10)), 1);
}

TEST(PercentilePruner, KeepsOnlyTheBestShare) {
  auto s = ladder(5);  // values at step t: 0.50..0.58 + 0.01 t
  auto p25 = make("percentile", {{"percentile", 25.0}});
  auto p50 = make("median", nlohmann::json::object());
  const auto middling = curve_trial("accuracy", [](auto t) { return 0.55 + 0.01 * t; }, 0.001, 10);
  EXPECT_EQ(prune_step(*p25, s, middling), 1);  // below the 75th percentile 0.56 + 0.01 t
  EXPECT_EQ(prune_step(*p50, s, middling), -1);
}

TEST(PercentilePruner, MinimizedMetric) {
  SyntheticStudy s;
  s.objectives = {{"loss", Direction::kMinimize}, {"energy_kwh", Direction::kMinimize}};
  for (int j = 0; j < 5; ++j)
    s.add_curve(TrialState::kComplete, "loss", [j](auto t) { return 1.0 + 0.1 * j - 0.05 * t; }, 0.001, 1, 6);
  auto p = make("median", {{"warmup_steps", 3}});
  EXPECT_EQ(prune_step(*p, s, curve_trial("loss", [](auto t) { return 1.3 - 0.05 * t; }, 0.001, 6)), 3);
  EXPECT_EQ(prune_step(*p, s, curve_trial("loss", [](auto t) { return 1.1 - 0.05 * t; }, 0.001, 6)), -1);
}

// Asha: rungs at steps 1, 3, 9 (min_resource 1, eta 3).
SyntheticStudy rung_study() {
  SyntheticStudy s;
  s.objectives = {{"accuracy", Direction::kMaximize}};
  for (int j = 1; j <= 5; ++j)  // values 0.1 .. 0.5 at every step; two still running
    s.add_curve(j <= 3 ? TrialState::kComplete : TrialState::kRunning, "accuracy",
                [j](auto) { return 0.1 * j; }, 0.001, 1, 3);
  return s;
}

TEST(AshaPruner, KeepsTheTopThirdAtEachRung) {
  auto s = rung_study();
  auto p = make("asha", {{"min_resource", 1}, {"reduction_factor", 3}});
  std::string why;
  // 6 at the first rung: keep 2, cutoff 0.4 (0.5, 0.45 kept; 0.35 pruned).
  EXPECT_EQ(prune_step(*p, s, curve_trial("accuracy", [](auto) { return 0.45; }, 0.001, 9)), -1);
  EXPECT_EQ(prune_step(*p, s, curve_trial("accuracy", [](auto) { return 0.35; }, 0.001, 9), &why), 1);
  EXPECT_NE(why.find("rung 0"), std::string::npos);
  // Good at rung 0 (step 1), bad at rung 1 (step 3): pruned when it reaches step 3.
  EXPECT_EQ(prune_step(*p, s, curve_trial("accuracy", [](auto t) { return t < 3 ? 0.6 : 0.2; }, 0.001, 9)), 3);
  // Decided once per rung: falling after step 3 is not judged again until step 9.
  EXPECT_EQ(prune_step(*p, s, curve_trial("accuracy", [](auto t) { return t <= 3 ? 0.6 : 0.0; }, 0.001, 8)), -1);
}

TEST(AshaPruner, FirstTrialIsNeverPruned) {
  SyntheticStudy s;
  s.objectives = {{"accuracy", Direction::kMaximize}, {"energy_kwh", Direction::kMinimize}};
  auto p = make("asha", nlohmann::json::object());
  EXPECT_EQ(prune_step(*p, s, curve_trial("accuracy", [](auto) { return 0.0; }, 0.001, 20)), -1);
}

TEST(AshaPruner, MinEarlyStoppingRateMovesTheFirstRung) {
  auto s = rung_study();
  auto p = make("asha", {{"min_early_stopping_rate", 1}});
  // First rung now at step 3.
  EXPECT_EQ(prune_step(*p, s, curve_trial("accuracy", [](auto) { return 0.35; }, 0.001, 9)), 3);
}

TEST(HyperbandPruner, BracketsByTrialNumber) {
  SyntheticStudy s;
  s.objectives = {{"accuracy", Direction::kMaximize}};
  // max_resource 9, eta 3: 3 brackets; bracket b's first rung at step 3^b.
  auto p = make("hyperband", {{"max_resource", 9}});
  EXPECT_EQ(dynamic_cast<HyperbandPruner&>(*p).bracket_count(9), 3);
  EXPECT_EQ(dynamic_cast<HyperbandPruner&>(*p).bracket_count(26), 3);
  EXPECT_EQ(dynamic_cast<HyperbandPruner&>(*p).bracket_count(27), 4);
  // Trials 0..3: bracket 0 has 0 and 3, bracket 1 has 1, bracket 2 has 2.
  for (int j = 0; j < 4; ++j)
    s.add_curve(TrialState::kComplete, "accuracy", [j](auto) { return j == 1 ? 0.3 : 0.9; }, 0.001, 1, 9);
  // Trial 4 (bracket 1, first rung at step 3) scores 0.5: worse than bracket 0's trials but
  // better than trial 1, the only one in its bracket: kept.
  EXPECT_EQ(prune_step(*p, s, curve_trial("accuracy", [](auto) { return 0.5; }, 0.001, 9)), -1);
  // Trial 4 scoring 0.2 is pruned at step 3, not at step 1 (its bracket has no rung there).
  EXPECT_EQ(prune_step(*p, s, curve_trial("accuracy", [](auto) { return 0.2; }, 0.001, 9)), 3);
  // Auto max_resource from the first complete trial (largest step 9).
  auto a = make("hyperband", nlohmann::json::object());
  EXPECT_EQ(prune_step(*a, s, curve_trial("accuracy", [](auto) { return 0.2; }, 0.001, 9)), 3);
}

TEST(PatiencePruner, AloneAndWrapped) {
  SyntheticStudy s;
  s.objectives = {{"accuracy", Direction::kMaximize}};
  const std::vector<double> acc = {0.5, 0.6, 0.7, 0.7, 0.69, 0.7, 0.7};
  auto curve = [&](std::int64_t t) { return acc[static_cast<std::size_t>(t - 1)]; };
  auto p2 = make("patience", {{"patience", 2}});
  std::string why;
  // Best before the last 3 reports is 0.7 (step 3); nothing better after: pruned at step 6.
  EXPECT_EQ(prune_step(*p2, s, curve_trial("accuracy", curve, 0.001, 7), &why), 6);
  EXPECT_NE(why.find("patience"), std::string::npos);
  auto p3 = make("patience", {{"patience", 3}});
  EXPECT_EQ(prune_step(*p3, s, curve_trial("accuracy", curve, 0.001, 7)), 7);
  auto lax = make("patience", {{"patience", 2}, {"min_delta", 0.0}});
  EXPECT_EQ(prune_step(*lax, s, curve_trial("accuracy", [](auto t) { return 0.1 * t; }, 0.001, 7)), -1);
  // Wrapped: stalled but above the median of the others: kept; below: pruned.
  for (int j = 0; j < 5; ++j)
    s.add_curve(TrialState::kComplete, "accuracy", [](auto) { return 0.4; }, 0.001, 1, 7);
  auto wrapped = make("patience", {{"patience", 2}, {"wrapped", {{"type", "median"}}}});
  EXPECT_EQ(prune_step(*wrapped, s, curve_trial("accuracy", curve, 0.001, 7)), -1);
  EXPECT_EQ(prune_step(*wrapped, s, curve_trial("accuracy", [](auto) { return 0.3; }, 0.001, 7), &why), 4);
  EXPECT_NE(why.find("median"), std::string::npos);
}

// The pareto pruner's study: accuracy (max) and energy (min); final step 10.
// Accuracy curves a(t) = A (1 - 0.5/(t+1)) lie in the fitted family; energy = rate * t.
double acc_curve(double A, std::int64_t t) { return A * (1.0 - 0.5 / (double(t) + 1.0)); }

SyntheticStudy pareto_study() {
  SyntheticStudy s;
  s.objectives = {{"accuracy", Direction::kMaximize}, {"energy_kwh", Direction::kMinimize}};
  for (auto [A, rate] : std::vector<std::pair<double, double>>{
           {0.9, 0.01}, {0.8, 0.005}, {0.7, 0.002}, {0.6, 0.01}, {0.65, 0.008}})
    s.add_curve(TrialState::kComplete, "accuracy", [A = A](auto t) { return acc_curve(A, t); }, rate, 1, 10);
  return s;
}

TEST(ExtrapolateCurve, RecoversTheSaturatingFamily) {
  std::vector<std::pair<std::int64_t, double>> c;
  for (std::int64_t t = 1; t <= 4; ++t) c.emplace_back(t, acc_curve(0.9, t));
  EXPECT_NEAR(extrapolate_curve(c, 10), acc_curve(0.9, 10), 1e-9);
  EXPECT_DOUBLE_EQ(extrapolate_curve({{3, 0.4}}, 10), 0.4);
  // An exact curve has no noise: its trend is always significant and is extrapolated.
  EXPECT_NEAR(extrapolate_curve(c, 10, {.trend_sigmas = 2.0}), acc_curve(0.9, 10), 1e-9);
}

TEST(ExtrapolateCurve, NoisyFlatCurveIsProjectedFlat) {
  // A saturated real curve wobbling by a point: the best fit (c = 0.25) has a slope of 1.7
  // standard errors and would promise 0.98 at step 30, more than any report.
  const std::vector<std::pair<std::int64_t, double>> wobble = {
      {4, 0.94}, {5, 0.955}, {6, 0.945}, {7, 0.95}, {8, 0.96}};
  EXPECT_GT(extrapolate_curve(wobble, 30), 0.975);
  EXPECT_NEAR(extrapolate_curve(wobble, 30, {.trend_sigmas = 2.0}), 0.95, 1e-12);  // the mean: flat
  EXPECT_GT(extrapolate_curve(wobble, 30, {.trend_sigmas = 1.5}), 0.975);           // 1.7 > 1.5: a trend
  // A clear rise through the same noise stays a trend.
  const std::vector<std::pair<std::int64_t, double>> rising = {
      {1, 0.60}, {2, 0.75}, {3, 0.80}, {4, 0.845}, {5, 0.86}};
  EXPECT_GT(extrapolate_curve(rising, 30, {.trend_sigmas = 2.0}), 0.86);
}

// The exact-shape model (`shape: best_fit`, `noise_sigmas: 0`): the bolder model of
// earlier versions. The synthetic curves below are exactly one of the four shapes, so with it
// the projections are exact and only the margin decides.
const nlohmann::json kBestFit = {{"shape", "best_fit"}, {"noise_sigmas", 0}};

nlohmann::json best_fit_with(const std::string& key, double value) {
  nlohmann::json o = kBestFit;
  o[key] = value;
  return o;
}

TEST(ExtrapolateCurve, CautiousModelHopesWithinTheEvidence) {
  // Fashion-MNIST, 64x1, epochs 1-3 of 8 (a real trial of the diminishing-returns grid); it
  // ended at 0.875. The best fit saturates at once; the most hopeful shape (c = 0.25) does not.
  const std::vector<std::pair<std::int64_t, double>> rising = {{1, 0.8389}, {2, 0.851}, {3, 0.8568}};
  const double best_fit = extrapolate_curve(rising, 8, {.trend_sigmas = 2.0});
  const double hopeful = extrapolate_curve(rising, 8, {.trend_sigmas = 2.0, .envelope = true, .better = 1.0});
  EXPECT_LT(best_fit, 0.870);
  EXPECT_GT(hopeful, 0.870);
  EXPECT_LT(hopeful, 0.880);  // hopeful, not unbounded
  // Minimized metrics hope downward.
  std::vector<std::pair<std::int64_t, double>> loss;
  for (const auto& [t, y] : rising) loss.emplace_back(t, 1.0 - y);
  EXPECT_NEAR(extrapolate_curve(loss, 8, {.trend_sigmas = 2.0, .envelope = true, .better = -1.0}),
              1.0 - hopeful, 1e-12);
  // A flat curve is projected within its noise band: mean + 2 SD of its reports.
  const std::vector<std::pair<std::int64_t, double>> wobble = {
      {4, 0.94}, {5, 0.955}, {6, 0.945}, {7, 0.95}, {8, 0.96}};
  const double sd = std::sqrt((0.01 * 0.01 + 0.005 * 0.005 + 0.005 * 0.005 + 0.0 + 0.01 * 0.01) / 4.0);
  EXPECT_NEAR(extrapolate_curve(wobble, 30, {.trend_sigmas = 2.0, .noise_sigmas = 2.0, .better = 1.0}),
              0.95 + 2.0 * sd, 1e-12);
  EXPECT_NEAR(extrapolate_curve(wobble, 30, {.trend_sigmas = 2.0, .noise_sigmas = 2.0, .better = -1.0}),
              0.95 - 2.0 * sd, 1e-12);
}

// Two Fashion-MNIST trials of the full diminishing-returns grid (grid seed 7), as reported:
// the exact-shape model pruned both though each ended on the front; the default keeps them.
TEST(ParetoPruner, CautiousDefaultKeepsRealFrontTrialsTheBoldModelPruned) {
  SyntheticStudy s;
  s.objectives = {{"accuracy", Direction::kMaximize}, {"energy_kwh", Direction::kMinimize}};
  auto trial = [](TrialState state, std::int64_t epochs, const std::vector<double>& acc,
                  double kwh_per_epoch) {
    Trial t;
    t.state = state;
    t.params["epochs"] = epochs;
    for (std::size_t e = 0; e < acc.size(); ++e) {
      Report r;
      r.step = static_cast<std::int64_t>(e) + 1;
      r.metrics["accuracy"] = acc[e];
      r.elapsed_s = 1.0 + double(e + 1);
      r.energy_kwh = kwh_per_epoch * double(e + 1);
      t.reports.push_back(r);
    }
    t.metrics["accuracy"] = acc.back();
    t.duration_s = t.reports.back().elapsed_s;
    t.energy.energy_kwh = t.reports.back().energy_kwh;
    if (state == TrialState::kComplete) t.values = {acc.back(), t.energy.energy_kwh};
    return t;
  };
  // Complete trials: 32x2 and 64x2 with 8 epochs, and cheaper short ones.
  s.trials.push_back(trial(TrialState::kComplete, 8,
                           {0.8327, 0.8469, 0.8554, 0.8631, 0.8684, 0.8448, 0.8672, 0.8711}, 0.49e-6));
  s.trials.push_back(trial(TrialState::kComplete, 8,
                           {0.8451, 0.8554, 0.8675, 0.8673, 0.8738, 0.859, 0.8721, 0.8819}, 0.95e-6));
  s.trials.push_back(trial(TrialState::kComplete, 2, {0.8327, 0.8469}, 0.5e-6));
  s.trials.push_back(trial(TrialState::kComplete, 1, {0.8314}, 0.79e-6));
  s.trials.push_back(trial(TrialState::kComplete, 4, {0.8451, 0.8554, 0.8675, 0.8673}, 0.89e-6));
  for (std::size_t i = 0; i < s.trials.size(); ++i) {
    s.trials[i].number = static_cast<std::int64_t>(i);
    s.trials[i].end_unix_s = double(i);
  }
  // 64x1x8 ended at 0.875 for 7.0e-6 kWh; 128x2x8 at 0.8849 for 1.44e-5: both on the front.
  const Trial narrow = trial(TrialState::kRunning, 8,
                             {0.8389, 0.851, 0.8568, 0.8621, 0.8711, 0.8465, 0.8697, 0.875}, 0.88e-6);
  const Trial wide = trial(TrialState::kRunning, 8,
                           {0.8522, 0.8651, 0.873, 0.872, 0.8754, 0.8575, 0.8804, 0.8849}, 1.8e-6);
  auto dflt = make("pareto", nlohmann::json::object());
  auto bold = make("pareto", kBestFit);
  EXPECT_EQ(prune_step(*dflt, s, narrow), -1);
  EXPECT_EQ(prune_step(*dflt, s, wide), -1);
  EXPECT_NE(prune_step(*bold, s, narrow), -1);
  EXPECT_NE(prune_step(*bold, s, wide), -1);
}

TEST(ParetoPruner, PrunesProjectedDominatedTrials) {
  auto s = pareto_study();
  auto p = make("pareto", {{"min_steps", 3}, {"min_trials", 5}});
  std::string why;
  // Less accurate and hungrier than the (0.859, 0.1) trial: pruned once it has 3 reports.
  EXPECT_EQ(prune_step(*p, s, curve_trial("accuracy", [](auto t) { return acc_curve(0.6, t); }, 0.012, 10), &why), 3);
  EXPECT_NE(why.find("dominated by trial 0"), std::string::npos) << why;
  EXPECT_NE(why.find("energy_kwh 0.12"), std::string::npos) << why;
}

TEST(ParetoPruner, KeepsSlowButCheapAndFrontTrials) {
  auto s = pareto_study();
  auto p = make("pareto", nlohmann::json::object());
  // Slow learner that will end best and cheap.
  EXPECT_EQ(prune_step(*p, s, curve_trial("accuracy", [](auto t) { return acc_curve(0.95, t); }, 0.001, 10)), -1);
  // Each complete front trial replayed as running is never pruned (no false prunes).
  for (auto [A, rate] : std::vector<std::pair<double, double>>{{0.9, 0.01}, {0.8, 0.005}, {0.7, 0.002}})
    EXPECT_EQ(prune_step(*p, s, curve_trial("accuracy", [A = A](auto t) { return acc_curve(A, t); }, rate, 10)), -1) << A;
  // As accurate as the best but twice the energy: not worse by the margin in accuracy: kept.
  EXPECT_EQ(prune_step(*p, s, curve_trial("accuracy", [](auto t) { return acc_curve(0.9, t); }, 0.02, 10)), -1);
  // Too few complete trials: nothing is pruned.
  auto strict = make("pareto", {{"min_trials", 6}});
  EXPECT_EQ(prune_step(*strict, s, curve_trial("accuracy", [](auto t) { return acc_curve(0.6, t); }, 0.012, 10)), -1);
}

TEST(ParetoPruner, DefaultMarginIsOnePercentOfTheSpread) {
  // Final accuracy 0.8495, 0.0095 below trial 0's 0.859 (accuracy spread 0.286), 20% hungrier:
  // pruned with the default margin 0.01 (0.0029 of accuracy) and with 0.02 (0.0057), kept
  // with 0.05 (0.0143).
  auto s = pareto_study();
  auto dflt = make("pareto", kBestFit);
  auto two = make("pareto", best_fit_with("margin", 0.02));
  auto wide = make("pareto", best_fit_with("margin", 0.05));
  auto close = [](auto t) { return acc_curve(0.89, t); };
  EXPECT_EQ(prune_step(*dflt, s, curve_trial("accuracy", close, 0.012, 10)), 3);
  EXPECT_EQ(prune_step(*two, s, curve_trial("accuracy", close, 0.012, 10)), 3);
  EXPECT_EQ(prune_step(*wide, s, curve_trial("accuracy", close, 0.012, 10)), -1);
  // 0.004 below trial 0 (0.855): within 0.02's margin, outside the default's.
  auto closer = [](auto t) { return acc_curve(0.8955, t); };
  EXPECT_EQ(prune_step(*two, s, curve_trial("accuracy", closer, 0.012, 10)), -1);
  EXPECT_EQ(prune_step(*dflt, s, curve_trial("accuracy", closer, 0.012, 10)), 3);
}


TEST(ParetoPruner, UnprojectableObjectivesNeverPrune) {
  auto s = pareto_study();
  s.objectives.push_back({"cpu_s", Direction::kMinimize});
  for (auto& t : s.trials) t.values.push_back(1.0);
  auto p = make("pareto", nlohmann::json::object());
  EXPECT_EQ(prune_step(*p, s, curve_trial("accuracy", [](auto t) { return acc_curve(0.6, t); }, 0.012, 10)), -1);
}

TEST(ParetoPruner, ProjectionUsesMaxStep) {
  auto s = pareto_study();
  auto at3 = make("pareto", best_fit_with("max_step", 3));
  auto at10 = make("pareto", kBestFit);  // auto: largest complete step, 10
  Trial t = curve_trial("accuracy", [](auto t) { return acc_curve(0.6, t); }, 0.012, 3);
  t.number = 5;
  const auto q3 = dynamic_cast<ParetoPruner&>(*at3).project(s.view(), t);
  const auto q10 = dynamic_cast<ParetoPruner&>(*at10).project(s.view(), t);
  ASSERT_TRUE(q3 && q10);
  EXPECT_NEAR((*q3)[0], -acc_curve(0.6, 3), 1e-12);
  EXPECT_NEAR((*q3)[1], 0.036, 1e-12);
  EXPECT_NEAR((*q10)[0], -acc_curve(0.6, 10), 1e-9);  // maximized: minimization form
  EXPECT_NEAR((*q10)[1], 0.12, 1e-12);
  // No complete trial and no max_step: no projection.
  SyntheticStudy empty;
  empty.objectives = s.objectives;
  EXPECT_FALSE(dynamic_cast<ParetoPruner&>(*at10).project(empty.view(), t));
}

// Real-curve-shaped trials, as ecohpo-mlp reports them: `epochs` is a parameter and differs
// between trials, a start-up phase (data loading, 2 s) comes before the first report, the
// meter's readings at report time lag in 0.5 s chunks (so early readings are flat), energy is
// 1e-6 kWh per second throughout, and accuracy saturates early with +-0.01 noise. Complete
// trials end with the exact energy, 0.2 s after their last report.
constexpr double kStartupS = 2.0, kKwhPerS = 1e-6;
double real_acc(double A, std::int64_t e) {
  const double noise = 0.005 * double((e * 7919) % 5 - 2);  // deterministic, in [-0.01, 0.01]
  return A - (A - 0.1) * std::exp(-double(e)) + noise;
}
Trial real_trial(TrialState state, double A, std::int64_t epochs, double s_per_epoch,
                 std::int64_t last, std::int64_t first_step = 1) {
  Trial t;
  t.state = state;
  t.params["epochs"] = epochs;
  t.params["width"] = std::int64_t{64};
  for (std::int64_t e = 1; e <= last; ++e) {
    Report r;
    r.step = e + first_step - 1;
    r.metrics["accuracy"] = real_acc(A, e);
    r.elapsed_s = kStartupS + s_per_epoch * double(e);
    r.energy_kwh = kKwhPerS * 0.5 * std::floor(r.elapsed_s / 0.5);  // lagging readings
    t.reports.push_back(r);
  }
  t.metrics["accuracy"] = t.reports.back().metrics["accuracy"];
  t.duration_s = t.reports.back().elapsed_s + 0.2;
  t.energy.energy_kwh = kKwhPerS * t.duration_s;
  if (state == TrialState::kComplete) t.values = {t.metrics["accuracy"], t.energy.energy_kwh};
  return t;
}
SyntheticStudy real_study(std::int64_t first_step = 1) {
  SyntheticStudy s;
  s.objectives = {{"accuracy", Direction::kMaximize}, {"energy_kwh", Direction::kMinimize}};
  // (final accuracy scale, epochs, seconds per epoch): a hungry best, cheap short ones, junk.
  for (auto [A, epochs, spe] : std::vector<std::tuple<double, std::int64_t, double>>{
           {0.97, 30, 0.5}, {0.95, 8, 0.2}, {0.93, 4, 0.1}, {0.90, 2, 0.1}, {0.96, 16, 0.3},
           {0.50, 10, 0.2}}) {
    s.trials.push_back(real_trial(TrialState::kComplete, A, epochs, spe, epochs, first_step));
    s.trials.back().number = std::int64_t(s.trials.size()) - 1;
    s.trials.back().end_unix_s = double(s.trials.back().number);
  }
  return s;
}

TEST(ParetoPruner, FinalStepFromTheTrialsEpochs) {
  auto s = real_study();
  auto p = make("pareto", nlohmann::json::object());
  auto& pp = dynamic_cast<ParetoPruner&>(*p);
  Trial t = real_trial(TrialState::kRunning, 0.9, 6, 0.1, 3);
  auto f = pp.final_step(s.view(), t);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->step, 6);  // `epochs` explains every complete trial's last step
  EXPECT_TRUE(f->known);
  // Steps counted from 0: the last step is epochs - 1, found as a constant offset.
  auto s0 = real_study(0);
  Trial t0 = real_trial(TrialState::kRunning, 0.9, 6, 0.1, 3, 0);
  f = pp.final_step(s0.view(), t0);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->step, 5);
  // No parameter explains the steps: the largest step, marked unknown, and the projected
  // energy stays at what the trial has used (it may end now).
  s.trials[2].params["epochs"] = std::int64_t{5};
  f = pp.final_step(s.view(), t);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->step, 30);
  EXPECT_FALSE(f->known);
  auto q = pp.project(s.view(), t);
  ASSERT_TRUE(q);
  EXPECT_DOUBLE_EQ((*q)[1], t.reports.back().energy_kwh);
  // Named explicitly, or a fixed max_step, it is known again.
  auto named = make("pareto", {{"steps_param", "epochs"}});
  f = dynamic_cast<ParetoPruner&>(*named).final_step(s.view(), t);
  EXPECT_TRUE(f && f->step == 6 && f->known);
  auto fixed = make("pareto", {{"max_step", 12}});
  f = dynamic_cast<ParetoPruner&>(*fixed).final_step(s.view(), t);
  EXPECT_TRUE(f && f->step == 12 && f->known);
}

TEST(ParetoPruner, RealCurvesEnergyFromTimePerStep) {
  auto s = real_study();
  auto p = make("pareto", nlohmann::json::object());
  // 30 epochs of 0.5 s after 2 s of start-up; at epoch 3 (3.5 s) the reading is 3.5e-6 kWh.
  Trial t = real_trial(TrialState::kRunning, 0.8, 30, 0.5, 3);
  const auto q = dynamic_cast<ParetoPruner&>(*p).project(s.view(), t);
  ASSERT_TRUE(q);
  // 27 epochs left at 0.5 s each, at the trial's average power so far: 3.5e-6 + 13.5e-6.
  EXPECT_NEAR((*q)[1], 17.0e-6, 1e-12);
  // The true final energy (17.2e-6) is not exceeded: the start-up is not extrapolated.
  EXPECT_LE((*q)[1], kKwhPerS * (kStartupS + 30 * 0.5 + 0.2));
  // Before the meter has charged anything, the complete trials' median power is used.
  t.reports.back().energy_kwh = 0.0;
  const auto q0 = dynamic_cast<ParetoPruner&>(*p).project(s.view(), t);
  ASSERT_TRUE(q0);
  EXPECT_NEAR((*q0)[1], 13.5e-6, 1e-12);
}

TEST(ParetoPruner, RealCurvesPruneHungryLosersOnly) {
  auto s = real_study();
  auto p = make("pareto", nlohmann::json::object());
  std::string why;
  // Hungry (30 epochs x 0.5 s) and mediocre (~0.8): pruned as soon as the most hopeful
  // shape of its curve falls short, at step 6 (the exact-shape model prunes at step 3).
  EXPECT_EQ(prune_step(*p, s, real_trial(TrialState::kRunning, 0.8, 30, 0.5, 30), &why), 6);
  EXPECT_NE(why.find("dominated by trial"), std::string::npos) << why;
  auto bold = make("pareto", kBestFit);
  EXPECT_EQ(prune_step(*bold, s, real_trial(TrialState::kRunning, 0.8, 30, 0.5, 30)), 3);
  // Cheapest of all (3 short epochs), far less accurate than the best: it ends at its own
  // third epoch, so it is kept. (Projected to the largest step, 30, at its flat energy
  // readings' average per step, it would look as hungry as the best and be pruned.)
  EXPECT_EQ(prune_step(*p, s, real_trial(TrialState::kRunning, 0.85, 3, 0.05, 3)), -1);
  // A slow starter that ends best and cheap is kept.
  EXPECT_EQ(prune_step(*p, s, real_trial(TrialState::kRunning, 0.99, 6, 0.05, 6)), -1);
  // Every complete trial on the front, replayed as running, is never pruned at any step.
  std::vector<std::size_t> index;
  const auto points = minimization_matrix(s.trials, s.objectives, &index);
  for (std::size_t i : pareto_front(points)) {
    const Trial& c = s.trials[index[i]];
    Trial replay = c;
    EXPECT_EQ(prune_step(*p, s, replay), -1) << "trial " << c.number;
  }
}

TEST(ParetoPruner, NoisyDipProjectsFromTheBestSoFar) {
  auto s = real_study();
  auto p = make("pareto", nlohmann::json::object());
  Trial t = real_trial(TrialState::kRunning, 0.95, 8, 0.2, 5);
  t.reports.back().metrics["accuracy"] = 0.6;  // a noisy dip at the latest report
  const auto q = dynamic_cast<ParetoPruner&>(*p).project(s.view(), t);
  ASSERT_TRUE(q);
  double best = 0.0;
  for (const auto& r : t.reports) best = std::max(best, r.metrics.at("accuracy"));
  EXPECT_LE((*q)[0], -best);  // minimization form: at least as good as the best so far
  EXPECT_EQ(prune_step(*p, s, t), -1);
}

TEST(ParetoPruner, NoisyPlateauIsNotExtrapolatedUpward) {
  // A hungry trial (30 epochs x 0.5 s) stuck at 0.94 +- 0.01 from epoch 3 on, against the
  // real-curve study whose best is 0.97: with the trend test it is projected flat (best so
  // far 0.95) and pruned; with the trend test off its wobble is extrapolated to the best
  // accuracy any trial reported, and it is kept.
  auto s = real_study();
  Trial t = real_trial(TrialState::kRunning, 0.94, 30, 0.5, 8);
  const double wobble[] = {0.94, 0.955, 0.945, 0.95, 0.96};
  for (int i = 0; i < 5; ++i) t.reports[3 + i].metrics["accuracy"] = wobble[i];
  auto flat = make("pareto", kBestFit);
  auto off = make("pareto", best_fit_with("trend_sigmas", 0));
  const auto qf = dynamic_cast<ParetoPruner&>(*flat).project(s.view(), t);
  const auto qo = dynamic_cast<ParetoPruner&>(*off).project(s.view(), t);
  ASSERT_TRUE(qf && qo);
  EXPECT_NEAR(-(*qf)[0], 0.96, 1e-12);  // flat at 0.95, floored at the best so far
  EXPECT_GT(-(*qo)[0], 0.96);
  EXPECT_TRUE(flat->should_prune(s.view(), t).prune);
  EXPECT_FALSE(off->should_prune(s.view(), t).prune);
}

TEST(Pruners, BadOptionsNameTheKey) {
  auto key_of = [](const std::string& type, nlohmann::json o, const StudySpec* study = nullptr) {
    try {
      make(type, std::move(o), study);
    } catch (const ConfigError& e) {
      return e.key();
    }
    return std::string("no error");
  };
  EXPECT_EQ(key_of("median", {{"percentile", 30}}), "/pruner/percentile");
  EXPECT_EQ(key_of("percentile", {{"percentile", 130}}), "/pruner/percentile");
  EXPECT_EQ(key_of("median", {{"warmup_steps", -1}}), "/pruner/warmup_steps");
  EXPECT_EQ(key_of("asha", {{"reduction_factor", 1}}), "/pruner/reduction_factor");
  EXPECT_EQ(key_of("hyperband", {{"max_resource", 1}, {"min_resource", 3}}), "/pruner/max_resource");
  EXPECT_EQ(key_of("patience", {{"wrapped", {{"type", "nope"}}}}), "/pruner/wrapped/type");
  EXPECT_EQ(key_of("patience", {{"wrapped", {{"type", "median"}, {"bad", 1}}}}), "/pruner/wrapped/bad");
  EXPECT_EQ(key_of("patience", {{"wrapped", 3}}), "/pruner/wrapped");
  EXPECT_EQ(key_of("pareto", {{"margin", -0.1}}), "/pruner/margin");
  EXPECT_EQ(key_of("pareto", {{"trend_sigmas", -1}}), "/pruner/trend_sigmas");
  EXPECT_EQ(key_of("pareto", {{"noise_sigmas", -1}}), "/pruner/noise_sigmas");
  EXPECT_EQ(key_of("pareto", {{"shape", "linear"}}), "/pruner/shape");
  EXPECT_EQ(key_of("pareto", {{"shape", 3}}), "/pruner/shape");
  EXPECT_EQ(key_of("pareto", {{"fit_points", 1}}), "/pruner/fit_points");
  EXPECT_EQ(key_of("pareto", {{"steps_param", 3}}), "/pruner/steps_param");
  EXPECT_EQ(key_of("median", {{"direction", "sideways"}}), "/pruner/direction");
  EXPECT_EQ(key_of("bandit", nlohmann::json::object()), "/pruner/type");
  StudySpec study;
  study.objectives = {{"energy_kwh", Direction::kMinimize}};
  EXPECT_EQ(key_of("median", nlohmann::json::object(), &study), "/pruner/metric");
  EXPECT_EQ(key_of("asha", {{"metric", "loss"}}, &study), "/pruner/direction");
  EXPECT_EQ(key_of("asha", {{"metric", "loss"}, {"direction", "minimize"}}, &study), "no error");
}

TEST(Pruners, DefaultsBuildForEveryType) {
  Registry r;
  register_pruners(r);
  for (const auto& [name, factory] : r.pruners)
    EXPECT_NE(make(name, nlohmann::json::object()), nullptr) << name;
  EXPECT_EQ(r.pruners.size(), 6u);
}

}  // namespace
}  // namespace hpo
