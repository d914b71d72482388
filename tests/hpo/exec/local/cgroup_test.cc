// cgroup v2 per trial (hpo/cgroup.h) through the LocalExecutor, against real processes and
// the real cgroup2 filesystem (label e2e). Skips, with the reason, only where this process
// cannot create a cgroup at all (no cgroup2 mount, no delegation).
#include "hpo/exec/local/detail/cgroup.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "hpo/core/config_error.h"
#include "hpo/exec/local/local_executor.h"
#include "meters/attributing_meter.h"
#include "meters/estimate_source.h"
#include "tests/e2e/e2e_util.h"

namespace hpo {
namespace {

namespace fs = std::filesystem;
const std::string kTestObj = ECOHPO_BINARY_DIR "/objectives/ecohpo-testobj";

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Every event of each trial, until all in `numbers` have exited (30 s at most).
std::map<std::int64_t, std::vector<ExecutorEvent>> run_all(LocalExecutor& ex,
                                                           std::set<std::int64_t> numbers) {
  std::map<std::int64_t, std::vector<ExecutorEvent>> out;
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!numbers.empty() && std::chrono::steady_clock::now() < give_up) {
    for (auto& e : ex.poll(0.1)) {
      if (e.kind == ExecutorEvent::Kind::kExited) numbers.erase(e.trial_number);
      out[e.trial_number].push_back(std::move(e));
    }
  }
  EXPECT_TRUE(numbers.empty()) << "trials did not exit in time";
  return out;
}

const TrialExit* exit_of(const std::vector<ExecutorEvent>& events) {
  for (const auto& e : events)
    if (e.kind == ExecutorEvent::Kind::kExited) return &e.exit;
  return nullptr;
}

LaunchRequest sh(std::int64_t number, const std::string& script) {
  LaunchRequest r;
  r.trial_number = number;
  r.argv = {"/bin/sh", "-c", script};
  return r;
}

bool has_note(const meters::Measurement& m, const std::string& part) {
  for (const auto& n : m.notes)
    if (n.find(part) != std::string::npos) return true;
  return false;
}

// A process is gone when /proc has no entry or only a zombie (its parent is init here).
bool process_gone(pid_t pid) {
  const std::string stat = slurp("/proc/" + std::to_string(pid) + "/stat");
  if (stat.empty()) return true;
  const auto close = stat.rfind(')');
  return close != std::string::npos && close + 2 < stat.size() && stat[close + 2] == 'Z';
}

// The estimate meter without its sampling thread: the executor tests read it at the end.
std::unique_ptr<meters::AttributingMeter> estimate_meter() {
  std::vector<std::unique_ptr<meters::EnergySource>> sources;
  sources.push_back(std::make_unique<meters::EstimateSource>(meters::EstimateSource::Options{}));
  meters::AttributingMeter::Options mo;
  mo.sampling_thread = false;
  return std::make_unique<meters::AttributingMeter>(std::move(sources), mo);
}

bool wait_for_file(const fs::path& p, double timeout_s) {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  while (std::chrono::steady_clock::now() < give_up) {
    if (!slurp(p).empty()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

class CgroupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("ecohpo-cgroup-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  // Skips the test when this process cannot create cgroups.
  bool cgroups_usable() {
    TrialCgroups probe(TrialCgroups::Options{});
    why_ = probe.note();
    return probe.available();
  }
  static LocalExecutor::Options opts(const std::string& cgroups) {
    LocalExecutor::Options o;
    o.slots = 2;
    o.grace_s = 0.3;
    o.cpu_scan_interval_s = 0.05;
    o.cgroups = cgroups;
    return o;
  }
  fs::path dir_;
  std::string why_;
};

TEST(CgroupParse, FindsTheCgroup2MountAndOwnPath) {
  const std::string hybrid =
      "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
      "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
      "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";
  EXPECT_EQ(TrialCgroups::cgroup2_mount(hybrid), "/sys/fs/cgroup/unified");
  const std::string unified =
      "30 25 0:26 / /sys/fs/cgroup rw,nosuid shared:4 - cgroup2 cgroup2 rw,nsdelegate\n";
  EXPECT_EQ(TrialCgroups::cgroup2_mount(unified), "/sys/fs/cgroup");
  EXPECT_EQ(TrialCgroups::cgroup2_mount("40 1 0:5 / /my\\040cg rw - cgroup2 none rw\n"),
            "/my cg");
  EXPECT_EQ(TrialCgroups::cgroup2_mount("32 31 0:29 / /x rw - cgroup cgroup rw,cpu\n"), "");
  EXPECT_EQ(TrialCgroups::unified_path("1:cpu:/\n0::/user.slice/user-1000.slice/a.scope\n"),
            "/user.slice/user-1000.slice/a.scope");
  EXPECT_EQ(TrialCgroups::unified_path("4:memory:/x\n"), "");
}

// (a) A grandchild that calls setsid() and outlives its parent is neither in the trial's
// process group nor in its /proc tree; the cgroup still counts its CPU and kills it.
TEST_F(CgroupTest, SetsidEscapeeIsCountedOnlyByTheCgroup) {
  if (!cgroups_usable()) GTEST_SKIP() << "no cgroup v2 here: " << why_;
  const fs::path flag = dir_ / "burned";
  // The subshell exits at once, so the escapee is re-parented to init.
  const std::string script = "( setsid sh -c '" + kTestObj + " --burn-s 0.6 --no-report; echo x > " +
                             flag.string() + "' & ); while [ ! -s " + flag.string() +
                             " ]; do sleep 0.02; done";
  double cpu_with = 0, cpu_without = 0;
  for (const std::string mode : {"auto", "off"}) {
    fs::remove(flag);
    auto meter = estimate_meter();
    LocalExecutor ex(opts(mode), meter.get());
    ASSERT_TRUE(ex.submit(sh(1, script)).ok());
    EXPECT_EQ(ex.cgroup_of(1).empty(), mode == "off");
    auto got = run_all(ex, {1});
    const TrialExit* x = exit_of(got[1]);
    ASSERT_NE(x, nullptr);
    EXPECT_EQ(x->kind, ExitKind::kExited);
    if (mode == "auto") {
      cpu_with = x->cpu_s;
      EXPECT_TRUE(has_note(x->energy, "cpu time: cgroup v2 ")) << ::testing::PrintToString(x->energy.notes);
    } else {
      cpu_without = x->cpu_s;
      EXPECT_TRUE(has_note(x->energy, "cpu time: /proc process tree"));
    }
  }
  EXPECT_GE(cpu_with, 0.45) << "the cgroup must hold the escapee's 0.6 s of CPU";
  EXPECT_LT(cpu_without, 0.3) << "the /proc tree cannot see the escapee";
}

// (a) Cancel kills the escapee too (cgroup.kill), not just the trial's process group.
TEST_F(CgroupTest, CancelKillsAnEscapedBurner) {
  if (!cgroups_usable()) GTEST_SKIP() << "no cgroup v2 here: " << why_;
  const fs::path pidfile = dir_ / "escapee.pid";
  LocalExecutor ex(opts("auto"), nullptr);
  ASSERT_TRUE(ex.submit(sh(2, "( setsid sh -c 'echo $$ > " + pidfile.string() + "; exec " +
                                  kTestObj + " --burn-s 10 --no-report' & ); sleep 30"))
                  .ok());
  const std::string cg = ex.cgroup_of(2);
  ASSERT_FALSE(cg.empty());
  ASSERT_TRUE(wait_for_file(pidfile, 10.0));
  const pid_t escapee = static_cast<pid_t>(std::stol(slurp(pidfile)));
  ASSERT_GT(escapee, 0);
  EXPECT_NE(::getpgid(escapee), ex.pgid_of(2));  // left the trial's group
  // It is in the trial's cgroup (the path under the mount ends with the leaf's name).
  const std::string leaf = fs::path(cg).filename().string();
  EXPECT_NE(slurp("/proc/" + std::to_string(escapee) + "/cgroup").find(leaf), std::string::npos);
  ex.cancel(2, 0.2);
  auto got = run_all(ex, {2});
  ASSERT_NE(exit_of(got[2]), nullptr);
  EXPECT_EQ(exit_of(got[2])->kind, ExitKind::kCancelled);
  bool gone = false;
  for (int i = 0; i < 200 && !gone; ++i) {
    gone = process_gone(escapee);
    if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(gone) << "escapee " << escapee << " survived the cancel";
  if (!gone) ::kill(escapee, SIGKILL);
  EXPECT_FALSE(fs::exists(cg));
}

// (b) A cgroup root that is not a cgroup2 filesystem: one note, /proc accounting, no error.
TEST_F(CgroupTest, FallbackWhenTheRootIsNotACgroup) {
  auto o = opts("auto");
  o.cgroup_root = dir_.string();
  auto meter = estimate_meter();
  LocalExecutor ex(o, meter.get());
  EXPECT_NE(ex.cgroup_note().find("is not a cgroup v2 filesystem"), std::string::npos)
      << ex.cgroup_note();
  EXPECT_NE(ex.cgroup_note().find(dir_.string()), std::string::npos);
  EXPECT_EQ(ex.cgroup_parent(), "");
  ASSERT_TRUE(ex.submit(sh(3, kTestObj + " --burn-s 0.3 --no-report")).ok());
  ASSERT_TRUE(ex.submit(sh(4, "true")).ok());
  EXPECT_EQ(ex.cgroup_of(3), "");
  auto got = run_all(ex, {3, 4});
  const TrialExit* x = exit_of(got[3]);
  ASSERT_NE(x, nullptr);
  EXPECT_EQ(x->kind, ExitKind::kExited);
  EXPECT_GE(x->cpu_s, 0.2);  // measured through /proc and rusage
  EXPECT_TRUE(has_note(x->energy, "cpu time: /proc process tree"));
  // The reason is given once, on the first trial that ends, not on every trial.
  int notes = 0;
  for (std::int64_t n : {3, 4})
    notes += has_note(exit_of(got[n])->energy, "is not a cgroup v2 filesystem") ? 1 : 0;
  EXPECT_EQ(notes, 1);
  EXPECT_TRUE(fs::is_empty(dir_));  // nothing was created in the bogus root
}

TEST_F(CgroupTest, FallbackWhenTheRootCannotBeUsed) {
  auto o = opts("auto");
  o.cgroup_root = (dir_ / "missing").string();
  LocalExecutor ex(o, nullptr);
  EXPECT_NE(ex.cgroup_note().find("cannot use " + o.cgroup_root), std::string::npos)
      << ex.cgroup_note();
  ASSERT_TRUE(ex.submit(sh(5, "exit 0")).ok());
  LaunchRequest missing;  // posix_spawn path: launch errors as before
  missing.trial_number = 8;
  missing.argv = {"ecohpo-no-such-command-xyz"};
  ASSERT_TRUE(ex.submit(missing).ok());
  auto got = run_all(ex, {5, 8});
  EXPECT_EQ(exit_of(got[5])->kind, ExitKind::kExited);
  EXPECT_EQ(exit_of(got[8])->kind, ExitKind::kLaunchError);
}

// (c) Every leaf is removed when its trial ends and the parent when the executor goes; the
// clone3 path keeps the executor's guarantees (env, cwd, launch errors).
TEST_F(CgroupTest, DirectoriesAreRemovedAndLaunchGuaranteesHold) {
  if (!cgroups_usable()) GTEST_SKIP() << "no cgroup v2 here: " << why_;
  std::string parent;
  std::vector<std::string> leaves;
  {
    LocalExecutor ex(opts("auto"), nullptr);
    parent = ex.cgroup_parent();
    ASSERT_FALSE(parent.empty());
    EXPECT_TRUE(fs::is_directory(parent));
    LaunchRequest a = sh(6, "pwd > where.txt; echo \"{\\\"v\\\": $ECOHPO_X}\"");
    a.work_dir = dir_;
    a.env = {{"ECOHPO_X", "42"}};
    ASSERT_TRUE(ex.submit(a).ok());
    LaunchRequest b;
    b.trial_number = 7;
    b.argv = {"ecohpo-no-such-command-xyz"};
    ASSERT_TRUE(ex.submit(b).ok());
    leaves.push_back(ex.cgroup_of(6));
    EXPECT_TRUE(fs::is_directory(leaves.back()));
    EXPECT_EQ(fs::path(leaves.back()).parent_path(), fs::path(parent));
    auto got = run_all(ex, {6, 7});
    ASSERT_NE(exit_of(got[6]), nullptr);
    EXPECT_EQ(exit_of(got[6])->exit_code, 0);
    bool reported = false;
    for (const auto& e : got[6])
      if (e.kind == ExecutorEvent::Kind::kReport) {
        reported = true;
        EXPECT_EQ(e.report.at("v").get<double>(), 42.0);
      }
    EXPECT_TRUE(reported);
    EXPECT_EQ(slurp(dir_ / "where.txt"), fs::canonical(dir_).string() + "\n");
    ASSERT_NE(exit_of(got[7]), nullptr);
    EXPECT_EQ(exit_of(got[7])->kind, ExitKind::kLaunchError);
    EXPECT_NE(exit_of(got[7])->message.find("ecohpo-no-such-command-xyz"), std::string::npos);
    // A retry of the same trial gets its own leaf.
    LaunchRequest again = sh(6, "exit 0");
    again.attempt = 1;
    ASSERT_TRUE(ex.submit(again).ok());
    leaves.push_back(ex.cgroup_of(6));
    EXPECT_NE(leaves[0], leaves[1]);
    run_all(ex, {6});
    for (const auto& l : leaves) EXPECT_FALSE(fs::exists(l)) << l;
  }
  EXPECT_FALSE(fs::exists(parent)) << parent;
}

// (c) A whole study through the ecohpo binary: every trial ran in its own cgroup, and none
// of the directories is left once `ecohpo run` has finished.
TEST_F(CgroupTest, StudyLeavesNoCgroupBehind) {
  if (!cgroups_usable()) GTEST_SKIP() << "no cgroup v2 here: " << why_;
  const std::string mount = TrialCgroups::cgroup2_mount(slurp("/proc/self/mountinfo"));
  ASSERT_FALSE(mount.empty());
  const fs::path seen = dir_ / "cgroups.txt";
  e2e::write_file(dir_ / "study.yaml",
                  "name: cg\n"
                  "command: [/bin/sh, -c, 'cat /proc/self/cgroup >> " + seen.string() +
                      "; exec " + kTestObj + " --x0 {x}']\n"
                  "space:\n  x: {type: float, low: 0, high: 1}\n"
                  "objectives:\n  - {name: f1, direction: minimize}\n"
                  "sampler: {type: random, seed: 1}\n"
                  "budget: {trials: 3}\nparallel: 2\n"
                  "storage: " + (dir_ / "s.h5").string() + "\n");
  const auto o = e2e::run({"run", (dir_ / "study.yaml").string()}, dir_, 60);
  ASSERT_EQ(o.code, 0) << o.err;
  std::istringstream in(slurp(seen));
  std::string line;
  std::set<std::string> dirs;
  while (std::getline(in, line))
    if (line.rfind("0::", 0) == 0) dirs.insert(mount + line.substr(3));
  ASSERT_EQ(dirs.size(), 3u) << slurp(seen);  // three attempts, three leaves
  for (const auto& d : dirs) {
    EXPECT_NE(d.find("/ecohpo-"), std::string::npos) << d;
    EXPECT_NE(d.find("/trial-"), std::string::npos) << d;
    EXPECT_FALSE(fs::exists(d)) << d;
    EXPECT_FALSE(fs::exists(fs::path(d).parent_path())) << fs::path(d).parent_path();
  }
}

// A coordinator killed with SIGKILL leaves its ecohpo-<pid>-<k> tree; the next executor
// removes it when that pid is gone, and keeps the tree of a live process.
TEST_F(CgroupTest, StaleTreesOfDeadCoordinatorsAreRemoved) {
  if (!cgroups_usable()) GTEST_SKIP() << "no cgroup v2 here: " << why_;
  std::string root;
  {
    TrialCgroups probe(TrialCgroups::Options{});
    root = fs::path(probe.parent()).parent_path().string();
  }
  const pid_t dead = ::fork();
  if (dead == 0) ::_exit(0);
  ASSERT_GT(dead, 0);
  ::waitpid(dead, nullptr, 0);
  const fs::path stale = fs::path(root) / ("ecohpo-" + std::to_string(dead) + "-0");
  const fs::path live = fs::path(root) / "ecohpo-1-7";  // pid 1 is alive
  ASSERT_TRUE(fs::create_directory(stale)) << stale;
  ASSERT_TRUE(fs::create_directory(stale / "trial-3-0"));
  ASSERT_TRUE(fs::create_directory(live));
  {
    TrialCgroups cg(TrialCgroups::Options{});
    EXPECT_TRUE(cg.available()) << cg.note();
    EXPECT_GE(cg.removed_stale(), 1);
  }
  EXPECT_FALSE(fs::exists(stale));
  EXPECT_TRUE(fs::exists(live));
  ::rmdir(live.c_str());
}

// The fallback entry path (posix_spawn, then the pid written into cgroup.procs) puts the
// trial in its cgroup too, and the cgroup still holds its CPU time after it exits.
TEST_F(CgroupTest, MoveAfterSpawnPathAlsoUsesTheCgroup) {
  if (!cgroups_usable()) GTEST_SKIP() << "no cgroup v2 here: " << why_;
  auto o = opts("auto");
  o.clone_into_cgroup = false;
  LocalExecutor ex(o, nullptr);
  const fs::path where = dir_ / "where.txt";
  ASSERT_TRUE(ex.submit(sh(9, "sleep 0.2; cat /proc/$$/cgroup > " + where.string() + "; " +
                                  kTestObj + " --burn-s 0.3 --no-report"))
                  .ok());
  const std::string cg = ex.cgroup_of(9);
  ASSERT_FALSE(cg.empty());
  auto got = run_all(ex, {9});
  ASSERT_NE(exit_of(got[9]), nullptr);
  EXPECT_EQ(exit_of(got[9])->kind, ExitKind::kExited);
  EXPECT_NE(slurp(where).find(fs::path(cg).filename().string()), std::string::npos)
      << slurp(where);
  EXPECT_GE(exit_of(got[9])->cpu_s, 0.2);
  EXPECT_FALSE(fs::exists(cg));
}

TEST(CgroupOptions, BadValueIsNamed) {
  LocalExecutor::Options o;
  o.cgroups = "on";
  EXPECT_NE(o.validate().find("cgroups must be auto or off"), std::string::npos);
  ComponentSpec spec{"local", {{"cgroups", "yes"}}, "/executor"};
  try {
    (void)LocalExecutor::create(spec, FactoryContext{});
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.key(), "/executor/cgroups");
    EXPECT_NE(std::string(e.what()).find("auto or off"), std::string::npos);
  }
  ComponentSpec off{"local", {{"cgroups", "off"}}, "/executor"};
  EXPECT_NE(LocalExecutor::create(off, FactoryContext{}), nullptr);
}

}  // namespace
}  // namespace hpo
