// SIGKILL at random moments (seeded): a child process writes trials in a loop and tells the
// parent each trial number through a pipe only after trial_finished() has returned. After
// each kill the study must open, and every trial the child announced must be in it.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <random>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "hpo/store/study_file.h"
#include "tests/support/storage_test_util.h"

namespace hpo {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void child_loop(const fs::path& path, int fd, std::int64_t first) {
  try {
    StudyInfo info = testing::sample_info();
    StoreOptions opts;
    opts.checkpoint_min_finished = 8;  // checkpoint often, so kills land inside them too
    auto store = open_study_file(path, &info, opts);
    for (std::int64_t n = first;; ++n) {
      Trial t = testing::sample_trial(n);
      t.attempt = 0;
      Trial started = t;
      started.reports.clear();
      store->trial_started(started);
      store->trial_report(n, 0, t.reports[0]);
      if (n % 5 == 0) {  // mix the batch path in
        Trial u = testing::sample_trial(n);
        u.attempt = 0;
        store->trials_finished(std::span<const Trial>(&u, 1));
      } else {
        store->trial_finished(t);
      }
      const std::int64_t msg = n;
      if (::write(fd, &msg, sizeof msg) != sizeof msg) ::_exit(3);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "child: %s\n", e.what());
    ::_exit(2);
  }
}

TEST(StudyStoreCrash, NoAnnouncedTrialIsLostWhenKilledAtRandomMoments) {
  testing::TempDir dir("crash");
  const fs::path path = dir / "crash.h5";
  std::mt19937_64 rng(20261128);
  std::uniform_int_distribution<int> delay_us(0, 200000);
  std::set<std::int64_t> announced;
  std::int64_t next = 0;
  for (int round = 0; round < 10; ++round) {
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      ::close(fds[0]);
      child_loop(path, fds[1], next);
    }
    ::close(fds[1]);
    std::this_thread::sleep_for(std::chrono::microseconds(delay_us(rng)));
    ASSERT_EQ(::kill(pid, SIGKILL), 0);
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(status)) << "child exited early with status "
                                     << WEXITSTATUS(status);
    std::int64_t n = 0;
    while (::read(fds[0], &n, sizeof n) == static_cast<ssize_t>(sizeof n)) announced.insert(n);
    ::close(fds[0]);

    if (!fs::exists(path)) continue;  // killed before the study file was first written
    auto store = open_study_file_read_only(path);
    std::set<std::int64_t> complete;
    std::int64_t max_number = -1;
    for (const auto& t : store->trials()) {
      max_number = std::max(max_number, t.number);
      if (t.state == TrialState::kComplete) {
        complete.insert(t.number);
        ASSERT_EQ(t.params, testing::sample_trial(t.number).params);
      } else {
        EXPECT_EQ(t.state, TrialState::kRunning);  // started, killed before finish
      }
    }
    for (std::int64_t a : announced)
      ASSERT_TRUE(complete.count(a)) << "round " << round << ": trial " << a << " lost";
    next = max_number + 1;  // resume: continue after what the file holds
  }
  EXPECT_GT(announced.size(), 0u) << "the child never finished a trial: test did nothing";
  std::printf("crash test: %zu trials announced across 10 kills\n", announced.size());
}

}  // namespace
}  // namespace hpo
