// Slurm plumbing without Slurm: job scripts, sbatch/srun command lines, sbatch/squeue/sacct
// output parsing, the record-file formats, and the executor's option errors.
#include "hpo/exec/slurm/slurm_job.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "hpo/core/config_error.h"
#include "hpo/exec/slurm/slurm_executor.h"
#include "hpo/exec/slurm/detail/slurm_process.h"
#include "hpo/core/study_spec.h"

namespace hpo {
namespace {

namespace fs = std::filesystem;

fs::path temp_dir(const std::string& name) {
  fs::path d = fs::temp_directory_path() /
               ("ecohpo-slurm-test-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

TEST(SlurmJobScript, RunsTheWrapperWithEveryWordIntact) {
  const fs::path dir = temp_dir("script");
  // A stand-in "ecohpo" that prints its arguments one per line and the environment we set.
  const fs::path fake = dir / "fake-ecohpo";
  {
    std::ofstream f(fake);
    f << "#!/bin/bash\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done\n"
         "printf 'ENV=%s\\n' \"$ECOHPO_PARAMS\"\nprintf 'PWD=%s\\n' \"$PWD\"\n";
  }
  fs::permissions(fake, fs::perms::owner_all);
  JobScript s;
  s.ecohpo_binary = fake.string();
  s.record_dir = (dir / "rec dir").string();
  s.argv = {"/usr/bin/python3", "it's a $HOME `x`", "--lr", "0.001"};
  s.env = {{"ECOHPO_PARAMS", R"({"act": "re lu", "q": "'\"$"})"}, {"ECOHPO_TRIAL", "3"}};
  s.work_dir = dir.string();
  s.timeout_s = 12.5;
  s.grace_s = 2;
  s.meters = {"rapl", "estimate"};
  s.meter_interval_s = 0.5;
  const std::string text = job_script_text(s);
  EXPECT_EQ(text.rfind("#!/bin/bash\n", 0), 0u);
  const fs::path script = dir / "job.sh";
  std::ofstream(script) << text;
  CommandOutput out = run_command({"/bin/bash", script.string()}, 30);
  ASSERT_TRUE(out.ok()) << out.error << out.err;
  const std::string expected =
      "slurm-wrapper\n--record\n" + (dir / "rec dir").string() +
      "\n--timeout\n12.5\n--grace\n2\n--meters\nrapl,estimate\n--meter-interval\n0.5\n--\n"
      "/usr/bin/python3\nit's a $HOME `x`\n--lr\n0.001\n"
      "ENV={\"act\": \"re lu\", \"q\": \"'\\\"$\"}\nPWD=" + dir.string() + "\n";
  EXPECT_EQ(out.out, expected);
  fs::remove_all(dir);
}

TEST(SlurmJobScript, NoTimeoutFlagWithoutATimeout) {
  JobScript s;
  s.ecohpo_binary = "/opt/ecohpo";
  s.record_dir = "/shared/r";
  s.argv = {"./trial"};
  EXPECT_EQ(job_script_text(s).find("--timeout"), std::string::npos);
}

TEST(SlurmSbatch, PassesUserOptionsThroughAndAddsNoRequeue) {
  SlurmJobOptions o;
  o.partition = "gpu";
  o.time = "00:30:00";
  o.cpus_per_task = 4;
  o.gpus_per_task = 1;
  o.mem = "8G";
  o.extra_args = {"--account=ml", "--qos=normal"};
  auto a = sbatch_argv("sbatch", o, "ecohpo-s-3", "/sh/out", "/sh/job.sh");
  const std::vector<std::string> want{
      "sbatch", "--parsable", "--job-name=ecohpo-s-3", "--output=/sh/out", "--partition=gpu",
      "--time=00:30:00", "--cpus-per-task=4", "--gpus-per-task=1", "--mem=8G", "--account=ml",
      "--qos=normal", "--no-requeue", "/sh/job.sh"};
  EXPECT_EQ(a, want);
  o.extra_args = {"--requeue"};
  a = sbatch_argv("sbatch", o, "n", "o", "s");
  EXPECT_EQ(std::count(a.begin(), a.end(), "--no-requeue"), 0);
  SlurmJobOptions none;
  EXPECT_EQ(sbatch_argv("/x/sbatch", none, "n", "o", "s"),
            (std::vector<std::string>{"/x/sbatch", "--parsable", "--job-name=n", "--output=o",
                                      "--no-requeue", "s"}));
  auto s = srun_argv("srun", none, "n", "o", "s");
  EXPECT_EQ(s.back(), "s");
  EXPECT_NE(std::find(s.begin(), s.end(), "--exclusive"), s.end());
}

TEST(SlurmSbatch, JobNamesAreSafe) {
  EXPECT_EQ(slurm_job_name("mlp-digits", 12), "ecohpo-mlp-digits-12");
  EXPECT_EQ(slurm_job_name("a b/c;d", 0), "ecohpo-a_b_c_d-0");
}

TEST(SlurmSbatch, ParsesJobIds) {
  EXPECT_EQ(parse_sbatch_output("1234\n").value(), "1234");
  EXPECT_EQ(parse_sbatch_output("77;cluster\n").value(), "77");
  EXPECT_EQ(parse_sbatch_output("sbatch: warning: x\n42\n").value(), "42");
  auto bad = parse_sbatch_output("Submitted batch job\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().find("no job id"), std::string::npos);
}

TEST(SlurmSbatch, ErrorsNameTheOptionAtFault) {
  SlurmJobOptions o;
  o.partition = "gpux";
  o.time = "99:99";
  o.extra_args = {"--account=nobody"};
  std::string m = explain_sbatch_error(
      "sbatch: error: invalid partition specified: gpux\n"
      "sbatch: error: Batch job submission failed: Invalid partition name specified\n", o);
  EXPECT_NE(m.find("invalid partition specified: gpux"), std::string::npos) << m;
  EXPECT_NE(m.find("executor option 'partition: gpux'"), std::string::npos) << m;
  m = explain_sbatch_error("sbatch: error: Invalid account or account/partition combination", o);
  EXPECT_NE(m.find("partition: gpux"), std::string::npos) << m;
  o.partition.clear();
  m = explain_sbatch_error("sbatch: error: Invalid account or account/partition combination", o);
  EXPECT_NE(m.find("extra_args: [--account=nobody]"), std::string::npos) << m;
  m = explain_sbatch_error("sbatch: error: Invalid time limit specification", o);
  EXPECT_NE(m.find("'time: 99:99'"), std::string::npos) << m;
  m = explain_sbatch_error("", o);
  EXPECT_NE(m.find("no message"), std::string::npos) << m;
}

TEST(SlurmSqueue, ParsesRowsAndSkipsNoise) {
  auto rows = parse_squeue(
      "12|RUNNING|None\n13|PENDING|Resources\nsqueue: warning: x\n14_2|PENDING|x\n"
      "15|COMPLETED|None\n\n16|NODE_FAIL\n");
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows["12"].state, "RUNNING");
  EXPECT_EQ(rows["13"].reason, "Resources");
  EXPECT_EQ(rows["16"].state, "NODE_FAIL");
  EXPECT_EQ(rows["16"].reason, "");
  EXPECT_TRUE(is_live_state("PENDING"));
  EXPECT_TRUE(is_live_state("RUNNING"));
  EXPECT_TRUE(is_live_state("COMPLETING"));
  EXPECT_FALSE(is_live_state("COMPLETED"));
  EXPECT_FALSE(is_live_state("PREEMPTED"));
  EXPECT_FALSE(is_live_state("NODE_FAIL"));
  EXPECT_TRUE(parse_squeue("").empty());
}

TEST(SlurmSacct, ReadsConsumedEnergyRaw) {
  EXPECT_EQ(parse_sacct_energy("41|COMPLETED|1520\n", "41"), 1520.0);
  EXPECT_EQ(parse_sacct_energy("40|COMPLETED|9\n41|COMPLETED|77\n", "41"), 77.0);
  EXPECT_FALSE(parse_sacct_energy("41|COMPLETED|0\n", "41"));
  EXPECT_FALSE(parse_sacct_energy("41|COMPLETED|\n", "41"));
  EXPECT_FALSE(parse_sacct_energy("41|RUNNING|n/a\n", "41"));
  EXPECT_FALSE(parse_sacct_energy("", "41"));
}

TEST(SlurmRecords, FinalRecordRoundTrips) {
  FinalRecord f;
  f.kind = "timed_out";
  f.exit_code = -1;
  f.term_signal = 15;
  f.start_unix_s = 1700000000.25;
  f.end_unix_s = 1700000010.5;
  f.duration_s = 10.25;
  f.cpu_s = 3.5;
  f.host = "node7";
  f.message = "m";
  f.stderr_tail = "boom\n";
  f.energy.duration_s = 10.25;
  f.energy.components = {{"cpu-package-0", "rapl", 120.5, false}, {"gpu-1", "nvml", 300, false}};
  f.energy.trace = {{1.0, 12.0}, {2.0, 13.5}};
  f.energy.notes = {"n1"};
  auto back = final_from_json(nlohmann::json::parse(final_to_json(f).dump()));
  ASSERT_TRUE(back.ok()) << back.error();
  const FinalRecord& g = back.value();
  EXPECT_EQ(g.kind, "timed_out");
  EXPECT_EQ(g.term_signal, 15);
  EXPECT_DOUBLE_EQ(g.start_unix_s, f.start_unix_s);
  EXPECT_DOUBLE_EQ(g.cpu_s, 3.5);
  EXPECT_EQ(g.host, "node7");
  ASSERT_EQ(g.energy.components.size(), 2u);
  EXPECT_EQ(g.energy.components[1].component, "gpu-1");
  EXPECT_DOUBLE_EQ(g.energy.total_j(), 420.5);
  ASSERT_EQ(g.energy.trace.size(), 2u);
  EXPECT_DOUBLE_EQ(g.energy.trace[1].power_w, 13.5);
  EXPECT_EQ(g.energy.notes, std::vector<std::string>{"n1"});
  EXPECT_EQ(exit_kind_of(g), ExitKind::kTimedOut);
}

TEST(SlurmRecords, BadFinalRecordsAreErrors) {
  EXPECT_FALSE(final_from_json(nlohmann::json::array()).ok());
  EXPECT_FALSE(final_from_json(nlohmann::json{{"exit_code", 0}}).ok());
  auto r = final_from_json(nlohmann::json{{"kind", "exploded"}});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("exploded"), std::string::npos);
  EXPECT_EQ(exit_kind_of(FinalRecord{}), ExitKind::kExited);
  FinalRecord t;
  t.kind = "terminated";
  EXPECT_EQ(exit_kind_of(t), ExitKind::kCancelled);
}

std::unique_ptr<Executor> make(const nlohmann::json& options) {
  StudySpec spec;
  spec.name = "s";
  spec.parallel = 3;
  spec.storage = "/tmp/x/s.h5";
  FactoryContext ctx{&spec, nullptr};
  return SlurmExecutor::create(ComponentSpec{"slurm", options, "/executor"}, ctx);
}

std::string config_key(const nlohmann::json& options) {
  try {
    make(options);
  } catch (const ConfigError& e) {
    return e.key() + ": " + e.what();
  }
  return "";
}

TEST(SlurmExecutorOptions, DefaultsAndSharedDir) {
  auto e = make(nlohmann::json::object());
  auto* s = dynamic_cast<SlurmExecutor*>(e.get());
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->slots(), 3);
  EXPECT_EQ(s->record_dir(4, 1), fs::path("/tmp/x/s.h5.slurm/trial-4-1"));
  auto e2 = make({{"shared_dir", "/scratch/r"}, {"partition", "gpu"}, {"mem", 4096},
                  {"extra_args", {"--qos=low"}}});
  EXPECT_EQ(dynamic_cast<SlurmExecutor*>(e2.get())->record_dir(0, 0),
            fs::path("/scratch/r/trial-0-0"));
}

TEST(SlurmExecutorOptions, BadOptionsNameTheKey) {
  EXPECT_NE(config_key({{"partiton", "gpu"}}).find("partiton"), std::string::npos);
  EXPECT_EQ(config_key({{"cpus_per_task", -1}}).rfind("/executor/cpus_per_task", 0), 0u);
  EXPECT_EQ(config_key({{"poll_interval_s", 0}}).rfind("/executor/poll_interval_s", 0), 0u);
  EXPECT_EQ(config_key({{"scheduler_energy", "maybe"}}).rfind("/executor/scheduler_energy", 0),
            0u);
  EXPECT_EQ(config_key({{"extra_args", {"account=ml"}}}).rfind("/executor/extra_args", 0), 0u);
  EXPECT_EQ(config_key({{"mem", true}}).rfind("/executor/mem", 0), 0u);
  EXPECT_EQ(config_key({{"partition", 3}}).rfind("/executor/partition", 0), 0u);
}

TEST(SlurmExecutorSubmit, MissingSbatchIsAClearError) {
  const fs::path dir = temp_dir("nosbatch");
  auto e = make({{"shared_dir", dir.string()}, {"sbatch", "/nonexistent/sbatch"}});
  LaunchRequest r;
  r.argv = {"/bin/true"};
  auto id = e->submit(r);
  ASSERT_FALSE(id.ok());
  EXPECT_NE(id.error().find("'/nonexistent/sbatch' not found"), std::string::npos) << id.error();
  EXPECT_NE(id.error().find("executor option 'sbatch'"), std::string::npos) << id.error();
  fs::remove_all(dir);
}

TEST(SlurmProcess, CapturesOutputAndReportsFailures) {
  CommandOutput a = run_command({"/bin/sh", "-c", "echo out; echo err >&2; exit 3"}, 10);
  EXPECT_EQ(a.exit_code, 3);
  EXPECT_EQ(a.out, "out\n");
  EXPECT_EQ(a.err, "err\n");
  EXPECT_TRUE(a.error.empty());
  CommandOutput b = run_command({"/nonexistent/cmd"}, 10);
  EXPECT_NE(b.error.find("cannot run '/nonexistent/cmd'"), std::string::npos);
  CommandOutput c = run_command({"/bin/sleep", "5"}, 0.2);
  EXPECT_NE(c.error.find("did not answer"), std::string::npos);
}

}  // namespace
}  // namespace hpo
