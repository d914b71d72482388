// YAML study files: a full study loads with every key, its types and its locations; each
// bad input gives a StudyError that names the file, line, column and key.
#include "hpo/spec/study_yaml.h"

#include <cmath>
#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "hpo/core/options_reader.h"
#include "samplers/registry.h"

namespace hpo {
namespace {

using ::testing::HasSubstr;

// Samplers for real; a pruner, a stop rule and an executor whose factories only read and
// check their options (validation discards what the factory returns).
Registry test_registry() {
  Registry r;
  samplers::register_samplers(r);
  r.pruners["median"] = [](const ComponentSpec& s, const FactoryContext&) -> std::unique_ptr<Pruner> {
    OptionsReader o(s.options, s.key);
    if (o.integer("warmup_steps", 0) < 0) throw ConfigError(o.key("warmup_steps"), "must be >= 0");
    o.finish();
    return nullptr;
  };
  for (const char* rule : {"hypervolume_plateau", "no_improvement"})
    r.stop_rules[rule] = [](const ComponentSpec& s, const FactoryContext&) -> std::unique_ptr<StopRule> {
      OptionsReader o(s.options, s.key);
      o.integer("window", 10);
      o.integer("patience", 10);
      o.number("min_improvement", 0.01);
      o.finish();
      return nullptr;
    };
  for (const char* ex : {"local", "slurm"})
    r.executors[ex] = [](const ComponentSpec& s, const FactoryContext&) -> std::unique_ptr<Executor> {
      OptionsReader o(s.options, s.key);
      o.string("partition", "");
      o.strings("extra_args", {});
      o.finish();
      return nullptr;
    };
  return r;
}

const char* kGood = R"(name: mlp-digits
command: ["/usr/bin/python3", "train.py", "--lr", "{lr}", "--act", "{act}", "--epochs", 5, "--wd", 1.0e-4]
env: {OMP_NUM_THREADS: 1, MODE: "fast"}
space:
  lr:  {type: float, low: 1.0e-4, high: 0.1, log: true}
  width: {type: int, low: 16, high: 512, log: true}
  act: {type: categorical, choices: [relu, tanh]}
  mixed: {type: categorical, choices: [1, 2.5, true, "1"]}
  momentum: {type: float, low: 0.0, high: 0.99, step: 0.01, when: {optimizer: sgd}}
  optimizer: [sgd, adam]
  nesterov: {type: categorical, choices: [true, false], condition: {parent: optimizer, values: [sgd]}}
  epochs: 5
  dropout: {type: fixed, value: 0.1}
  tag: {value: "007"}
objectives:
  - {name: accuracy, direction: maximize}
  - name: energy_kwh
    direction: minimize
sampler: {type: random}
seed: 7
budget: {trials: 50, energy_kwh: 0.5, co2e_kg: 0.2, wall_time_s: 7200}
parallel: 2
trial_timeout_s: 600
retries: 1
storage: runs/mlp-digits.h5
meters: [rapl, nvml]
meter_interval_s: 0.5
gpus_per_trial: 1
carbon: {region: IE, pue: 1.2, intensity_g_per_kwh: 300, embodied: {hardware_kg: 1500, lifetime_years: 4, share: 0.5}}
pruner: {type: median, warmup_steps: 2}
early_stop:
  - {type: hypervolume_plateau, window: 20, min_improvement: 0.001}
  - {rule: no_improvement, patience: 10}
executor: {type: slurm, partition: gpu, extra_args: ["--account=ml"]}
)";

TEST(StudyYaml, FullStudyLoadsWithTypes) {
  const StudySpec s = load_study_yaml_text(kGood, "good.yaml", test_registry());
  EXPECT_EQ(s.name, "mlp-digits");
  EXPECT_EQ(s.command, (std::vector<std::string>{"/usr/bin/python3", "train.py", "--lr", "{lr}",
                                                 "--act", "{act}", "--epochs", "5", "--wd", "1.0e-4"}));
  EXPECT_EQ(s.env.at("OMP_NUM_THREADS"), "1");
  EXPECT_EQ(s.env.at("MODE"), "fast");
  ASSERT_EQ(s.space.params.size(), 10u);
  const ParamSpec* lr = s.space.find("lr");
  ASSERT_TRUE(lr);
  EXPECT_EQ(lr->kind, ParamKind::kFloat);
  EXPECT_EQ(lr->low, 1.0e-4);
  EXPECT_EQ(lr->high, 0.1);
  EXPECT_TRUE(lr->log);
  EXPECT_EQ(s.space.find("width")->kind, ParamKind::kInt);
  EXPECT_EQ(s.space.find("width")->high, 512);
  const ParamSpec* mixed = s.space.find("mixed");
  ASSERT_EQ(mixed->choices.size(), 4u);
  EXPECT_TRUE(std::holds_alternative<std::int64_t>(mixed->choices[0]));
  EXPECT_TRUE(std::holds_alternative<double>(mixed->choices[1]));
  EXPECT_TRUE(std::holds_alternative<bool>(mixed->choices[2]));
  EXPECT_EQ(std::get<std::string>(mixed->choices[3]), "1");  // quoted: a string
  const ParamSpec* opt = s.space.find("optimizer");
  EXPECT_EQ(opt->kind, ParamKind::kCategorical);
  // momentum was written before its parent; the loader puts parents first.
  auto index_of = [&](const std::string& n) { return s.space.find(n) - s.space.params.data(); };
  EXPECT_LT(index_of("optimizer"), index_of("momentum"));
  const ParamSpec* mom = s.space.find("momentum");
  ASSERT_TRUE(mom->condition);
  EXPECT_EQ(mom->condition->parent, "optimizer");
  EXPECT_EQ(std::get<std::string>(mom->condition->values.at(0)), "sgd");
  EXPECT_EQ(*mom->step, 0.01);
  EXPECT_EQ(s.space.find("nesterov")->condition->parent, "optimizer");
  EXPECT_EQ(s.space.find("epochs")->kind, ParamKind::kFixed);
  EXPECT_EQ(std::get<std::int64_t>(s.space.find("epochs")->fixed), 5);
  EXPECT_EQ(std::get<double>(s.space.find("dropout")->fixed), 0.1);
  EXPECT_EQ(std::get<std::string>(s.space.find("tag")->fixed), "007");
  ASSERT_EQ(s.objectives.size(), 2u);
  EXPECT_EQ(s.objectives[0].name, "accuracy");
  EXPECT_EQ(s.objectives[0].direction, Direction::kMaximize);
  EXPECT_EQ(s.objectives[1].direction, Direction::kMinimize);
  EXPECT_EQ(s.sampler.type, "random");
  EXPECT_EQ(s.sampler.key, "/sampler");
  EXPECT_EQ(s.sampler.options.at("seed"), 7);  // the study seed becomes the sampler's
  EXPECT_EQ(*s.budget.trials, 50);
  EXPECT_EQ(*s.budget.energy_kwh, 0.5);
  EXPECT_EQ(*s.budget.co2e_kg, 0.2);
  EXPECT_EQ(*s.budget.wall_time_s, 7200);
  EXPECT_EQ(s.parallel, 2);
  EXPECT_EQ(s.trial_timeout_s, 600);
  EXPECT_EQ(s.retries, 1);
  EXPECT_EQ(s.storage, "runs/mlp-digits.h5");
  EXPECT_EQ(s.meters, (std::vector<std::string>{"rapl", "nvml"}));
  EXPECT_EQ(s.meter_interval_s, 0.5);
  EXPECT_EQ(s.gpus_per_trial, 1);
  EXPECT_EQ(s.carbon.region, "IE");
  EXPECT_EQ(s.carbon.pue, 1.2);
  EXPECT_EQ(*s.carbon.intensity_g_per_kwh, 300);
  ASSERT_TRUE(s.carbon.embodied);
  EXPECT_EQ(s.carbon.embodied->hardware_kg, 1500);
  EXPECT_EQ(s.carbon.embodied->share, 0.5);
  ASSERT_TRUE(s.pruner);
  EXPECT_EQ(s.pruner->type, "median");
  EXPECT_EQ(s.pruner->options.at("warmup_steps"), 2);
  ASSERT_EQ(s.early_stop.size(), 2u);
  EXPECT_EQ(s.early_stop[0].key, "/early_stop/0");
  EXPECT_TRUE(s.early_stop[0].options.at("min_improvement").is_number_float());
  EXPECT_EQ(s.early_stop[1].type, "no_improvement");
  EXPECT_EQ(s.early_stop[1].key, "/early_stop/1");
  EXPECT_FALSE(s.early_stop[1].options.contains("rule"));
  EXPECT_EQ(s.executor.type, "slurm");
  EXPECT_EQ(s.executor.options.at("extra_args").at(0), "--account=ml");
  EXPECT_EQ(s.source_text, kGood);
  EXPECT_EQ(s.source_path, "good.yaml");
}

TEST(StudyYaml, RecordsKeyLocations) {
  const StudySpec s = parse_study_yaml_text(kGood, "good.yaml");
  auto loc = [&](const std::string& key) {
    const SourceLocation l = s.locate(key);
    return l.file + ":" + std::to_string(l.line) + ":" + std::to_string(l.column);
  };
  EXPECT_EQ(loc("/name"), "good.yaml:1:1");
  EXPECT_EQ(loc("/space/lr"), "good.yaml:5:3");
  EXPECT_EQ(loc("/space/lr/low"), "good.yaml:5:22");
  EXPECT_EQ(loc("/objectives/0/direction"), "good.yaml:16:22");
  EXPECT_EQ(loc("/objectives/1/direction"), "good.yaml:18:5");
  EXPECT_EQ(loc("/objectives/1"), "good.yaml:17:5");
  EXPECT_EQ(loc("/command/3"), "good.yaml:2:51");
  EXPECT_EQ(loc("/sampler/seed"), "good.yaml:20:1");  // from the study-wide seed
  EXPECT_EQ(loc("/space/momentum/condition/parent"), "good.yaml:9:68");
  EXPECT_EQ(loc("/early_stop/1/type"), "good.yaml:33:6");  // written as rule:
  EXPECT_EQ(loc("/sampler/gamma"), "good.yaml:19:1");      // falls back to the nearest key
}

TEST(StudyYaml, DefaultsAndShortForms) {
  const StudySpec s = load_study_yaml_text(R"(command: python3 t.py --x {x} --name 'a b'
space: {x: [1, 2]}
objectives: [{name: y, direction: min}]
sampler: random
pruner: none
)", "dir/short.yaml", test_registry());
  EXPECT_EQ(s.name, "short");  // the file's stem
  EXPECT_EQ(s.command, (std::vector<std::string>{"python3", "t.py", "--x", "{x}", "--name", "a b"}));
  EXPECT_EQ(s.storage, "runs/short.h5");
  EXPECT_EQ(s.meters, std::vector<std::string>{"auto"});
  EXPECT_EQ(s.parallel, 1);
  EXPECT_EQ(s.executor.type, "local");
  EXPECT_FALSE(s.pruner);
  EXPECT_EQ(s.space.params.at(0).kind, ParamKind::kCategorical);
  EXPECT_FALSE(s.sampler.options.contains("seed"));
}

TEST(StudyYaml, ShellCommandStaysOneString) {
  const StudySpec s = load_study_yaml_text(R"(command: "python3 t.py {x} | tee out.log"
shell: true
space: {x: {type: int, low: 1, high: 3}}
objectives: [{name: y, direction: maximize}]
)", "sh.yaml", test_registry());
  EXPECT_TRUE(s.shell);
  EXPECT_EQ(s.command, std::vector<std::string>{"python3 t.py {x} | tee out.log"});
}

TEST(StudyYaml, LoadsFromFileAndReportsMissingFile) {
  const auto dir = std::filesystem::temp_directory_path() / "ecohpo_study_yaml_test";
  std::filesystem::create_directories(dir);
  const auto path = dir / "f.yaml";
  {
    std::ofstream out(path);
    out << "command: [a, '{x}']\nspace: {x: 1}\nobjectives: [{name: y, direction: max}]\n";
  }
  const StudySpec s = load_study_yaml(path, test_registry());
  EXPECT_EQ(s.name, "f");
  EXPECT_EQ(s.source_path, path.string());
  try {
    load_study_yaml(dir / "nope.yaml", test_registry());
    FAIL() << "no error";
  } catch (const StudyError& e) {
    EXPECT_THAT(e.what(), HasSubstr("nope.yaml"));
    EXPECT_THAT(e.what(), HasSubstr("cannot read"));
  }
  std::filesystem::remove_all(dir);
}

// ---- bad inputs ---------------------------------------------------------------------------

const char* kHead = "command: [python3, t.py, '{x}']\n";                 // line 1
const char* kSpace = "space:\n  x: {type: float, low: 0, high: 1}\n";  // lines 2-3
const char* kObj = "objectives: [{name: y, direction: minimize}]\n";   // line 4 (after space)

std::string study(const std::string& extra) { return std::string(kHead) + kSpace + kObj + extra; }

// Loads `yaml` as s.yaml, expects a StudyError whose what() starts "s.yaml:POS: KEY: " and
// whose message contains `fragment`.
void expect_error(const std::string& yaml, const std::string& pos, const std::string& key,
                  const std::string& fragment) {
  try {
    load_study_yaml_text(yaml, "s.yaml", test_registry());
    ADD_FAILURE() << "no error for:\n" << yaml;
  } catch (const StudyError& e) {
    const std::string prefix =
        "s.yaml" + (pos.empty() ? "" : ":" + pos) + ": " + (key.empty() ? "" : key + ": ");
    EXPECT_EQ(std::string(e.what()).substr(0, prefix.size()), prefix) << e.what();
    EXPECT_THAT(e.what(), HasSubstr(fragment));
    EXPECT_EQ(e.key(), key);
  }
}

TEST(StudyYamlErrors, YamlSyntax) {
  expect_error("command: [a, b\nspace: {}\n", "2:6", "", "YAML syntax error");
}

TEST(StudyYamlErrors, UnknownTopLevelKeySuggests) {
  expect_error(study("parallell: 2\n"), "5:1", "/parallell", "did you mean 'parallel'?");
}

TEST(StudyYamlErrors, UnknownNestedKeySuggests) {
  expect_error(study("budget: {trails: 3}\n"), "5:10", "/budget/trails", "did you mean 'trials'?");
  expect_error(study("carbon: {pue: 1.1, regoin: IE}\n"), "5:20", "/carbon/regoin", "allowed:");
}

TEST(StudyYamlErrors, DuplicateKeyIsDuplicateParameter) {
  expect_error(std::string(kHead) + "space:\n  x: 1\n  x: 2\n" + kObj, "4:3", "/space/x",
               "duplicate key 'x' (first given at line 3)");
}

TEST(StudyYamlErrors, WrongTypes) {
  expect_error(study("parallel: two\n"), "5:1", "/parallel", "expected an integer, got a string");
  expect_error(study("parallel: 2.5\n"), "5:1", "/parallel", "expected an integer");
  expect_error(std::string(kHead) + "space:\n  x: {type: float, low: a, high: 1}\n" + kObj, "3:20",
               "/space/x/low", "expected a number");
  expect_error(study("budget: {trials: '10'}\n"), "5:10", "/budget/trials", "expected an integer");
  expect_error(study("shell: yes\n"), "5:1", "/shell", "expected true or false");
  expect_error(study("budget: 5\n"), "5:1", "/budget", "expected a mapping");
}

TEST(StudyYamlErrors, BadParameters) {
  auto with = [](const std::string& def) {
    return std::string(kHead) + "space:\n  x: " + def + "\n" + kObj;
  };
  expect_error(with("{type: float, low: 1, high: 0}"), "3:20", "/space/x/low",
               "low (1) is greater than high (0)");
  expect_error(with("{type: float, low: 0, high: 1, log: true}"), "3:20", "/space/x/low",
               "log: true needs low > 0");
  expect_error(with("{type: float, low: 0, high: 1, step: 0}"), "3:37", "/space/x/step",
               "step must be > 0");
  expect_error(with("{type: int, low: 0.5, high: 4}"), "3:18", "/space/x/low", "whole-number");
  expect_error(with("{type: categorical, choices: []}"), "3:26", "/space/x/choices",
               "at least one value");
  expect_error(with("{type: categorical, choices: [a, b, a]}"), "3:42", "/space/x/choices/2",
               "duplicate choice 'a'");
  expect_error(with("{type: categorical, choices: [1, 1.0]}"), "3:39", "/space/x/choices/1",
               "duplicate choice");
  expect_error(with("{type: flaot, low: 0, high: 1}"), "3:7", "/space/x/type",
               "did you mean 'float'?");
  expect_error(with("{type: float, low: 0, high: 1, choices: [a]}"), "3:37", "/space/x/choices",
               "does not apply to a float parameter");
  expect_error(with("{type: float, low: 0}"), "3:3", "/space/x", "needs low and high");
  expect_error(with("{low: 0, high: 1}"), "3:3", "/space/x", "needs type");
  expect_error(with("{type: float, low: 0, high: 1, lgo: true}"), "3:37", "/space/x/lgo",
               "did you mean 'log'?");
  expect_error(with("~"), "3:3", "/space/x", "has no definition");
  expect_error(std::string(kHead) + "space:\n  my x: 1\n" + kObj, "3:3", "/space/my x",
               "not a valid parameter name");
}

TEST(StudyYamlErrors, BadConditions) {
  const std::string head = std::string(kHead) + "space:\n  x: 1\n  optimizer: [sgd, adam]\n";
  // line 5:   "  m: {type: float, low: 0, high: 1, when: {optimiser: sgd}}"
  //   columns: when at 37, its parent key at 44
  expect_error(head + "  m: {type: float, low: 0, high: 1, when: {optimiser: sgd}}\n" + kObj,
               "5:44", "/space/m/condition/parent", "did you mean 'optimizer'?");
  expect_error(head + "  m: {type: float, low: 0, high: 1, when: {optimizer: rmsprop}}\n" + kObj,
               "5:44", "/space/m/condition/values",
               "'rmsprop' is not a possible value of 'optimizer'");
  expect_error(head + "  m: {type: float, low: 0, high: 1, when: {optimizer: [sgd, 3]}}\n" + kObj,
               "5:44", "/space/m/condition/values", "'3' is not a possible value");
  expect_error(head + "  m: {type: float, low: 0, high: 1, condition: {parent: nope, values: [a]}}\n" +
                   kObj,
               "5:49", "/space/m/condition/parent", "unknown parameter 'nope'");
  expect_error(head + "  m: {type: float, low: 0, high: 1, when: {optimizer: sgd, x: 1}}\n" + kObj,
               "5:37", "/space/m/when", "exactly one parent");
  expect_error(head + "  m: {value: 1, when: {m: 1}}\n" + kObj, "5:24", "/space/m/condition/parent",
               "cannot depend on itself");
  expect_error(head + "  a: {value: 1, when: {b: 1}}\n  b: {value: 1, when: {a: 1}}\n" + kObj, "5:17",
               "/space/a/condition", "cycle");
}

TEST(StudyYamlErrors, Objectives) {
  const std::string head = std::string(kHead) + kSpace;
  expect_error(head + "objectives: [{name: y}]\n", "4:14", "/objectives/0",
               "needs direction: minimize or maximize");
  expect_error(head + "objectives: [{name: y, direction: up}]\n", "4:24", "/objectives/0/direction",
               "allowed: minimize, maximize");
  expect_error(head + "objectives: [y]\n", "4:14", "/objectives/0", "needs a direction");
  expect_error(head + "objectives: [{name: y, direction: min}, {name: y, direction: max}]\n", "4:42",
               "/objectives/1/name", "duplicate objective 'y'");
  expect_error(head + "objectives: []\n", "4:1", "/objectives", "at least one objective");
  expect_error(head, "1:1", "/objectives", "needs objectives");
}

TEST(StudyYamlErrors, Command) {
  const std::string rest = std::string(kSpace) + kObj;
  expect_error("name: a\n" + rest, "1:1", "/command", "needs command");
  expect_error("command: []\n" + rest, "1:1", "/command", "the command is empty");
  expect_error("command: [python3, '--lr={lrr}']\n" + rest, "1:20", "/command/1",
               "placeholder {lrr} names no parameter (parameters: x)");
  expect_error("command: [python3, '{y}']\n" + rest, "1:20", "/command/1",
               "placeholder {y} names no parameter");
  expect_error("command: [python3, '{x']\n" + rest, "1:20", "/command/1", "unclosed '{'");
  expect_error("command: \"python3 'unterminated\"\n" + rest, "1:1", "/command",
               "unterminated single quote");
  expect_error("command: [a, b]\nshell: true\n" + rest, "1:1", "/command",
               "with shell: true the command is one string");
}

TEST(StudyYamlErrors, Numbers) {
  expect_error(study("parallel: 0\n"), "5:1", "/parallel", "parallel must be >= 1 (got 0)");
  expect_error(study("trial_timeout_s: -1\n"), "5:1", "/trial_timeout_s", "must be >= 0");
  expect_error(study("retries: -2\n"), "5:1", "/retries", "retries must be >= 0 (got -2)");
  expect_error(study("budget: {energy_kwh: -0.5}\n"), "5:10", "/budget/energy_kwh", "must be > 0");
  expect_error(study("budget: {trials: 0}\n"), "5:10", "/budget/trials", "trials must be >= 1");
  expect_error(study("gpus_per_trial: -1\n"), "5:1", "/gpus_per_trial", "must be >= 0");
  expect_error(study("meter_interval_s: 0\n"), "5:1", "/meter_interval_s", "must be > 0");
  expect_error(study("seed: -3\n"), "5:1", "/seed", "must be >= 0");
}

TEST(StudyYamlErrors, CarbonAndMeters) {
  expect_error(study("carbon: {pue: 0.9}\n"), "5:10", "/carbon/pue", "pue must be >= 1 (got 0.9)");
  expect_error(study("carbon: {embodied: {share: 2}}\n"), "5:21", "/carbon/embodied/share",
               "share must be in (0, 1]");
  expect_error(study("carbon: {intensity_csv: /nonexistent/grid.csv}\n"), "5:10",
               "/carbon/intensity_csv", "carbon.intensity_csv");
  expect_error(study("carbon: {intensity_csv: 3}\n"), "5:10", "/carbon/intensity_csv",
               "expected a string");
  expect_error(study("meters: [rapl, rap1]\n"), "5:16", "/meters/1",
               "unknown meter 'rap1'; did you mean 'rapl'?");
  expect_error(study("meters: [auto, nvml]\n"), "5:10", "/meters/0", "either auto or explicit");
  expect_error(study("meters: [rapl, rapl]\n"), "5:16", "/meters/1", "listed twice");
}

TEST(StudyYamlErrors, ComponentsThroughRegistry) {
  expect_error(study("sampler: {type: random, seeed: 3}\n"), "5:25", "/sampler/seeed",
               "unknown option 'seeed'");
  expect_error(study("sampler: {type: rnadom}\n"), "5:11", "/sampler/type",
               "unknown sampler 'rnadom'; known: ");
  expect_error(study("sampler: {seed: 3}\n"), "5:1", "/sampler", "needs type");
  expect_error(study("pruner: {type: median, warmup_steps: -1}\n"), "5:24", "/pruner/warmup_steps",
               "must be >= 0");
  expect_error(study("early_stop:\n  - {type: no_improvement, patience: 3}\n  - {rule: "
                     "hypervolume_plateau, windw: 5}\n"),
               "7:33", "/early_stop/1/windw", "unknown option 'windw'");
  expect_error(study("early_stop: [{rule: plateau}]\n"), "5:15", "/early_stop/0/type",
               "unknown stop rule 'plateau'");
  expect_error(study("executor: {type: slurm, partiton: gpu}\n"), "5:25", "/executor/partiton",
               "unknown option");
  expect_error(study("executor: kubernetes\n"), "5:1", "/executor/type", "unknown executor");
}

TEST(StudyYamlErrors, LocatedErrorForLaterComponentErrors) {
  const StudySpec s = parse_study_yaml_text(study("sampler: {type: random, gamma: 2}\n"), "s.yaml");
  const StudyError e = located_error(s, ConfigError("/sampler/gamma", "no gamma here"));
  EXPECT_STREQ(e.what(), "s.yaml:5:25: /sampler/gamma: no gamma here");
}

TEST(StudyYamlErrors, NotAStudy) {
  expect_error("", "1:1", "", "the study is empty");
  expect_error("- a\n- b\n", "1:1", "", "a study is a mapping");
  expect_error("a: 1\n---\nb: 2\n", "", "", "2 YAML documents");
}

TEST(StudyYamlErrors, RegistryWithoutAKindSkipsIt) {
  // Only samplers registered: an executor type nobody registered is left to the CLI's registry.
  Registry r;
  samplers::register_samplers(r);
  EXPECT_NO_THROW(load_study_yaml_text(study("executor: {type: anything, x: 1}\n"), "s.yaml", r));
  EXPECT_THROW(load_study_yaml_text(study("sampler: {type: nope}\n"), "s.yaml", r), StudyError);
}

}  // namespace
}  // namespace hpo
