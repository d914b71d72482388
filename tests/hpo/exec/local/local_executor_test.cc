// LocalExecutor against real processes: /bin/sh snippets and ecohpo-testobj (label e2e).
#include "hpo/exec/local/local_executor.h"

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "hpo/core/config_error.h"
#include "tests/support/fake_meter.h"

namespace hpo {
namespace {

namespace fs = std::filesystem;
const std::string kTestObj = ECOHPO_BINARY_DIR "/objectives/ecohpo-testobj";

struct Collected {
  std::vector<ExecutorEvent> events;
  const ExecutorEvent* exit() const {
    for (const auto& e : events)
      if (e.kind == ExecutorEvent::Kind::kExited) return &e;
    return nullptr;
  }
  std::vector<const ExecutorEvent*> of(ExecutorEvent::Kind k) const {
    std::vector<const ExecutorEvent*> out;
    for (const auto& e : events)
      if (e.kind == k) out.push_back(&e);
    return out;
  }
};

// Polls until every trial in `numbers` has exited (or 30 s pass, which fails the test).
std::map<std::int64_t, Collected> run_all(LocalExecutor& ex, std::set<std::int64_t> numbers) {
  std::map<std::int64_t, Collected> out;
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!numbers.empty() && std::chrono::steady_clock::now() < give_up) {
    for (auto& e : ex.poll(0.2)) {
      if (e.kind == ExecutorEvent::Kind::kExited) numbers.erase(e.trial_number);
      out[e.trial_number].events.push_back(std::move(e));
    }
  }
  EXPECT_TRUE(numbers.empty()) << "trials did not exit in time";
  return out;
}

LaunchRequest sh(std::int64_t number, const std::string& script) {
  LaunchRequest r;
  r.trial_number = number;
  r.argv = {"/bin/sh", "-c", script};
  return r;
}

class LocalExecutorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("ecohpo-exec-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  static std::string read(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  LocalExecutor::Options opts(int slots = 2) {
    LocalExecutor::Options o;
    o.slots = slots;
    o.grace_s = 0.3;
    o.cpu_scan_interval_s = 0.05;
    return o;
  }
  fs::path dir_;
};

TEST_F(LocalExecutorTest, ExitStatusAndStderrTail) {
  LocalExecutor ex(opts(), nullptr);
  ASSERT_TRUE(ex.submit(sh(1, "echo oops >&2; exit 3")).ok());
  auto got = run_all(ex, {1});
  const ExecutorEvent* e = got[1].exit();
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->exit.kind, ExitKind::kExited);
  EXPECT_EQ(e->exit.exit_code, 3);
  EXPECT_EQ(e->exit.term_signal, 0);
  EXPECT_EQ(e->exit.stderr_tail, "oops\n");
  EXPECT_EQ(got[1].of(ExecutorEvent::Kind::kStarted).size(), 1u);
  EXPECT_GT(e->exit.end_unix_s, 0.0);
  EXPECT_GE(e->exit.end_unix_s, e->exit.start_unix_s);
}

TEST_F(LocalExecutorTest, KilledBySignal) {
  LocalExecutor ex(opts(), nullptr);
  LaunchRequest r;
  r.trial_number = 2;
  r.argv = {kTestObj, "--crash-signal", "SEGV"};
  ASSERT_TRUE(ex.submit(r).ok());
  auto got = run_all(ex, {2});
  const ExecutorEvent* e = got[2].exit();
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->exit.kind, ExitKind::kSignaled);
  EXPECT_EQ(e->exit.term_signal, SIGSEGV);
  EXPECT_EQ(e->exit.exit_code, -1);
  EXPECT_NE(e->exit.stderr_tail.find("raising signal"), std::string::npos);
}

TEST_F(LocalExecutorTest, TimeoutSendsTermToTheGroup) {
  LocalExecutor ex(opts(), nullptr);
  LaunchRequest r;
  r.trial_number = 3;
  r.argv = {kTestObj, "--hang"};
  r.timeout_s = 0.2;
  ASSERT_TRUE(ex.submit(r).ok());
  auto got = run_all(ex, {3});
  const ExecutorEvent* e = got[3].exit();
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->exit.kind, ExitKind::kTimedOut);
  EXPECT_EQ(e->exit.term_signal, SIGTERM);
}

TEST_F(LocalExecutorTest, TimeoutEscalatesToKillWhenTermIsIgnored) {
  LocalExecutor ex(opts(), nullptr);
  LaunchRequest r;
  r.trial_number = 4;
  r.argv = {kTestObj, "--hang", "--ignore-term"};
  r.timeout_s = 0.2;
  ASSERT_TRUE(ex.submit(r).ok());
  auto got = run_all(ex, {4});
  const ExecutorEvent* e = got[4].exit();
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->exit.kind, ExitKind::kTimedOut);
  EXPECT_EQ(e->exit.term_signal, SIGKILL);
}

TEST_F(LocalExecutorTest, CancelStopsTheTrial) {
  LocalExecutor ex(opts(), nullptr);
  LaunchRequest r;
  r.trial_number = 5;
  r.argv = {kTestObj, "--hang"};
  ASSERT_TRUE(ex.submit(r).ok());
  EXPECT_GT(ex.pgid_of(5), 0);
  (void)ex.poll(0.05);
  ex.cancel(5, 1.0);
  auto got = run_all(ex, {5});
  ASSERT_NE(got[5].exit(), nullptr);
  EXPECT_EQ(got[5].exit()->exit.kind, ExitKind::kCancelled);
  EXPECT_EQ(ex.pgid_of(5), 0);
}

TEST_F(LocalExecutorTest, CommandNotFoundIsALaunchError) {
  LocalExecutor ex(opts(), nullptr);
  LaunchRequest r;
  r.trial_number = 6;
  r.argv = {"ecohpo-no-such-program-xyz", "--flag"};
  ASSERT_TRUE(ex.submit(r).ok());
  auto got = run_all(ex, {6});
  const ExecutorEvent* e = got[6].exit();
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->exit.kind, ExitKind::kLaunchError);
  EXPECT_NE(e->exit.message.find("ecohpo-no-such-program-xyz"), std::string::npos);
  EXPECT_NE(e->exit.message.find("No such file"), std::string::npos) << e->exit.message;
  EXPECT_TRUE(got[6].of(ExecutorEvent::Kind::kStarted).empty());
}

TEST_F(LocalExecutorTest, ReportLinesVersusLog) {
  LocalExecutor ex(opts(), nullptr);
  LaunchRequest r;
  r.trial_number = 7;
  r.argv = {kTestObj, "--garbage", "--steps", "2", "--curve", "0.25,0.5", "--x0", "0.5"};
  r.log_path = dir_ / "t7.log";
  ASSERT_TRUE(ex.submit(r).ok());
  auto got = run_all(ex, {7});
  auto reports = got[7].of(ExecutorEvent::Kind::kReport);
  ASSERT_EQ(reports.size(), 3u);
  EXPECT_EQ(reports[0]->report.at("step"), 1);
  EXPECT_DOUBLE_EQ(reports[1]->report.at("accuracy").get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(reports[2]->report.at("f1").get<double>(), 0.5);
  auto bad = got[7].of(ExecutorEvent::Kind::kBadOutput);
  ASSERT_EQ(bad.size(), 1u);
  EXPECT_EQ(bad[0]->line, "{\"f1\": 0.5, broken");
  const std::string log = read(r.log_path);
  EXPECT_NE(log.find("this line is not JSON"), std::string::npos) << log;
  EXPECT_NE(log.find("testobj: zdt1"), std::string::npos) << log;
  EXPECT_EQ(log.find("\"step\""), std::string::npos) << "reports must not go to the log";
  EXPECT_EQ(got[7].exit()->exit.exit_code, 0);
}

TEST_F(LocalExecutorTest, MissingFinalNewlineStillReports) {
  LocalExecutor ex(opts(), nullptr);
  ASSERT_TRUE(ex.submit(sh(8, "printf '{\"a\": 1.5}'")).ok());
  auto got = run_all(ex, {8});
  auto reports = got[8].of(ExecutorEvent::Kind::kReport);
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_DOUBLE_EQ(reports[0]->report.at("a").get<double>(), 1.5);
}

TEST_F(LocalExecutorTest, EnvironmentAndGpus) {
  LocalExecutor ex(opts(), nullptr);
  LaunchRequest r = sh(9,
                       "echo \"{\\\"t\\\": $ECOHPO_TRIAL, \\\"g\\\": ${CUDA_VISIBLE_DEVICES#*,}, "
                       "\\\"p\\\": $(pwd | wc -c)}\"; echo \"$ECOHPO_PARAMS\" >&2");
  r.env = {{"ECOHPO_TRIAL", "9"}, {"ECOHPO_PARAMS", "{\"x\": 1}"}};
  r.gpu_indices = {2, 3};
  r.work_dir = dir_;
  ASSERT_TRUE(ex.submit(r).ok());
  auto got = run_all(ex, {9});
  auto reports = got[9].of(ExecutorEvent::Kind::kReport);
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0]->report.at("t"), 9);
  EXPECT_EQ(reports[0]->report.at("g"), 3);
  EXPECT_EQ(reports[0]->report.at("p"), dir_.string().size() + 1);
  EXPECT_EQ(got[9].exit()->exit.stderr_tail, "{\"x\": 1}\n");
}

TEST_F(LocalExecutorTest, ShellMode) {
  LocalExecutor ex(opts(), nullptr);
  LaunchRequest r;
  r.trial_number = 10;
  r.argv = {"echo '{\"a\": 2}' | cat"};
  r.use_shell = true;
  ASSERT_TRUE(ex.submit(r).ok());
  auto got = run_all(ex, {10});
  ASSERT_EQ(got[10].of(ExecutorEvent::Kind::kReport).size(), 1u);
}

TEST_F(LocalExecutorTest, CpuSecondsOfTheWholeTree) {
  LocalExecutor ex(opts(), nullptr);
  // Two waited children burning 0.3 s each, and one orphan (never waited for by anyone in the
  // tree) burning 0.3 s that only the /proc scan of the group can see.
  const std::string t = kTestObj;
  ASSERT_TRUE(ex.submit(sh(11, t + " --burn-s 0.3 --no-report & " + t +
                                   " --burn-s 0.3 --no-report; wait")).ok());
  const std::string flag = (dir_ / "orphan-done").string();
  ASSERT_TRUE(ex.submit(sh(12, "( (" + t + " --burn-s 0.3 --no-report; touch " + flag +
                                   ") & ); while [ ! -f " + flag +
                                   " ]; do sleep 0.02; done; sleep 0.2")).ok());
  auto got = run_all(ex, {11, 12});
  EXPECT_GE(got[11].exit()->exit.cpu_s, 0.55);
  EXPECT_GE(got[12].exit()->exit.cpu_s, 0.15);
}

TEST_F(LocalExecutorTest, LeftoverProcessesInTheGroupAreKilled) {
  LocalExecutor ex(opts(), nullptr);
  const fs::path pidfile = dir_ / "bg.pid";
  ASSERT_TRUE(ex.submit(sh(13, "sleep 30 & echo $! > " + pidfile.string() + "; exit 0")).ok());
  auto got = run_all(ex, {13});
  std::ifstream in(pidfile);
  pid_t bg = 0;
  in >> bg;
  ASSERT_GT(bg, 0);
  // The orphan was SIGKILLed with the group; it is gone (reaped by init) shortly after.
  bool gone = false;
  for (int i = 0; i < 200 && !gone; ++i) {
    gone = ::kill(bg, 0) != 0;
    if (!gone) ::usleep(10000);
  }
  EXPECT_TRUE(gone);
}

TEST_F(LocalExecutorTest, MeterSpansFollowTheTrial) {
  testing_support::FakeMeter meter(10.0);
  LocalExecutor ex(opts(), &meter);
  LaunchRequest r;
  r.trial_number = 14;
  r.argv = {kTestObj, "--steps", "2", "--sleep-s", "0.2"};
  r.gpu_indices = {1};
  ASSERT_TRUE(ex.submit(r).ok());
  const pid_t pgid = ex.pgid_of(14);
  auto got = run_all(ex, {14});
  ASSERT_EQ(meter.targets.size(), 1u);
  EXPECT_EQ(meter.targets[0].pgid, pgid);
  EXPECT_EQ(meter.targets[0].gpu_indices, std::vector<int>{1});
  EXPECT_EQ(meter.ends, 1);
  EXPECT_EQ(meter.open_spans(), 0);
  EXPECT_EQ(meter.reads, 3);  // two step reports and the final one
  auto reports = got[14].of(ExecutorEvent::Kind::kReport);
  ASSERT_EQ(reports.size(), 3u);
  EXPECT_GT(reports[1]->energy_so_far.total_j(), reports[0]->energy_so_far.total_j());
  const auto& x = got[14].exit()->exit;
  EXPECT_NEAR(x.energy.total_j(), 10.0 * x.duration_s, 0.5);
}

TEST_F(LocalExecutorTest, ParallelTrialsAreKeptApart) {
  LocalExecutor ex(opts(3), nullptr);
  for (int n = 20; n < 23; ++n) {
    LaunchRequest r;
    r.trial_number = n;
    r.attempt = n - 20;
    r.argv = {kTestObj, "--x0", std::to_string((n - 20) * 0.25)};
    ASSERT_TRUE(ex.submit(r).ok());
  }
  EXPECT_EQ(ex.running(), 3);
  EXPECT_FALSE(ex.submit(sh(20, "true")).ok());  // already running
  auto got = run_all(ex, {20, 21, 22});
  for (int n = 20; n < 23; ++n) {
    auto reports = got[n].of(ExecutorEvent::Kind::kReport);
    ASSERT_EQ(reports.size(), 1u);
    EXPECT_DOUBLE_EQ(reports[0]->report.at("f1").get<double>(), (n - 20) * 0.25);
    EXPECT_EQ(reports[0]->attempt, n - 20);
  }
  EXPECT_EQ(ex.running(), 0);
}

TEST(LocalExecutorOptions, DefaultsValidateAndBadOptionsAreNamed) {
  EXPECT_EQ(LocalExecutor::Options{}.validate(), "");
  ComponentSpec spec{"local", {{"grace_s", -1}}, "/executor"};
  try {
    (void)LocalExecutor::create(spec, FactoryContext{});
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.key(), "/executor/grace_s");
  }
  ComponentSpec typo{"local", {{"grace", 1}}, "/executor"};
  EXPECT_THROW((void)LocalExecutor::create(typo, FactoryContext{}), ConfigError);
}

}  // namespace
}  // namespace hpo
