// compare.h: synthetic studies written with StudyStore, read back like `ecohpo compare` does,
// and every number checked against values computed by hand in the comments.
#include "hpo/report/compare.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "hpo/core/study_store.h"
#include "tests/support/compare_test_util.h"
#include "tests/support/storage_test_util.h"

namespace hpo {
namespace {

using testing::Rec;
using testing::TempDir;
using testing::write_study;
constexpr double kInf = std::numeric_limits<double>::infinity();

// Study A (random, seed 1) and B (tpe energy-aware, seed 2). B0 dominates every other point,
// so the combined front has no extent and each objective falls back to its range over all
// trials. Minimization form: accuracy in [-0.75, -0.25] (range 0.5), energy in [1, 3]
// (range 2). Normalized points and hypervolume against (1.1, 1.1):
//   A0 (0.5, 0)            hv 0.6 * 1.1 = 0.66                  cum 1.0
//   A1 failed 0.5 kWh, retry (0, 1)  hv 0.66 + 0.5 * 0.1 = 0.71  cum 1 + 0.5 + 3 = 4.5
//   A2 (1, 0.5) dominated  hv 0.71                               cum 6.5
//   B0 (0, 0)              hv 1.21                               cum 0.25 + 1 = 1.25
//   B1 (0.5, 0) dominated  hv 1.21                               cum 2.5
class CompareTest : public ::testing::Test {
 protected:
  void SetUp() override {
    a_ = write_study(dir_, "a", "random", false, 1,
                     {{0, 0, TrialState::kComplete, 0.5, 1.0, 0.0},
                      {1, 0, TrialState::kFailed, 0.0, 0.5, 0.0},
                      {1, 1, TrialState::kComplete, 0.75, 3.0, 0.0},
                      {2, 0, TrialState::kComplete, 0.25, 2.0, 0.0}});
    b_ = write_study(dir_, "b", "tpe", true, 2,
                     {{0, 0, TrialState::kComplete, 0.75, 1.0, 0.25},
                      {1, 0, TrialState::kComplete, 0.5, 1.0, 0.25}});
  }
  std::vector<CompareInput> inputs() const {
    return {load_compare_input(a_), load_compare_input(b_)};
  }
  TempDir dir_{"compare"};
  std::filesystem::path a_, b_;
};

TEST_F(CompareTest, LoadsGroupAndSeedFromTheSamplerSpec) {
  const auto in = inputs();
  EXPECT_EQ(in[0].group, "random");
  EXPECT_EQ(in[1].group, "tpe+energy-aware");
  EXPECT_EQ(in[0].seed, 1);
  EXPECT_EQ(in[1].seed, 2);
  EXPECT_EQ(in[0].trials.size(), 4u);
}

TEST_F(CompareTest, CurvesCountEveryAttemptAndTheOptimizer) {
  CompareOptions opt;
  auto r = compare_studies(inputs(), opt);
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_DOUBLE_EQ(r->ideal[0], -0.75);
  EXPECT_DOUBLE_EQ(r->nadir[0], -0.25);
  EXPECT_DOUBLE_EQ(r->ideal[1], 1.0);
  EXPECT_DOUBLE_EQ(r->nadir[1], 3.0);
  EXPECT_EQ(r->best_metric, "accuracy");

  const StudyCurve& a = r->studies[0];
  ASSERT_EQ(a.points.size(), 3u);
  EXPECT_EQ(a.trials, 3);
  EXPECT_EQ(a.complete, 3);
  EXPECT_DOUBLE_EQ(a.points[0].cum_kwh, 1.0);
  EXPECT_DOUBLE_EQ(a.points[1].cum_kwh, 4.5);
  EXPECT_DOUBLE_EQ(a.points[2].cum_kwh, 6.5);
  EXPECT_DOUBLE_EQ(a.points[0].hv, 0.66);
  EXPECT_DOUBLE_EQ(a.points[1].hv, 0.71);
  EXPECT_DOUBLE_EQ(a.points[2].hv, 0.71);
  EXPECT_DOUBLE_EQ(*a.points[0].best, 0.5);
  EXPECT_DOUBLE_EQ(*a.points[2].best, 0.75);
  EXPECT_DOUBLE_EQ(a.total_kwh, 6.5);
  EXPECT_DOUBLE_EQ(a.optimizer_share, 0.0);

  const StudyCurve& b = r->studies[1];
  EXPECT_DOUBLE_EQ(b.points[0].cum_kwh, 1.25);
  EXPECT_DOUBLE_EQ(b.points[0].hv, 1.21);
  EXPECT_DOUBLE_EQ(b.sampler_kwh, 0.5);
  EXPECT_DOUBLE_EQ(b.total_kwh, 2.5);
  EXPECT_DOUBLE_EQ(b.optimizer_share, 0.2);

  // Default target: 0.95 x best final hypervolume (1.21) = 1.1495; only B reaches it.
  EXPECT_DOUBLE_EQ(r->reference_hv, 1.21);
  EXPECT_DOUBLE_EQ(r->target_hv, 0.95 * 1.21);
  EXPECT_FALSE(a.kwh_to_target.has_value());
  EXPECT_DOUBLE_EQ(*b.kwh_to_target, 1.25);
  EXPECT_EQ(*b.trial_to_target, 0);

  ASSERT_EQ(r->groups.size(), 2u);
  EXPECT_EQ(r->groups[0].group, "random");  // random first
  EXPECT_EQ(r->groups[0].reached, 0);
  EXPECT_TRUE(std::isinf(r->groups[0].kwh_to_target.median));
  EXPECT_FALSE(r->groups[1].vs_random.has_value());  // no finite random baseline
  EXPECT_DOUBLE_EQ(r->groups[1].optimizer_share.median, 0.2);
}

TEST_F(CompareTest, HypervolumeFractionAndGivenReference) {
  CompareOptions opt;
  opt.target_hv_fraction = 0.5;  // 0.605: A at trial 0 (1.0 kWh), B at trial 0 (1.25 kWh)
  auto r = compare_studies(inputs(), opt);
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_DOUBLE_EQ(*r->studies[0].kwh_to_target, 1.0);
  EXPECT_DOUBLE_EQ(*r->groups[1].vs_random, 1.25);
  EXPECT_DOUBLE_EQ(*r->groups[0].vs_random, 1.0);

  opt.target_hv_fraction = 1.0;
  opt.reference_hv = 0.7;  // A reaches 0.71 at trial 1 (4.5 kWh)
  r = compare_studies(inputs(), opt);
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_DOUBLE_EQ(*r->studies[0].kwh_to_target, 4.5);
  EXPECT_EQ(*r->studies[0].trial_to_target, 1);
  EXPECT_DOUBLE_EQ(*r->groups[1].vs_random, 1.25 / 4.5);
}

TEST_F(CompareTest, MetricTarget) {
  CompareOptions opt;
  opt.target_metric = "accuracy";
  opt.target_value = 0.75;
  auto r = compare_studies(inputs(), opt);
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_DOUBLE_EQ(*r->studies[0].kwh_to_target, 4.5);
  EXPECT_DOUBLE_EQ(*r->studies[1].kwh_to_target, 1.25);
  EXPECT_EQ(r->target_text, "accuracy >= 0.75");
  EXPECT_DOUBLE_EQ(*r->target_value, 0.75);

  opt.target_metric = "energy_kwh";  // minimized: first trial with energy <= 1
  opt.target_value = 1.0;
  r = compare_studies(inputs(), opt);
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r->best_metric, "energy_kwh");
  EXPECT_DOUBLE_EQ(*r->studies[0].kwh_to_target, 1.0);
  EXPECT_DOUBLE_EQ(*r->studies[1].final_best, 1.0);
}

TEST_F(CompareTest, GroupCurvesOnTheCommonGrid) {
  CompareOptions opt;
  opt.grid_points = 3;  // 0, 3.25, 6.5 kWh
  auto r = compare_studies(inputs(), opt);
  ASSERT_TRUE(r.ok()) << r.error();
  const GroupCurve& hv = r->groups[0].hv_curve;  // nothing before the first trial (1 kWh)
  ASSERT_EQ(hv.kwh.size(), 2u);
  EXPECT_DOUBLE_EQ(hv.kwh[0], 3.25);
  EXPECT_DOUBLE_EQ(hv.median[0], 0.66);
  EXPECT_DOUBLE_EQ(hv.median[1], 0.71);
  const GroupCurve& best = r->groups[0].best_curve;  // nothing before the first trial
  ASSERT_EQ(best.kwh.size(), 2u);
  EXPECT_DOUBLE_EQ(best.median[0], 0.5);
  EXPECT_DOUBLE_EQ(best.median[1], 0.75);
  // B spent 2.5 kWh: its curve stops before the grid point 3.25 and 0 precedes its first trial.
  EXPECT_TRUE(r->groups[1].hv_curve.kwh.empty());
  opt.grid_points = 6;  // 0, 1.3, 2.6, ...: B at 1.3 kWh has trial 0 (1.25 kWh), hv 1.21
  r = compare_studies(inputs(), opt);
  ASSERT_TRUE(r.ok()) << r.error();
  ASSERT_EQ(r->groups[1].hv_curve.kwh.size(), 1u);
  EXPECT_DOUBLE_EQ(r->groups[1].hv_curve.kwh[0], 1.3);
  EXPECT_DOUBLE_EQ(r->groups[1].hv_curve.median[0], 1.21);
}

TEST_F(CompareTest, WritesTheReportFiles) {
  auto r = compare_studies(inputs(), CompareOptions{});
  ASSERT_TRUE(r.ok()) << r.error();
  const auto out = dir_ / "report";
  write_compare_report(*r, out);
  for (const char* f : {"hv_vs_kwh.svg", "best_vs_kwh.svg", "summary.csv", "studies.csv",
                        "summary.md"}) {
    EXPECT_TRUE(std::filesystem::exists(out / f)) << f;
  }
  const std::string svg = testing::read_file(out / "hv_vs_kwh.svg");
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  EXPECT_NE(svg.find("tpe+energy-aware (n=1)"), std::string::npos);
  const std::string csv = testing::read_file(out / "summary.csv");
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 3);
  EXPECT_EQ(csv.rfind("group,studies,reached,kwh_to_target_median,", 0), 0u);
  EXPECT_NE(csv.find("\"tpe+energy-aware\",1,1,1.25,"), std::string::npos);
  const std::string table = format_compare_table(*r);
  EXPECT_NE(table.find("not reached"), std::string::npos);
  EXPECT_NE(table.find("20.00%"), std::string::npos);
}

TEST_F(CompareTest, ErrorsNameTheStudyAndTheFlag) {
  auto in = inputs();
  in[1].objectives[1].direction = Direction::kMaximize;
  auto r = compare_studies(in, CompareOptions{});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find(b_.string()), std::string::npos) << r.error();
  EXPECT_NE(r.error().find("energy_kwh (maximize)"), std::string::npos) << r.error();

  CompareOptions opt;
  opt.target_metric = "f1";
  r = compare_studies(inputs(), opt);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("--target: 'f1' is not an objective of " + a_.string()),
            std::string::npos) << r.error();

  opt = CompareOptions{};
  opt.best_metric = "loss";
  r = compare_studies(inputs(), opt);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("--metric: 'loss'"), std::string::npos) << r.error();

  opt = CompareOptions{};
  opt.target_hv_fraction = 1.5;
  r = compare_studies(inputs(), opt);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("target_hv_fraction"), std::string::npos) << r.error();

  EXPECT_FALSE(compare_studies({}, CompareOptions{}).ok());
  try {
    load_compare_input(dir_ / "missing.h5");
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("missing.h5"), std::string::npos) << e.what();
  }
  testing::write_file(dir_ / "garbage.h5", "not an hdf5 file");
  try {
    load_compare_input(dir_ / "garbage.h5");
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("garbage.h5"), std::string::npos) << e.what();
  }
}

// The combined front {(-0.75, 1), (-0.5, 0.5)} sets ideal (-0.75, 0.5) and nadir (-0.5, 1);
// the dominated outlier (-0.25, 3) lies beyond the reference point and adds nothing:
//   #0 (0, 1)  hv 1.1 * 0.1 = 0.11;  #1 (1, 0)  hv 0.11 + 0.1 * 1 = 0.21;  #2 (2, 5)  hv 0.21
TEST(CompareNormalization, ByTheCombinedFront) {
  TempDir dir("compare-front");
  std::vector<CompareInput> in{load_compare_input(write_study(
      dir, "c", "random", false, 5,
      {{0, 0, TrialState::kComplete, 0.75, 1.0, 0.0},
       {1, 0, TrialState::kComplete, 0.5, 0.5, 0.0},
       {2, 0, TrialState::kComplete, 0.25, 3.0, 0.0}}))};
  auto r = compare_studies(in, CompareOptions{});
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_DOUBLE_EQ(r->ideal[0], -0.75);
  EXPECT_DOUBLE_EQ(r->nadir[0], -0.5);
  EXPECT_DOUBLE_EQ(r->ideal[1], 0.5);
  EXPECT_DOUBLE_EQ(r->nadir[1], 1.0);
  const StudyCurve& c = r->studies[0];
  ASSERT_EQ(c.points.size(), 3u);
  EXPECT_NEAR(c.points[0].hv, 0.11, 1e-12);  // 1.1 - 1 is not exact
  EXPECT_NEAR(c.points[1].hv, 0.21, 1e-12);
  EXPECT_DOUBLE_EQ(c.points[2].hv, c.points[1].hv);
  EXPECT_DOUBLE_EQ(*c.kwh_to_target, 1.5);  // 0.95 x 0.21 first reached at trial 1
  EXPECT_EQ(c.group, "random");
}

TEST(CompareMedians, OverSeedsWithAnUnreachedStudy) {
  TempDir dir("compare-medians");
  std::vector<CompareInput> in;
  // Target accuracy 0.75 reached after 1 + e kWh, e = 1, 2, 4; the fourth never reaches it.
  int seed = 0;
  for (double e : {4.0, 1.0, 2.0}) {
    in.push_back(load_compare_input(write_study(
        dir, "r" + std::to_string(seed), "random", false, seed,
        {{0, 0, TrialState::kComplete, 0.5, 1.0, 0.0}, {1, 0, TrialState::kComplete, 0.75, e, 0.0}})));
    ++seed;
  }
  in.push_back(load_compare_input(write_study(dir, "r3", "random", false, 3,
                                              {{0, 0, TrialState::kComplete, 0.5, 1.0, 0.0}})));
  CompareOptions opt;
  opt.target_metric = "accuracy";
  opt.target_value = 0.75;
  auto r = compare_studies(in, opt);
  ASSERT_TRUE(r.ok()) << r.error();
  ASSERT_EQ(r->groups.size(), 1u);
  const GroupSummary& g = r->groups[0];
  EXPECT_EQ(g.studies, 4);
  EXPECT_EQ(g.reached, 3);
  // {2, 3, 5, inf}: median 4, q25 2.75, q75 between 5 and inf -> inf.
  EXPECT_DOUBLE_EQ(g.kwh_to_target.median, 4.0);
  EXPECT_DOUBLE_EQ(g.kwh_to_target.q25, 2.75);
  EXPECT_TRUE(std::isinf(g.kwh_to_target.q75));
  EXPECT_DOUBLE_EQ(g.kwh_to_target.min, 2.0);
  EXPECT_DOUBLE_EQ(*g.vs_random, 1.0);
}

TEST(CompareSpread, Quantiles) {
  Spread s = spread_of({4.0, 1.0, 3.0, 2.0});
  EXPECT_DOUBLE_EQ(s.median, 2.5);
  EXPECT_DOUBLE_EQ(s.q25, 1.75);
  EXPECT_DOUBLE_EQ(s.q75, 3.25);
  EXPECT_DOUBLE_EQ(s.min, 1.0);
  EXPECT_DOUBLE_EQ(s.max, 4.0);
  EXPECT_EQ(s.n, 4);
  s = spread_of({1.0, kInf});
  EXPECT_TRUE(std::isinf(s.median));
  s = spread_of({1.0, 2.0, kInf});
  EXPECT_DOUBLE_EQ(s.median, 2.0);
  EXPECT_DOUBLE_EQ(s.q25, 1.5);
  EXPECT_TRUE(std::isinf(s.q75));
  s = spread_of({});
  EXPECT_EQ(s.n, 0);
  EXPECT_TRUE(std::isnan(s.median));
  EXPECT_EQ(sampler_group("gp", true), "gp+energy-aware");
  EXPECT_EQ(sampler_group("gp", false), "gp");
  EXPECT_EQ(sampler_group("random", false, "pareto"), "random+pareto-pruner");
  EXPECT_EQ(sampler_group("tpe", true, "pareto"), "tpe+energy-aware+pareto-pruner");
  EXPECT_EQ(sampler_group("tpe", true, ""), "tpe+energy-aware");
}

TEST(CompareGroups, APrunedStudyIsNotPooledWithThePlainSampler) {
  TempDir dir{"compare-pruner"};
  const auto plain = write_study(dir, "plain", "random", false, 1,
                                 {{0, 0, TrialState::kComplete, 0.5, 1.0, 0.0}});
  const auto pruned = write_study(dir, "pruned", "random", false, 1,
                                  {{0, 0, TrialState::kComplete, 0.75, 2.0, 0.0}}, "pareto");
  const auto r = compare_studies({load_compare_input(plain), load_compare_input(pruned)}, {});
  ASSERT_TRUE(r.ok()) << r.error();
  ASSERT_EQ(r->groups.size(), 2u);
  EXPECT_EQ(r->groups[0].group, "random");
  EXPECT_EQ(r->groups[1].group, "random+pareto-pruner");
  EXPECT_EQ(r->groups[1].studies, 1);
}

}  // namespace
}  // namespace hpo
