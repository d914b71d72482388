#include "hpo/report/progress.h"

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>

#include <gtest/gtest.h>

namespace hpo {
namespace {

StudyProgress sample_progress() {
  StudyProgress p;
  p.total = 50;
  p.done = 12;
  p.running = 2;
  p.failed = 1;
  p.front_size = 5;
  p.energy_kwh = 0.0031;
  p.elapsed_s = 42;
  return p;
}

TEST(Progress, StatusLineHasEveryCounter) {
  const std::string s = Progress::status_line(sample_progress(), 133);
  EXPECT_EQ(s, "[12/50] running 2  failed 1  front 5  0.0031 kWh  elapsed 0:42  ETA 2:13");
  StudyProgress open = sample_progress();
  open.total = -1;
  open.stopping = true;
  open.pruned = 3;
  EXPECT_EQ(Progress::status_line(open, -1),
            "[12/?] running 2  failed 1  pruned 3  front 5  0.0031 kWh  elapsed 0:42  stopping");
}

TEST(Progress, TrialLines) {
  StudySpec spec;
  spec.objectives = {{"f1", Direction::kMinimize}, {"accuracy", Direction::kMaximize}};
  Trial t;
  t.number = 12;
  t.state = TrialState::kComplete;
  t.values = {0.2, 0.81};
  t.duration_s = 1.02;
  t.energy.energy_kwh = 3.1e-05;
  EXPECT_EQ(Progress::trial_line(t, spec, sample_progress()),
            "trial 12 complete  f1=0.2 accuracy=0.81  1.02 s  3.1e-05 kWh  [12/50, front 5]");
  t.state = TrialState::kFailed;
  t.attempt = 1;
  t.reason = "exit status 3";
  EXPECT_EQ(Progress::trial_line(t, spec, sample_progress()),
            "trial 12 (attempt 1) failed: exit status 3  1.02 s  3.1e-05 kWh  [12/50, front 5]");
}

// Captures what Progress writes to a FILE*.
std::string written(const std::function<void(Progress&)>& body, Progress::Options o) {
  char* buf = nullptr;
  std::size_t size = 0;
  std::FILE* f = ::open_memstream(&buf, &size);
  {
    Progress p(o, f);
    body(p);
  }
  std::fclose(f);
  std::string out(buf, size);
  std::free(buf);
  return out;
}

TEST(Progress, PlainModePrintsOneLinePerTrialAndQuietNothing) {
  StudySpec spec;
  spec.name = "demo";
  spec.objectives = {{"f1", Direction::kMinimize}};
  Trial t;
  t.number = 3;
  t.state = TrialState::kComplete;
  t.values = {1.5};
  auto body = [&](Progress& p) {
    p.on_begin(spec, sample_progress());
    p.on_trial_finished(t, sample_progress());
    p.on_tick(sample_progress());
    p.on_stopping("the trial budget of 50 is used", sample_progress());
  };
  Progress::Options plain;
  plain.tty = 0;
  const std::string out = written(body, plain);
  EXPECT_NE(out.find("study demo: 50 trials"), std::string::npos) << out;
  EXPECT_NE(out.find("trial 3 complete  f1=1.5"), std::string::npos) << out;
  EXPECT_NE(out.find("stopping: the trial budget"), std::string::npos) << out;
  EXPECT_EQ(out.find('\r'), std::string::npos) << "no live line without a TTY";

  Progress::Options quiet;
  quiet.quiet = true;
  quiet.tty = 1;
  EXPECT_EQ(written(body, quiet), "");

  Progress::Options tty;
  tty.tty = 1;
  const std::string live = written(body, tty);
  EXPECT_NE(live.find("\r\033[K[12/50] running 2"), std::string::npos) << live;
  EXPECT_EQ(live.find("trial 3 complete"), std::string::npos) << "complete trials stay in the line";
}

}  // namespace
}  // namespace hpo
