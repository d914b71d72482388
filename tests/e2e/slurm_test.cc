// `executor: {type: slurm}` end to end through a real single-node Slurm on localhost
// (scripts/slurm-local.sh, started by this fixture as root and stopped at the end; the tests
// skip with a message when not root or when Slurm cannot be installed/started).
// Covers: a multi-objective study with parallel jobs and node-side energy for every trial;
// pruning by scancel; a job killed mid-run re-run with the same values; the coordinator
// SIGKILLed while jobs run and resumed without a second submission (sbatch calls counted
// through a wrapper script given as the `sbatch` option).
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>

#include "tests/e2e/e2e_util.h"

namespace e2e {
namespace {

using nlohmann::json;

std::string shell_capture(const std::string& cmd, int* status) {
  std::string out;
  std::FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) {
    *status = -1;
    return out;
  }
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  *status = ::pclose(p);
  return out;
}

class SlurmE2E : public TempDir {
 public:
  static void SetUpTestSuite() {
    if (::geteuid() != 0) {
      skip_ = "not root: the local Slurm cluster needs root (scripts/slurm-local.sh)";
      return;
    }
    cluster_ = fs::temp_directory_path() / ("ecohpo-slurm-e2e-" + std::to_string(::getpid()));
    const std::string script = std::string(ECOHPO_SOURCE_DIR) + "/scripts/slurm-local.sh";
    int status = 0;
    const std::string out = shell_capture(
        "SLURM_LOCAL_CPUS=4 SLURM_LOCAL_PORT=6917 " + script + " start " + cluster_.string() +
            " 2>" + cluster_.string() + ".start.log",
        &status);
    const auto pos = out.find("export SLURM_CONF=");
    if (status != 0 || pos == std::string::npos) {
      skip_ = "could not start the local Slurm cluster (packages missing and no apt?); see " +
              cluster_.string() + ".start.log";
      started_ = true;  // stop whatever came up
      return;
    }
    std::string conf = out.substr(pos + 18);
    conf = conf.substr(0, conf.find('\n'));
    ::setenv("SLURM_CONF", conf.c_str(), 1);
    started_ = true;
  }
  static void TearDownTestSuite() {
    if (!started_) return;
    const std::string script = std::string(ECOHPO_SOURCE_DIR) + "/scripts/slurm-local.sh";
    int status = 0;
    shell_capture("SLURM_LOCAL_PORT=6917 " + script + " stop " + cluster_.string() +
                      " >/dev/null 2>&1",
                  &status);
    if (::testing::UnitTest::GetInstance()->Passed()) {  // keep state and logs of a failure
      std::error_code ec;
      fs::remove_all(cluster_, ec);
      fs::remove(cluster_.string() + ".start.log", ec);
    }
  }

 protected:
  void SetUp() override {
    if (!skip_.empty()) GTEST_SKIP() << skip_;
    TempDir::SetUp();
    // Counts submissions, then hands over to the real sbatch.
    write_file(dir_ / "sbatch-count.sh",
               "#!/bin/sh\necho \"$@\" >> " + (dir_ / "sbatch.calls").string() +
                   "\nexec sbatch \"$@\"\n");
    fs::permissions(dir_ / "sbatch-count.sh", fs::perms::owner_all);
  }
  int sbatch_calls() const {
    const std::string text = slurp(dir_ / "sbatch.calls");
    return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
  }
  std::string executor_yaml() const {
    return "executor: {type: slurm, sbatch: " + (dir_ / "sbatch-count.sh").string() +
           ", poll_interval_s: 0.3, lost_grace_s: 2, grace_s: 1}\n";
  }
  // Waits until DIR/<file> exists for `n` record directories.
  bool wait_records(const fs::path& shared, const std::string& file, int n, double timeout_s) {
    for (int i = 0; i < timeout_s * 20; ++i) {
      int count = 0;
      if (fs::exists(shared)) {
        for (const auto& e : fs::directory_iterator(shared)) count += fs::exists(e.path() / file);
      }
      if (count >= n) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

  static inline std::string skip_;
  static inline fs::path cluster_;
  static inline bool started_ = false;
};

std::string zdt_study(const std::string& name, const std::string& extra_args, int trials,
                      int parallel, const std::string& more) {
  return "name: " + name + "\n"
         "command: [\"" + kTestObj + "\", \"--problem\", \"zdt1\", \"--x0\", \"{x0}\", \"--x1\", "
         "\"{x1}\"" + extra_args + "]\n"
         "space:\n"
         "  x0: {type: float, low: 0.0, high: 1.0}\n"
         "  x1: {type: float, low: 0.0, high: 1.0}\n"
         "objectives:\n"
         "  - {name: f1, direction: minimize}\n"
         "  - {name: f2, direction: minimize}\n"
         "sampler: {type: random, seed: 11}\n"
         "budget: {trials: " + std::to_string(trials) + "}\n"
         "parallel: " + std::to_string(parallel) + "\n"
         "storage: s.h5\n" + more;
}

TEST_F(SlurmE2E, MultiObjectiveStudyWithParallelJobsMeteredOnTheNode) {
  write_file(dir_ / "study.yaml",
             zdt_study("mo", ", \"--burn-s\", \"0.3\"", 6, 3, executor_yaml()));
  Outcome r = run({"run", "study.yaml"}, dir_, 240);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  json rows = export_rows(dir_ / "s.h5", dir_);
  ASSERT_EQ(rows.size(), 6u);
  std::set<std::int64_t> numbers;
  for (const auto& row : rows) {
    numbers.insert(row.at("number").get<std::int64_t>());
    EXPECT_EQ(row.at("state"), "complete") << row.dump();
    EXPECT_DOUBLE_EQ(row.at("values.f1").get<double>(), row.at("params.x0").get<double>());
    EXPECT_GT(row.at("energy_kwh").get<double>(), 0.0) << row.dump();  // node-side meter
    EXPECT_FALSE(row.at("energy_source").get<std::string>().empty()) << row.dump();
    EXPECT_GT(row.at("cpu_s").get<double>(), 0.1) << row.dump();
    EXPECT_GE(row.at("duration_s").get<double>(), 0.3) << row.dump();
  }
  EXPECT_EQ(numbers.size(), 6u);
  EXPECT_EQ(sbatch_calls(), 6);
  // Every record directory has the wrapper's final record with per-component energy.
  for (int n = 0; n < 6; ++n) {
    const fs::path rec = dir_ / ("s.h5.slurm/trial-" + std::to_string(n) + "-0");
    json f = json::parse(slurp(rec / "final.json"));
    EXPECT_EQ(f.at("kind"), "exited");
    EXPECT_GT(f.at("energy").at("components").size(), 0u);
    EXPECT_TRUE(fs::exists(rec / "job.id"));
    EXPECT_NE(slurp(rec / "job.sh").find("slurm-wrapper"), std::string::npos);
  }
}

TEST_F(SlurmE2E, PrunedJobsAreCancelledAndChargedWhatTheyUsed) {
  const std::string yaml =
      "name: prune\n"
      "command: [\"" + kTestObj + "\", \"--steps\", \"6\", \"--burn-s\", \"3\", "
      "\"--curve\", \"{c}\"]\n"
      "space:\n  c: {type: categorical, choices: [\"0.9\", \"0.1\"]}\n"
      "objectives:\n  - {name: accuracy, direction: maximize}\n"
      "  - {name: energy_kwh, direction: minimize}\n"
      "sampler: {type: random, seed: 1}\n"
      "pruner: {type: median, metric: accuracy, warmup_steps: 1, min_trials: 2}\n"
      "budget: {trials: 7}\n"
      "parallel: 1\n"
      "storage: s.h5\n" + executor_yaml();
  write_file(dir_ / "study.yaml", yaml);
  Outcome r = run({"run", "--quiet", "study.yaml"}, dir_, 240);
  ASSERT_EQ(r.code, 0) << r.err;
  json rows = export_rows(dir_ / "s.h5", dir_);
  ASSERT_EQ(rows.size(), 7u);
  int pruned = 0, high = 0;
  for (const auto& row : rows) {
    if (row.at("state") == "pruned") {
      ++pruned;
      EXPECT_EQ(row.at("params.c"), "0.1");
      EXPECT_GT(row.at("energy_kwh").get<double>(), 0.0) << row.dump();
      EXPECT_LT(row.at("duration_s").get<double>(), 2.9) << row.dump();
      const fs::path rec = dir_ / ("s.h5.slurm/trial-" +
                                   std::to_string(row.at("number").get<int>()) + "-0");
      EXPECT_EQ(json::parse(slurp(rec / "final.json")).at("kind"), "terminated");
    } else {
      EXPECT_EQ(row.at("state"), "complete") << row.dump();
      high += row.at("params.c") == "0.9";
    }
  }
  ASSERT_GE(high, 2) << "seed gave too few 0.9 trials for the pruner to compare";
  EXPECT_GE(pruned, 1);
}

TEST_F(SlurmE2E, JobKilledMidRunIsRerunWithTheSameValues) {
  write_file(dir_ / "study.yaml",
             zdt_study("kill", ", \"--steps\", \"8\", \"--sleep-s\", \"4\"", 2, 2,
                       "retries: 1\n" + executor_yaml()));
  Proc p = start({"run", "--quiet", "study.yaml"}, dir_);
  const fs::path rec = dir_ / "s.h5.slurm/trial-0-0";
  ASSERT_TRUE(wait_records(dir_ / "s.h5.slurm", "reports.jsonl", 1, 90) &&
              [&] {
                for (int i = 0; i < 600 && !fs::exists(rec / "reports.jsonl"); ++i)
                  std::this_thread::sleep_for(std::chrono::milliseconds(50));
                return fs::exists(rec / "reports.jsonl");
              }())
      << "trial 0 did not start";
  std::string id = slurp(rec / "job.id");
  id = id.substr(0, id.find('\n'));
  int status = 0;
  shell_capture("scancel " + id, &status);  // from outside: like a preemption
  EXPECT_EQ(status, 0);
  ASSERT_EQ(p.wait(240), 0) << p.stderr_text();
  json rows = export_rows(dir_ / "s.h5", dir_);
  std::map<std::string, json> by;  // "number.attempt" -> row
  for (const auto& row : rows) {
    by[std::to_string(row.at("number").get<int>()) + "." +
       std::to_string(row.at("attempt").get<int>())] = row;
  }
  ASSERT_TRUE(by.count("0.0") && by.count("0.1")) << rows.dump(1);
  EXPECT_EQ(by["0.0"].at("state"), "interrupted") << by["0.0"].dump();
  EXPECT_NE(by["0.0"].at("reason").get<std::string>().find("lost"), std::string::npos);
  EXPECT_GT(by["0.0"].at("energy_kwh").get<double>(), 0.0);  // partial energy kept
  EXPECT_EQ(by["0.1"].at("state"), "complete");
  EXPECT_EQ(by["0.1"].at("params.x0"), by["0.0"].at("params.x0"));
  EXPECT_EQ(by["0.1"].at("params.x1"), by["0.0"].at("params.x1"));
  EXPECT_EQ(by["1.0"].at("state"), "complete");
  EXPECT_EQ(sbatch_calls(), 3);
}

TEST_F(SlurmE2E, JobWithoutFinalRecordIsLostKeepsPartialEnergyAndIsRerun) {
  write_file(dir_ / "study.yaml",
             zdt_study("lost", ", \"--steps\", \"8\", \"--sleep-s\", \"4\"", 1, 1,
                       "retries: 1\n" + executor_yaml()));
  Proc p = start({"run", "--quiet", "study.yaml"}, dir_);
  const fs::path rec = dir_ / "s.h5.slurm/trial-0-0";
  bool reported = false;
  for (int i = 0; i < 1800 && !reported; ++i) {
    reported = !slurp(rec / "reports.jsonl").empty() && fs::exists(rec / "started.json");
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(reported) << "trial 0 did not report";
  // SIGKILL the wrapper (the job's batch shell): the job ends without a final record.
  const pid_t wrapper = json::parse(slurp(rec / "started.json")).at("pid").get<int>();
  ASSERT_EQ(::kill(wrapper, SIGKILL), 0);
  ASSERT_EQ(p.wait(240), 0) << p.stderr_text();
  EXPECT_FALSE(fs::exists(rec / "final.json"));
  json rows = export_rows(dir_ / "s.h5", dir_);
  ASSERT_EQ(rows.size(), 2u) << rows.dump(1);
  EXPECT_EQ(rows[0].at("state"), "interrupted") << rows[0].dump();
  EXPECT_NE(rows[0].at("reason").get<std::string>().find("without a final record"),
            std::string::npos) << rows[0].dump();
  EXPECT_GT(rows[0].at("energy_kwh").get<double>(), 0.0);  // as of the last report
  EXPECT_EQ(rows[1].at("state"), "complete") << rows[1].dump();
  EXPECT_EQ(rows[1].at("params.x0"), rows[0].at("params.x0"));
}

TEST_F(SlurmE2E, CoordinatorKilledAndResumedWithoutDuplicateSubmissions) {
  write_file(dir_ / "study.yaml",
             zdt_study("resume", ", \"--steps\", \"4\", \"--sleep-s\", \"4\"", 4, 2,
                       executor_yaml()));
  Proc p = start({"run", "--quiet", "study.yaml"}, dir_);
  ASSERT_TRUE(wait_records(dir_ / "s.h5.slurm", "started.json", 2, 90)) << "jobs did not start";
  ::kill(p.pid, SIGKILL);
  p.wait(10);
  EXPECT_EQ(sbatch_calls(), 2);
  Outcome r = run({"run", "--resume", "--quiet", "study.yaml"}, dir_, 240);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  json rows = export_rows(dir_ / "s.h5", dir_);
  ASSERT_EQ(rows.size(), 4u) << rows.dump(1);  // one record per number: re-attached, not re-run
  for (const auto& row : rows) {
    EXPECT_EQ(row.at("state"), "complete") << row.dump();
    EXPECT_EQ(row.at("attempt"), 0) << row.dump();
    EXPECT_GT(row.at("energy_kwh").get<double>(), 0.0) << row.dump();
  }
  EXPECT_EQ(sbatch_calls(), 4);
  // Reports are not delivered twice to the re-attached trials: 4 steps per trial, each once.
  if (std::system("/usr/bin/python3 -c 'import h5py' >/dev/null 2>&1") == 0) {
    write_file(dir_ / "check.py",
               "import h5py, sys\n"
               "r = h5py.File(sys.argv[1], 'r')['reports']\n"
               "keys = list(zip(r['trial_row'][:].tolist(), r['step'][:].tolist()))\n"
               "assert len(keys) == len(set(keys)), keys\n"
               "assert len(keys) == 16, keys\n");
    const std::string cmd = "cd " + dir_.string() + " && /usr/bin/python3 check.py s.h5 >check.log 2>&1";
    EXPECT_EQ(std::system(cmd.c_str()), 0) << slurp(dir_ / "check.log");
  }
}

TEST_F(SlurmE2E, UnknownPartitionNamesTheOption) {
  write_file(dir_ / "study.yaml",
             zdt_study("badpart", "", 2, 1,
                       "executor: {type: slurm, partition: nosuchpart}\n"));
  Outcome r = run({"run", "--quiet", "study.yaml"}, dir_, 60);
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("partition: nosuchpart"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("invalid partition"), std::string::npos) << r.err;
}

TEST_F(SlurmE2E, JobStepsInsideAnAllocation) {
  write_file(dir_ / "study.yaml",
             zdt_study("alloc", ", \"--steps\", \"2\", \"--sleep-s\", \"0.3\"", 4, 2,
                       "executor: {type: slurm, use_allocation: true, lost_grace_s: 2}\n"));
  int status = 0;
  const std::string out = shell_capture(
      "cd " + dir_.string() + " && timeout 120 salloc -n 2 " + kEcohpo +
          " run --quiet study.yaml 2>&1",
      &status);
  ASSERT_EQ(status, 0) << out;
  json rows = export_rows(dir_ / "s.h5", dir_);
  ASSERT_EQ(rows.size(), 4u) << out;
  for (const auto& row : rows) {
    EXPECT_EQ(row.at("state"), "complete") << row.dump();
    EXPECT_GT(row.at("energy_kwh").get<double>(), 0.0) << row.dump();
  }
  // A step id is "JOBID:srun-pid": no sbatch was involved.
  EXPECT_NE(slurp(dir_ / "s.h5.slurm/trial-0-0/job.id").find(':'), std::string::npos);
  EXPECT_EQ(sbatch_calls(), 0);
}

// Slurm's own energy figure is stored beside ecohpo's. The local cluster has no slurmdbd, so
// `sacct` is a stand-in script (the executor's `sacct` path option) that answers like a cluster
// with AcctGatherEnergyType configured: 1,800,000 J for every job it is asked about.
TEST_F(SlurmE2E, SchedulerEnergyIsStoredBesideOurs) {
  write_file(dir_ / "sacct.sh",
             "#!/bin/sh\n"
             "while [ $# -gt 0 ]; do [ \"$1\" = -j ] && job=$2; shift; done\n"
             "echo \"$job|COMPLETED|1800000\"\n");
  fs::permissions(dir_ / "sacct.sh", fs::perms::owner_all);
  write_file(dir_ / "study.yaml",
             zdt_study("sched", "", 2, 2,
                       "executor: {type: slurm, sbatch: " + (dir_ / "sbatch-count.sh").string() +
                           ", sacct: " + (dir_ / "sacct.sh").string() +
                           ", scheduler_energy: \"on\", poll_interval_s: 0.3}\n"));
  Outcome r = run({"run", "study.yaml"}, dir_, 120);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  ASSERT_EQ(std::system("/usr/bin/python3 -c 'import h5py' >/dev/null 2>&1"), 0)
      << "python3-h5py is installed by scripts/setup";
  write_file(dir_ / "check.py",
             "import h5py, math, sys\n"
             "t = h5py.File(sys.argv[1], 'r')['trials']\n"
             "ours = t['energy_kwh'][:].tolist()\n"
             "sched = t['energy_scheduler_kwh'][:].tolist()\n"
             "assert len(sched) == 2, sched\n"
             "assert all(abs(v - 0.5) < 1e-12 for v in sched), sched\n"
             "assert all(v > 0 and v != 0.5 for v in ours), ours\n");
  const std::string cmd =
      "cd " + dir_.string() + " && /usr/bin/python3 check.py s.h5 >check.log 2>&1";
  EXPECT_EQ(std::system(cmd.c_str()), 0) << slurp(dir_ / "check.log");
}

TEST_F(SlurmE2E, SweepWithExecutorSlurm) {
  Outcome r = run({"sweep", "-p", "x0=float:0:1", "-p", "x1=float:0:1", "--minimize", "f1",
                   "--minimize", "f2", "--trials", "2", "--parallel", "2", "--executor",
                   "slurm", "--storage", "w.h5", "--quiet", "--", kTestObj, "--problem", "zdt1",
                   "--x0", "{x0}", "--x1", "{x1}"},
                  dir_, 120);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  json rows = export_rows(dir_ / "w.h5", dir_);
  ASSERT_EQ(rows.size(), 2u);
  for (const auto& row : rows) EXPECT_EQ(row.at("state"), "complete") << row.dump();
  EXPECT_TRUE(fs::exists(dir_ / "w.h5.slurm/trial-1-0/final.json"));
}

}  // namespace
}  // namespace e2e
