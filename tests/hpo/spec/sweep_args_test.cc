// `ecohpo sweep` flags -> StudySpec: the issue's example, every flag, and bad flags naming
// themselves; validate_study errors on a sweep point at the word that set the key.
#include "hpo/spec/sweep_args.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "hpo/core/command_template.h"
#include "hpo/core/config_error.h"
#include "hpo/spec/study_yaml.h"
#include "samplers/registry.h"

namespace hpo {
namespace {

using ::testing::HasSubstr;
using Words = std::vector<std::string>;

Words words(const std::string& line) { return split_command_line(line); }

Registry registry() {
  Registry r;
  samplers::register_samplers(r);
  return r;
}

TEST(SweepArgs, IssueExample) {
  const StudySpec s = parse_sweep_args(words(
      "-p lr=float:1e-4:0.1:log -p width=int:16:512:log -p act=choice:relu,tanh "
      "--maximize accuracy --minimize energy_kwh --sampler random --trials 20 --parallel 2 "
      "--storage runs/s.h5 -- /usr/bin/python3 train.py --lr {lr} --width {width} --act {act}"));
  EXPECT_NO_THROW(validate_study(s, registry()));
  ASSERT_EQ(s.space.params.size(), 3u);
  const auto& lr = s.space.params[0];
  EXPECT_EQ(lr.name, "lr");
  EXPECT_EQ(lr.kind, ParamKind::kFloat);
  EXPECT_EQ(lr.low, 1e-4);
  EXPECT_EQ(lr.high, 0.1);
  EXPECT_TRUE(lr.log);
  EXPECT_EQ(s.space.params[1].kind, ParamKind::kInt);
  EXPECT_EQ(s.space.params[1].high, 512);
  EXPECT_EQ(s.space.params[2].choices,
            (std::vector<ParamValue>{std::string("relu"), std::string("tanh")}));
  ASSERT_EQ(s.objectives.size(), 2u);
  EXPECT_EQ(s.objectives[0].name, "accuracy");
  EXPECT_EQ(s.objectives[0].direction, Direction::kMaximize);
  EXPECT_EQ(s.objectives[1].direction, Direction::kMinimize);
  EXPECT_EQ(s.sampler.type, "random");
  EXPECT_EQ(*s.budget.trials, 20);
  EXPECT_EQ(s.parallel, 2);
  EXPECT_EQ(s.storage, "runs/s.h5");
  EXPECT_EQ(s.command, (Words{"/usr/bin/python3", "train.py", "--lr", "{lr}", "--width", "{width}",
                              "--act", "{act}"}));
  EXPECT_EQ(s.name, "sweep");
  EXPECT_EQ(s.source_path, "<command line>");
  EXPECT_EQ(s.source_text.rfind("ecohpo sweep -p lr=float:1e-4:0.1:log", 0), 0u);
  // The recorded command line splits back into the same words.
  const Words expected = [] {
    Words w{"ecohpo", "sweep"};
    auto rest = words(
        "-p lr=float:1e-4:0.1:log -p width=int:16:512:log -p act=choice:relu,tanh "
        "--maximize accuracy --minimize energy_kwh --sampler random --trials 20 --parallel 2 "
        "--storage runs/s.h5 -- /usr/bin/python3 train.py --lr {lr} --width {width} --act {act}");
    w.insert(w.end(), rest.begin(), rest.end());
    return w;
  }();
  EXPECT_EQ(words(s.source_text), expected);
}

TEST(SweepArgs, GpuPowerLimitFlagSetsTheHardwareKnob) {
  const StudySpec s = parse_sweep_args(words(
      "-p w=int:150:300 --minimize energy_kwh --gpus-per-trial 1 --gpu-power-limit-w {w} -- ./train"));
  EXPECT_EQ(s.hardware.gpu_power_limit_w, "{w}");
  EXPECT_EQ(s.gpus_per_trial, 1);
  EXPECT_EQ(s.locate("/hardware/gpu_power_limit_w").column, 8);  // its value, word 8 (from 1)
}

TEST(SweepArgs, EveryFlag) {
  const StudySpec s = parse_sweep_args(words(
      "--param=opt=choice:sgd,adam -p mom=float:0:0.9:step=0.1:when=opt=sgd -p \"n=fixed:'007'\" "
      "-p k=int:1:9:step=2 -p c=choice:1,2.5,true,x --minimize f --sampler random "
      "--sampler-opt seed=4 --seed 9 --energy-kwh 0.5 --co2e-kg 0.2 --wall-time-s 60 --timeout 30 "
      "--retries 2 --name demo --meters rapl,nvml --meter-interval 0.25 --region IE --pue 1.2 "
      "--intensity 300 --intensity-csv g.csv --pruner median --pruner-opt warmup_steps=2 "
      "--early-stop hypervolume_plateau:window=20,min_improvement=0.001 --early-stop no_improvement "
      "--executor slurm --executor-opt partition=gpu --gpus-per-trial 1 --work-dir /tmp "
      "--env A=b=c --shell --resume --quiet -q --dry-run -- echo {opt} '|' cat"));
  EXPECT_EQ(s.space.params.size(), 5u);
  ASSERT_TRUE(s.space.params[1].condition);
  EXPECT_EQ(s.space.params[1].condition->parent, "opt");
  EXPECT_EQ(*s.space.params[1].step, 0.1);
  EXPECT_EQ(std::get<std::string>(s.space.params[2].fixed), "007");
  const auto& c = s.space.params[4].choices;
  EXPECT_TRUE(std::holds_alternative<std::int64_t>(c[0]));
  EXPECT_TRUE(std::holds_alternative<double>(c[1]));
  EXPECT_TRUE(std::holds_alternative<bool>(c[2]));
  EXPECT_TRUE(std::holds_alternative<std::string>(c[3]));
  EXPECT_EQ(s.sampler.options.at("seed"), 4);  // --sampler-opt wins over --seed
  EXPECT_EQ(*s.budget.energy_kwh, 0.5);
  EXPECT_EQ(*s.budget.co2e_kg, 0.2);
  EXPECT_EQ(*s.budget.wall_time_s, 60);
  EXPECT_FALSE(s.budget.trials);
  EXPECT_EQ(s.trial_timeout_s, 30);
  EXPECT_EQ(s.retries, 2);
  EXPECT_EQ(s.name, "demo");
  EXPECT_EQ(s.storage, "runs/demo.h5");
  EXPECT_EQ(s.meters, (Words{"rapl", "nvml"}));
  EXPECT_EQ(s.meter_interval_s, 0.25);
  EXPECT_EQ(s.carbon.region, "IE");
  EXPECT_EQ(s.carbon.pue, 1.2);
  EXPECT_EQ(*s.carbon.intensity_g_per_kwh, 300);
  EXPECT_EQ(s.carbon.intensity_csv, "g.csv");
  ASSERT_TRUE(s.pruner);
  EXPECT_EQ(s.pruner->type, "median");
  EXPECT_EQ(s.pruner->options.at("warmup_steps"), 2);
  ASSERT_EQ(s.early_stop.size(), 2u);
  EXPECT_EQ(s.early_stop[0].type, "hypervolume_plateau");
  EXPECT_EQ(s.early_stop[0].options.at("window"), 20);
  EXPECT_EQ(s.early_stop[0].options.at("min_improvement").get<double>(), 0.001);
  EXPECT_EQ(s.early_stop[1].key, "/early_stop/1");
  EXPECT_EQ(s.executor.type, "slurm");
  EXPECT_EQ(s.executor.options.at("partition"), "gpu");
  EXPECT_EQ(s.gpus_per_trial, 1);
  EXPECT_EQ(s.work_dir, "/tmp");
  EXPECT_EQ(s.env.at("A"), "b=c");
  EXPECT_TRUE(s.shell);
  EXPECT_EQ(s.command, Words{"echo {opt} | cat"});
  // Flags the CLI handles are not part of the recorded study.
  EXPECT_THAT(s.source_text, ::testing::Not(HasSubstr("--resume")));
  EXPECT_THAT(s.source_text, ::testing::Not(HasSubstr("--dry-run")));
}

TEST(SweepArgs, SeedGoesToTheSampler) {
  const StudySpec s = parse_sweep_args(words("-p x=float:0:1 --minimize x --seed 11 -- t {x}"));
  EXPECT_EQ(s.sampler.type, "random");
  EXPECT_EQ(s.sampler.options.at("seed"), 11);
}

void expect_flag_error(const std::string& line, const std::string& key, const std::string& fragment) {
  try {
    parse_sweep_args(words(line));
    ADD_FAILURE() << "no error for: " << line;
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.key(), key) << e.what();
    EXPECT_THAT(e.what(), HasSubstr(fragment));
  }
}

TEST(SweepArgs, BadFlags) {
  const std::string tail = " --minimize f -- t";
  expect_flag_error("-p lr=float:1e-4" + tail, "--param lr", "needs LOW:HIGH");
  expect_flag_error("-p lr=float:a:1" + tail, "--param lr", "LOW must be a number, got 'a'");
  expect_flag_error("-p lr=float:0:1:lgo" + tail, "--param lr", "unknown field 'lgo'");
  expect_flag_error("-p lr=flaot:0:1" + tail, "--param lr", "did you mean 'float'?");
  expect_flag_error("-p lr" + tail, "--param", "expected NAME=TYPE");
  expect_flag_error("-p act=choice:" + tail, "--param act", "needs values");
  expect_flag_error("-p m=float:0:1:when=opt" + tail, "--param m", "when=PARENT=VALUE");
  expect_flag_error("--trials many" + tail, "--trials", "expected a whole number, got 'many'");
  expect_flag_error("--parallel 1.5" + tail, "--parallel", "whole number");
  expect_flag_error("--pue high" + tail, "--pue", "expected a number, got 'high'");
  expect_flag_error("--trails 3" + tail, "--trails", "did you mean '--trials'?");
  expect_flag_error("--sampler-opt seed" + tail, "--sampler-opt", "expected KEY=VALUE");
  expect_flag_error("--sampler-opt a=1 --sampler-opt a=2" + tail, "--sampler-opt a", "given twice");
  expect_flag_error("--early-stop :window=3" + tail, "--early-stop", "TYPE[:key=value");
  expect_flag_error("--env =x" + tail, "--env", "NAME=VALUE");
  expect_flag_error("--seed -1" + tail, "--seed", ">= 0");
  expect_flag_error("-p x=float:0:1 --minimize f", "--", "give the trial command after --");
  expect_flag_error("-p x=float:0:1 --minimize f --", "--", "give the trial command after --");
  expect_flag_error("--trials -- t", "--trials", "needs a value");
  expect_flag_error("python3 t.py -- t", "python3", "the trial command goes after --");
}

TEST(SweepArgs, ParamFlagForms) {
  const ParamSpec f = parse_param_flag("x=fixed:1.5");
  EXPECT_EQ(f.kind, ParamKind::kFixed);
  EXPECT_EQ(std::get<double>(f.fixed), 1.5);
  const ParamSpec c = parse_param_flag("path=choice:a:b,c");  // ':' inside choices is fine
  EXPECT_EQ(c.choices, (std::vector<ParamValue>{std::string("a:b"), std::string("c")}));
  const ParamSpec i = parse_param_flag("n=int:-5:5:step=5");
  EXPECT_EQ(i.low, -5);
  EXPECT_EQ(*i.step, 5);
  EXPECT_THROW(parse_param_flag("x=fixed:"), ConfigError);
}

// validate_study on a sweep spec: the error names the word of the flag that set the key.
void expect_study_error(const std::string& line, const std::string& where_key,
                        const std::string& fragment) {
  const StudySpec s = parse_sweep_args(words(line));
  try {
    validate_study(s, registry());
    ADD_FAILURE() << "no error for: " << line;
  } catch (const StudyError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("<command line>: " + where_key, 0), 0u) << e.what();
    EXPECT_THAT(e.what(), HasSubstr(fragment));
  }
}

TEST(SweepArgs, ValidationPointsAtTheFlag) {
  expect_study_error("--minimize f -p lr=float:1:0 -- t {lr}", "word 4: /space/lr/low",
                     "low (1) is greater than high (0)");
  expect_study_error("-p x=float:0:1 -p x=int:0:3 --minimize f -- t", "word 4: /space/x",
                     "duplicate parameter name 'x'");
  expect_study_error("-p x=choice:a,b,a --minimize f -- t", "word 2: /space/x/choices/2",
                     "duplicate choice");
  expect_study_error("-p x=float:0:1 -- t {x}", "/objectives", "at least one objective");
  expect_study_error("-p x=float:0:1 --minimize f --minimize f -- t", "word 6: /objectives/1/name",
                     "duplicate objective");
  expect_study_error("-p x=float:0:1 --minimize f -- t {y}", "word 7: /command/1",
                     "placeholder {y} names no parameter");
  expect_study_error("-p x=float:0:1 --minimize f --parallel 0 -- t", "word 6: /parallel",
                     ">= 1");
  expect_study_error("-p x=float:0:1 --minimize f --meters rapl,nvm -- t", "word 6: /meters/1",
                     "did you mean 'nvml'?");
  expect_study_error("-p x=float:0:1 --minimize f --sampler-opt seeed=3 -- t",
                     "word 6: /sampler/seeed", "unknown option 'seeed'");
  expect_study_error("-p x=float:0:1 --minimize f --sampler tpee -- t", "word 6: /sampler/type",
                     "unknown sampler 'tpee'");
  expect_study_error("-p m=float:0:1:when=opt=sgd --minimize f -- t", "word 2: /space/m",
                     "unknown parameter 'opt'");
  expect_study_error("-p x=float:0:1 --minimize f --pue 0.5 -- t", "word 6: /carbon/pue", ">= 1");
}

TEST(SweepArgs, UsageHasExamples) {
  const std::string u = sweep_usage();
  EXPECT_THAT(u, HasSubstr("Examples:"));
  EXPECT_THAT(u, HasSubstr("-p lr=float:1e-4:0.1:log"));
  EXPECT_THAT(u, HasSubstr("--early-stop"));
  // Each example parses.
  std::size_t count = 0;
  for (std::size_t pos = u.find("  ecohpo sweep "); pos != std::string::npos;
       pos = u.find("  ecohpo sweep ", pos + 1)) {
    std::size_t end = u.find("\n\n", pos);
    std::string example = u.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
    Words w = words(example);
    ASSERT_GE(w.size(), 2u);
    w.erase(w.begin(), w.begin() + 2);
    EXPECT_NO_THROW(parse_sweep_args(w)) << example;
    ++count;
  }
  EXPECT_EQ(count, 3u);
}

}  // namespace
}  // namespace hpo
