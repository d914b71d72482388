// The contract every registered sampler keeps (hpo/sampler.h): valid proposals for every kind
// of parameter, determinism under a seed, robustness to failed/pruned/interrupted/running
// trials and tiny histories, and any number of objectives with mixed directions.
// Value-parameterized over samplers::register_samplers, so new samplers join automatically.
#include <gtest/gtest.h>

#include <algorithm>

#include "samplers/detail/running.h"
#include "tests/samplers/sampler_test_util.h"

namespace samplers::testing {
namespace {

constexpr int kHistory = 30;

class SamplerContract : public ::testing::TestWithParam<std::string> {
 protected:
  // Runs `n` sequential trials of `sampler` on `space`, checking each proposal.
  std::vector<hpo::Trial> run(hpo::Sampler& sampler, const hpo::SearchSpace& space,
                              const std::vector<hpo::Objective>& objs, int n,
                              std::vector<hpo::Trial> trials = {}) {
    const auto start = static_cast<std::int64_t>(trials.size());
    for (std::int64_t i = start; i < start + n; ++i) {
      const hpo::StudyView view{space, objs, trials};
      auto p = sampler.suggest(view, i);
      expect_valid(space, p, i);
      trials.push_back(complete_trial(space, objs, i, std::move(p)));
    }
    return trials;
  }
  static void expect_valid(const hpo::SearchSpace& space, hpo::Params p, std::int64_t n) {
    space.add_fixed(p);
    EXPECT_EQ(space.check(p), "") << "trial " << n << ": " << hpo::params_to_json(p).dump();
  }
};

TEST_P(SamplerContract, RespectsBoundsTypesLogStepsAndConditions) {
  const auto space = mixed_space();
  const auto objs = objectives(2);
  auto s = make_sampler(GetParam(), 11);
  const auto trials = run(*s, space, objs, kHistory);
  // Conditions: `momentum` is present exactly when opt == sgd (checked by space.check), and
  // both branches occur.
  const auto sgd = std::count_if(trials.begin(), trials.end(), [](const hpo::Trial& t) {
    return std::get<std::string>(t.params.at("opt")) == "sgd";
  });
  if (GetParam() != "grid") {  // grid visits a shuffled grid; both branches are likely, not sure
    EXPECT_GT(sgd, 0);
    EXPECT_LT(sgd, kHistory);
  }
  for (const auto& t : trials) {
    EXPECT_TRUE(std::holds_alternative<double>(t.params.at("lr")));
    EXPECT_TRUE(std::holds_alternative<std::int64_t>(t.params.at("width")));
    EXPECT_TRUE(std::holds_alternative<bool>(t.params.at("flag")));
    EXPECT_EQ(t.params.count("fixed"), 0u) << "fixed parameters are added by the study loop";
  }
}

TEST_P(SamplerContract, DeterministicUnderSeed) {
  const auto space = mixed_space();
  const auto objs = objectives(2);
  auto a = make_sampler(GetParam(), 5);
  auto b = make_sampler(GetParam(), 5);
  const auto ta = run(*a, space, objs, kHistory);
  const auto tb = run(*b, space, objs, kHistory);
  for (int i = 0; i < kHistory; ++i)
    EXPECT_TRUE(detail::same_params(ta[i].params, tb[i].params)) << "trial " << i;
  // A fresh sampler given the same history proposes the same next configuration.
  auto c = make_sampler(GetParam(), 5);
  const hpo::StudyView view{space, objs, ta};
  EXPECT_TRUE(detail::same_params(a->suggest(view, kHistory), c->suggest(view, kHistory)));
}

TEST_P(SamplerContract, IndependentOfFinishOrder) {
  const auto space = mixed_space();
  const auto objs = objectives(2);
  auto s = make_sampler(GetParam(), 3);
  auto trials = run(*s, space, objs, kHistory);
  auto reordered = trials;
  // The same trials finishing in reverse order (end times reversed, attempts interleaved).
  for (std::size_t i = 0; i < reordered.size(); ++i) {
    reordered[i].end_unix_s = 5000.0 - static_cast<double>(i);
    reordered[i].duration_s = static_cast<double>(reordered.size() - i);
  }
  auto s1 = make_sampler(GetParam(), 3);
  auto s2 = make_sampler(GetParam(), 3);
  const hpo::StudyView v1{space, objs, trials};
  const hpo::StudyView v2{space, objs, reordered};
  EXPECT_TRUE(detail::same_params(s1->suggest(v1, kHistory), s2->suggest(v2, kHistory)));
}

TEST_P(SamplerContract, SurvivesFailedPrunedInterruptedAndRunningTrials) {
  const auto space = mixed_space();
  const auto objs = objectives(2);
  auto s = make_sampler(GetParam(), 7);
  std::vector<hpo::Trial> trials;
  for (std::int64_t i = 0; i < kHistory; ++i) {
    const hpo::StudyView view{space, objs, trials};
    auto p = s->suggest(view, i);
    expect_valid(space, p, i);
    auto t = complete_trial(space, objs, i, p);
    switch (i % 5) {
      case 1:
        t.state = hpo::TrialState::kFailed;
        t.values.clear();
        t.metrics.clear();
        t.reason = "exit status 1";
        break;
      case 2:
        t.state = hpo::TrialState::kPruned;
        t.values.clear();
        t.reports.push_back({3, {{"f0", 0.5}}, 1.0, 1e-4});
        break;
      case 3:
        t.state = hpo::TrialState::kInterrupted;
        t.values.clear();
        break;
      default:
        break;
    }
    if (i == kHistory - 1) t.state = hpo::TrialState::kRunning, t.values.clear();
    trials.push_back(std::move(t));
  }
  const hpo::StudyView view{space, objs, trials};
  expect_valid(space, s->suggest(view, kHistory), kHistory);
}

TEST_P(SamplerContract, TinyHistories) {
  const auto space = mixed_space();
  const auto objs = objectives(1);
  auto s = make_sampler(GetParam(), 1);
  std::vector<hpo::Trial> none;
  expect_valid(space, s->suggest({space, objs, none}, 0), 0);
  // One finished trial only.
  auto one = run(*s, space, objs, 1);
  expect_valid(space, s->suggest({space, objs, one}, 1), 1);
  // Only failures.
  std::vector<hpo::Trial> failed = one;
  failed[0].state = hpo::TrialState::kFailed;
  failed[0].values.clear();
  expect_valid(space, s->suggest({space, objs, failed}, 1), 1);
  // Everything identical (a degenerate history: zero spread in every parameter and value).
  std::vector<hpo::Trial> same;
  for (int i = 0; i < 12; ++i) same.push_back(complete_trial(space, objs, i, one[0].params));
  expect_valid(space, s->suggest({space, objs, same}, 12), 12);
}

TEST_P(SamplerContract, OneTwoAndThreeObjectivesWithMixedDirections) {
  const auto space = box_space(3);
  for (int m = 1; m <= 3; ++m) {
    SCOPED_TRACE("objectives: " + std::to_string(m));
    auto s = make_sampler(GetParam(), 100 + static_cast<std::uint64_t>(m));
    run(*s, space, objectives(m), kHistory);
  }
}

TEST_P(SamplerContract, CategoricalOnlyAndIntOnlySpaces) {
  const auto objs = objectives(2);
  {
    SCOPED_TRACE("categorical only");
    auto s = make_sampler(GetParam(), 2);
    run(*s, categorical_space(), objs, kHistory);
  }
  {
    SCOPED_TRACE("int only");
    auto s = make_sampler(GetParam(), 2);
    const auto space = int_space();
    const auto trials = run(*s, space, objs, kHistory);
    for (const auto& t : trials)
      for (const auto& [k, v] : t.params) EXPECT_TRUE(std::holds_alternative<std::int64_t>(v));
  }
}

TEST_P(SamplerContract, UnknownOptionIsAConfigErrorNamingTheKey) {
  try {
    make_sampler(GetParam(), 1, {{"seed", 1}, {"no_such_option", 3}});
    FAIL() << "expected ConfigError";
  } catch (const hpo::ConfigError& e) {
    EXPECT_NE(std::string(e.key()).find("/sampler"), std::string::npos) << e.key();
    EXPECT_NE(std::string(e.what()).find("no_such_option"), std::string::npos) << e.what();
  }
}

INSTANTIATE_TEST_SUITE_P(AllSamplers, SamplerContract, ::testing::ValuesIn(sampler_types()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace samplers::testing
