// `parallel: 4`: while four trials run (state kRunning in the view), a sampler must not propose
// the values of one of them again. The space is small and categorical (27 configurations), so
// a sampler that ignores running trials would repeat one within a few proposals; for tpe this
// exercises the constant liar.
#include <gtest/gtest.h>

#include <deque>

#include "samplers/detail/running.h"
#include "tests/samplers/sampler_test_util.h"

namespace samplers::testing {
namespace {

class ParallelDedup : public ::testing::TestWithParam<std::string> {};

TEST_P(ParallelDedup, NeverDuplicatesARunningTrial) {
  const auto registry = make_registry();
  if (!registry.samplers.count(GetParam())) GTEST_SKIP() << GetParam() << " not registered";
  const auto space = categorical_space(3, 3);
  const auto objs = objectives(2);
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    auto s = make_sampler(GetParam(), seed);
    std::vector<hpo::Trial> trials;
    std::deque<std::size_t> running;  // indices into trials
    int duplicates = 0;
    for (std::int64_t n = 0; n < 40; ++n) {
      // Four trials in flight while proposing (fewer only during the first three proposals).
      const hpo::StudyView view{space, objs, trials};
      const auto p = s->suggest(view, n);
      if (detail::duplicates_running(view, p)) ++duplicates;
      hpo::Trial t;
      t.number = n;
      t.params = p;
      t.state = hpo::TrialState::kRunning;
      trials.push_back(std::move(t));
      running.push_back(trials.size() - 1);
      if (running.size() > 4) {  // a slot frees: the oldest running trial completes
        auto& done = trials[running.front()];
        done = complete_trial(space, objs, done.number, done.params);
        running.pop_front();
      }
    }
    EXPECT_EQ(duplicates, 0) << "seed " << seed;
  }
}

INSTANTIATE_TEST_SUITE_P(Samplers, ParallelDedup,
                         ::testing::Values("tpe", "gp", "nsga2", "qmc", "random"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace samplers::testing
