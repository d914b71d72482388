// `ecohpo run / sweep / show / export` end to end, on tiny studies of ecohpo-testobj written
// into a temporary directory (label e2e).
#include <algorithm>
#include <random>
#include <set>

#include "tests/e2e/e2e_util.h"

namespace e2e {
namespace {

using nlohmann::json;

std::string zdt_study(const fs::path& dir, const std::string& extra_args, int trials,
                      const std::string& more_yaml = "") {
  return "name: e2e\n"
         "command: [\"" + kTestObj + "\", \"--problem\", \"zdt1\", \"--x0\", \"{x0}\", \"--x1\", "
         "\"{x1}\"" + extra_args + "]\n"
         "space:\n"
         "  x0: {type: float, low: 0.0, high: 1.0}\n"
         "  x1: {type: float, low: 0.0, high: 1.0}\n"
         "objectives:\n"
         "  - {name: f1, direction: minimize}\n"
         "  - {name: f2, direction: minimize}\n"
         "sampler: {type: random, seed: 7}\n"
         "budget: {trials: " + std::to_string(trials) + "}\n"
         "parallel: 2\n"
         "storage: " + (dir / "s.h5").string() + "\n" + more_yaml;
}

class CliStudy : public TempDir {};

TEST_F(CliStudy, RandomStudyWithParallelTwoThenShowAndExport) {
  write_file(dir_ / "study.yaml", zdt_study(dir_, ", \"--sleep-s\", \"0.05\"", 8));
  Outcome r = run({"run", "study.yaml"}, dir_);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("trial 7"), std::string::npos) << r.out;  // one line per trial (no TTY)
  EXPECT_NE(r.out.find("stopped: budget.trials"), std::string::npos) << r.out;

  Outcome show = run({"show", (dir_ / "s.h5").string()}, dir_);
  ASSERT_EQ(show.code, 0) << show.err;
  EXPECT_NE(show.out.find("8 complete"), std::string::npos) << show.out;
  EXPECT_NE(show.out.find("Pareto front"), std::string::npos) << show.out;
  EXPECT_NE(show.out.find("*"), std::string::npos) << show.out;  // the knee
  EXPECT_NE(show.out.find("optimizer"), std::string::npos) << show.out;

  json rows = export_rows(dir_ / "s.h5", dir_);
  ASSERT_EQ(rows.size(), 8u);
  std::set<std::int64_t> numbers;
  int on_front = 0;
  for (const auto& row : rows) {
    numbers.insert(row.at("number").get<std::int64_t>());
    EXPECT_EQ(row.at("state"), "complete");
    const double x0 = row.at("params.x0").get<double>();
    EXPECT_DOUBLE_EQ(row.at("values.f1").get<double>(), x0);  // ZDT1: f1 = x0
    EXPECT_GT(row.at("duration_s").get<double>(), 0.0);
    on_front += row.at("pareto").get<int>();
  }
  EXPECT_EQ(numbers, (std::set<std::int64_t>{0, 1, 2, 3, 4, 5, 6, 7}));
  EXPECT_GE(on_front, 1);

  Outcome csv = run({"export", (dir_ / "s.h5").string(), "-o", "t.csv"}, dir_);
  ASSERT_EQ(csv.code, 0) << csv.err;
  const std::string text = slurp(dir_ / "t.csv");
  EXPECT_EQ(text.rfind("number,", 0), 0u) << text.substr(0, 200);
  EXPECT_NE(text.find("params.x0"), std::string::npos);
  if (::access("/usr/bin/python3", X_OK) == 0 &&
      std::system("/usr/bin/python3 -c 'import pandas' >/dev/null 2>&1") == 0) {
    const std::string cmd = "cd " + dir_.string() +
                            " && /usr/bin/python3 -c \"import pandas; d = pandas.read_csv('t.csv');"
                            " assert len(d) == 8, len(d); assert (d['state'] == 'complete').all();"
                            " assert abs(d['values.f1'] - d['params.x0']).max() == 0\"";
    EXPECT_EQ(std::system(cmd.c_str()), 0);
  }
  // Running again without --resume refuses to overwrite.
  Outcome again = run({"run", "study.yaml"}, dir_);
  EXPECT_EQ(again.code, 2);
  EXPECT_NE(again.err.find("--resume"), std::string::npos) << again.err;
}

TEST_F(CliStudy, DryRunPrintsTheResolvedStudyAndThreeCommands) {
  write_file(dir_ / "study.yaml", zdt_study(dir_, "", 5));
  Outcome r = run({"run", "--dry-run", "study.yaml"}, dir_);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("\"space\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("[2] " + kTestObj), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("[3] "), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(dir_ / "s.h5"));
}

TEST_F(CliStudy, BadYamlExitsTwoWithFileAndLine) {
  std::string text = zdt_study(dir_, "", 5);
  text.replace(text.find("x1: {type: float, low: 0.0, high: 1.0}"), 38,
               "x1: {type: float, low: 2.0, high: 1.0}");
  write_file(dir_ / "bad.yaml", text);
  Outcome r = run({"run", "bad.yaml"}, dir_);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("bad.yaml:5:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("x1"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;  // one line

  Outcome missing = run({"run", "nope.yaml"}, dir_);
  EXPECT_EQ(missing.code, 2);
  EXPECT_NE(missing.err.find("nope.yaml"), std::string::npos) << missing.err;

  Outcome flag = run({"export", "x.h5", "--format", "xml"}, dir_);
  EXPECT_EQ(flag.code, 2);
  EXPECT_NE(flag.err.find("--format"), std::string::npos) << flag.err;
}

TEST_F(CliStudy, HelpOnEverySubcommand) {
  for (const char* c : {"run", "sweep", "show", "export"}) {
    Outcome r = run({c, "--help"}, dir_);
    EXPECT_EQ(r.code, 0) << c;
    EXPECT_NE(r.out.find("ecohpo " + std::string(c)), std::string::npos) << c << ": " << r.out;
  }
}

TEST_F(CliStudy, SweepRunsTheSameEngine) {
  Outcome r = run({"sweep", "-p", "x0=float:0:1", "-p", "x1=float:0:1", "--minimize", "f1",
                   "--minimize", "f2", "--sampler", "random", "--seed", "3", "--trials", "4",
                   "--parallel", "2", "--storage", "w.h5", "--quiet", "--", kTestObj, "--x0",
                   "{x0}", "--x1", "{x1}"},
                  dir_);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_EQ(r.out.find("trial 0 "), std::string::npos) << "quiet prints no trial lines";
  json rows = export_rows(dir_ / "w.h5", dir_);
  ASSERT_EQ(rows.size(), 4u);
  for (const auto& row : rows) EXPECT_EQ(row.at("state"), "complete");
  // The same sweep resumed: nothing left to do, nothing re-run.
  Outcome again = run({"sweep", "-p", "x0=float:0:1", "-p", "x1=float:0:1", "--minimize", "f1",
                       "--minimize", "f2", "--sampler", "random", "--seed", "3", "--trials", "4",
                       "--parallel", "2", "--storage", "w.h5", "--quiet", "--resume", "--",
                       kTestObj, "--x0", "{x0}", "--x1", "{x1}"},
                      dir_);
  ASSERT_EQ(again.code, 0) << again.err;
  EXPECT_EQ(export_rows(dir_ / "w.h5", dir_).size(), 4u);
}

TEST_F(CliStudy, RetriesRerunFailedTrialsWithTheSameValues) {
  write_file(dir_ / "study.yaml", zdt_study(dir_, ", \"--fail-exit\", \"3\"", 2, "retries: 1\n"));
  Outcome r = run({"run", "--quiet", "study.yaml"}, dir_);
  ASSERT_EQ(r.code, 0) << r.err;
  json rows = export_rows(dir_ / "s.h5", dir_);
  ASSERT_EQ(rows.size(), 4u);
  std::map<std::int64_t, std::vector<json>> by_number;
  for (const auto& row : rows) by_number[row.at("number").get<std::int64_t>()].push_back(row);
  ASSERT_EQ(by_number.size(), 2u);
  for (const auto& [n, attempts] : by_number) {
    ASSERT_EQ(attempts.size(), 2u);
    EXPECT_EQ(attempts[0].at("params.x0"), attempts[1].at("params.x0"));
    for (const auto& a : attempts) {
      EXPECT_EQ(a.at("state"), "failed");
      EXPECT_EQ(a.at("reason"), "exit status 3");
    }
  }
}

TEST_F(CliStudy, EveryFailureHasItsReason) {
  // A categorical parameter chooses the failure; each record's reason must match its choice.
  const std::string yaml =
      "name: failures\n"
      "command: [\"" + kTestObj + "\", \"--x0\", \"0.5\", \"--mode\", \"{mode}\"]\n"
      "space:\n"
      "  mode: {type: categorical, choices: [hang, garbage, crash, noreport, fail, ok]}\n"
      "objectives:\n  - {name: f1, direction: minimize}\n"
      "sampler: {type: random, seed: 11}\n"
      "budget: {trials: 14}\n"
      "parallel: 2\n"
      "trial_timeout_s: 0.5\n"
      "storage: f.h5\n";
  // testobj has no --mode flag: a tiny shell wrapper maps modes to its flags.
  write_file(dir_ / "wrap.sh",
             "#!/bin/sh\nm=$4\ncase $m in\n"
             " hang) exec " + kTestObj + " --hang ;;\n"
             " garbage) exec " + kTestObj + " --garbage ;;\n"
             " crash) exec " + kTestObj + " --crash-signal SEGV ;;\n"
             " noreport) exec " + kTestObj + " --no-report ;;\n"
             " fail) exec " + kTestObj + " --fail-exit 4 ;;\n"
             " *) exec " + kTestObj + " ;;\nesac\n");
  fs::permissions(dir_ / "wrap.sh", fs::perms::owner_all);
  std::string text = yaml;
  text.replace(text.find(kTestObj), kTestObj.size(), (dir_ / "wrap.sh").string());
  write_file(dir_ / "study.yaml", text);
  Outcome r = run({"run", "--quiet", "study.yaml"}, dir_);
  ASSERT_EQ(r.code, 0) << r.err;
  json rows = export_rows(dir_ / "f.h5", dir_);
  ASSERT_EQ(rows.size(), 14u);
  std::set<std::string> seen;
  for (const auto& row : rows) {
    const std::string mode = row.at("params.mode");
    const std::string reason = row.at("reason").is_string() ? row.at("reason").get<std::string>() : "";
    seen.insert(mode);
    if (mode == "ok") {
      EXPECT_EQ(row.at("state"), "complete") << reason;
      continue;
    }
    EXPECT_EQ(row.at("state"), "failed") << mode;
    if (mode == "hang") EXPECT_NE(reason.find("timed out"), std::string::npos) << reason;
    if (mode == "garbage") EXPECT_NE(reason.find("unparsable output"), std::string::npos) << reason;
    if (mode == "crash") EXPECT_NE(reason.find("SIGSEGV"), std::string::npos) << reason;
    if (mode == "noreport") EXPECT_NE(reason.find("missing objective metric 'f1'"), std::string::npos) << reason;
    if (mode == "fail") EXPECT_EQ(reason, "exit status 4");
  }
  EXPECT_GE(seen.size(), 5u);
}

TEST_F(CliStudy, CommandNotFoundStopsTheStudyWithAClearError) {
  std::string text = zdt_study(dir_, "", 5);
  text.replace(text.find(kTestObj), kTestObj.size(), "ecohpo-no-such-program");
  write_file(dir_ / "study.yaml", text);
  Outcome r = run({"run", "--quiet", "study.yaml"}, dir_);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("cannot start 'ecohpo-no-such-program'"), std::string::npos) << r.err;
}

TEST_F(CliStudy, PrunedTrialsAreStoppedAndKeepTheirEnergy) {
  // Flat learning curves at level c. With parallel 1, the complete trials a trial is compared
  // with are exactly the earlier complete ones, so the median rule is checked exactly: pruned
  // if and only if c is below their median (once 2 exist).
  const std::string yaml =
      "name: prune\n"
      "command: [\"" + kTestObj + "\", \"--steps\", \"4\", \"--sleep-s\", \"0.2\", "
      "\"--curve\", \"{c}\"]\n"
      "space:\n  c: {type: float, low: 0.0, high: 1.0}\n"
      "objectives:\n  - {name: accuracy, direction: maximize}\n"
      "  - {name: energy_kwh, direction: minimize}\n"
      "sampler: {type: random, seed: 5}\n"
      "pruner: {type: median, metric: accuracy, warmup_steps: 1, min_trials: 2}\n"
      "budget: {trials: 10}\n"
      "parallel: 1\n"
      "storage: p.h5\n";
  write_file(dir_ / "study.yaml", yaml);
  Outcome r = run({"run", "--quiet", "study.yaml"}, dir_);
  ASSERT_EQ(r.code, 0) << r.err;
  json rows = export_rows(dir_ / "p.h5", dir_);
  ASSERT_EQ(rows.size(), 10u);
  std::vector<double> complete_c;
  int pruned = 0;
  for (const auto& row : rows) {  // in number order
    const double c = row.at("params.c").get<double>();
    bool expect_prune = false;
    if (complete_c.size() >= 2) {
      std::vector<double> v = complete_c;
      std::sort(v.begin(), v.end());
      const std::size_t n = v.size();
      const double median = n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
      expect_prune = c < median;
    }
    if (row.at("state") == "pruned") {
      ++pruned;
      EXPECT_TRUE(expect_prune) << row.dump();
      EXPECT_NE(row.at("reason").get<std::string>().find("median"), std::string::npos);
      EXPECT_GT(row.at("energy_kwh").get<double>(), 0.0);  // charged what it used
    } else {
      EXPECT_EQ(row.at("state"), "complete") << row.dump();
      EXPECT_FALSE(expect_prune) << row.dump();
      complete_c.push_back(c);
    }
  }
  EXPECT_GE(pruned, 1);
}

// Waits until `n` trial logs exist (trials were launched).
void wait_for_logs(const fs::path& logs, int n) {
  for (int i = 0; i < 1000; ++i) {
    int count = 0;
    if (fs::exists(logs)) {
      for ([[maybe_unused]] const auto& e : fs::directory_iterator(logs)) ++count;
    }
    if (count >= n) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ADD_FAILURE() << "trials did not start";
}

TEST_F(CliStudy, CtrlCOnceLetsRunningTrialsFinish) {
  write_file(dir_ / "study.yaml", zdt_study(dir_, ", \"--sleep-s\", \"1\"", 20));
  Proc p = start({"run", "study.yaml"}, dir_);
  wait_for_logs(dir_ / "s.h5.logs", 2);
  ::kill(p.pid, SIGINT);
  EXPECT_EQ(p.wait(), 130) << p.stderr_text();
  json rows = export_rows(dir_ / "s.h5", dir_);
  ASSERT_GE(rows.size(), 2u);
  EXPECT_LT(rows.size(), 20u);
  for (const auto& row : rows) EXPECT_EQ(row.at("state"), "complete");
  Outcome show = run({"show", "s.h5"}, dir_);
  EXPECT_NE(show.out.find("stopped: interrupted"), std::string::npos) << show.out;
}

TEST_F(CliStudy, CtrlCTwiceStopsRunningTrialsAsInterrupted) {
  write_file(dir_ / "study.yaml", zdt_study(dir_, ", \"--hang\"", 20));
  Proc p = start({"run", "study.yaml"}, dir_);
  wait_for_logs(dir_ / "s.h5.logs", 2);
  ::kill(p.pid, SIGINT);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  ::kill(p.pid, SIGINT);
  EXPECT_EQ(p.wait(), 130) << p.stderr_text();
  json rows = export_rows(dir_ / "s.h5", dir_);
  ASSERT_EQ(rows.size(), 2u);
  for (const auto& row : rows) {
    EXPECT_EQ(row.at("state"), "interrupted");
    EXPECT_EQ(row.at("reason"), "interrupted by user");
  }
}

// THE SIGKILL-AND-RESUME TEST: kill -9 the coordinator at seeded moments, kill its orphaned
// trials, resume; in the end every number of the budget is complete exactly once, with the
// values it was first given, and nothing that had finished was lost.
TEST_F(CliStudy, SigkillAndResume) {
  const int kTrials = 10;
  const std::string mark = "ecohpo-e2e-mark-" + std::to_string(::getpid());
  std::string text = zdt_study(dir_, ", \"--sleep-s\", \"{s}\"", kTrials,
                               "env: {ECOHPO_E2E_MARK: " + mark + "}\n");
  text.replace(text.find("space:\n"), 7, "space:\n  s: {type: float, low: 0.3, high: 1.0}\n");
  write_file(dir_ / "study.yaml", text);

  std::mt19937 rng(20261128);
  std::uniform_real_distribution<double> moment(0.05, 0.8);
  std::map<std::pair<std::int64_t, int>, json> finished_before;  // (number, attempt) -> row
  std::map<std::int64_t, json> first_params;
  auto log_count = [&] {
    int n = 0;
    if (fs::exists(dir_ / "s.h5.logs")) {
      for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir_ / "s.h5.logs")) ++n;
    }
    return n;
  };
  for (int round = 0; round < 3; ++round) {
    const int logs_before = log_count();
    Proc p = start(round == 0 ? std::vector<std::string>{"run", "study.yaml"}
                              : std::vector<std::string>{"run", "--resume", "study.yaml"},
                   dir_, "round" + std::to_string(round));
    // Kill at a seeded moment after this round launched its first trial, so that trials are
    // running when the coordinator dies.
    wait_for_logs(dir_ / "s.h5.logs", logs_before + 1);
    std::this_thread::sleep_for(std::chrono::milliseconds(static_cast<int>(moment(rng) * 1000)));
    ::kill(p.pid, SIGKILL);
    p.wait();
    for (pid_t g : groups_with_env(mark)) ::kill(-g, SIGKILL);  // the orphaned trials
    if (!fs::exists(dir_ / "s.h5") && !fs::exists(dir_ / "s.h5.journal")) continue;
    json rows = export_rows(dir_ / "s.h5", dir_);  // the file opens after every kill
    for (const auto& row : rows) {
      const auto n = row.at("number").get<std::int64_t>();
      if (!first_params.count(n)) first_params[n] = row.at("params.x0");
      if (row.at("state") == "complete") {
        finished_before[{n, row.at("attempt").get<int>()}] = row;
      }
    }
  }
  Outcome last = run({"run", "--resume", "--quiet", "study.yaml"}, dir_);
  ASSERT_EQ(last.code, 0) << last.err;
  json rows = export_rows(dir_ / "s.h5", dir_);
  int interrupted = 0;
  std::map<std::int64_t, int> complete;
  std::map<std::int64_t, std::set<double>> x0s;
  std::set<std::pair<std::int64_t, int>> present;
  for (const auto& row : rows) {
    const auto n = row.at("number").get<std::int64_t>();
    present.insert({n, row.at("attempt").get<int>()});
    x0s[n].insert(row.at("params.x0").get<double>());
    if (row.at("state") == "complete") ++complete[n];
    if (row.at("state") == "interrupted") {
      EXPECT_EQ(row.at("reason"), "coordinator stopped");
      ++interrupted;
    }
  }
  EXPECT_GE(interrupted, 1) << "no kill hit a running trial";
  EXPECT_EQ(static_cast<int>(complete.size()), kTrials);  // budget counted once
  for (const auto& [n, count] : complete) {
    EXPECT_EQ(count, 1) << "trial " << n << " ran to completion twice";
    EXPECT_LT(n, kTrials);
    EXPECT_EQ(x0s[n].size(), 1u) << "trial " << n << " was re-run with other values";
  }
  for (const auto& [key, row] : finished_before) {
    EXPECT_TRUE(present.count(key)) << "finished trial " << key.first << " was lost";
  }
  for (const auto& [n, x0] : first_params) {
    EXPECT_EQ(*x0s[n].begin(), x0.get<double>());
  }
  EXPECT_TRUE(groups_with_env(mark).empty());
}

}  // namespace
}  // namespace e2e
