// StudySpec <-> JSON round trip: every field, value types and doubles preserved exactly.
#include "hpo/spec/spec_json.h"

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

#include "hpo/spec/study_yaml.h"

namespace hpo {
namespace {

StudySpec full_spec() {
  StudySpec s;
  s.name = "round-trip";
  s.command = {"python3", "t.py", "--lr", "{lr}"};
  s.shell = false;
  s.work_dir = "/tmp/w";
  s.env = {{"A", "1"}, {"B", "x y"}};
  ParamSpec lr{"lr", ParamKind::kFloat, 1e-4, 0.1, true};
  ParamSpec w{"w", ParamKind::kInt, 16, 512};
  w.step = 16;
  ParamSpec third{"third", ParamKind::kFloat, 1.0 / 3.0, 2.0 / 3.0};
  third.step = 0.1 / 3.0;
  ParamSpec opt{"opt", ParamKind::kCategorical};
  opt.choices = {std::string("sgd"), std::string("adam"), std::int64_t{1}, 1.0, true,
                 std::string("1")};
  ParamSpec fixed{"epochs", ParamKind::kFixed};
  fixed.fixed = std::int64_t{5};
  ParamSpec mom{"mom", ParamKind::kFloat, 0.0, 0.99};
  mom.condition = Condition{"opt", {std::string("sgd"), std::int64_t{1}}};
  s.space.params = {lr, w, third, opt, fixed, mom};
  s.objectives = {{"accuracy", Direction::kMaximize}, {"energy_kwh", Direction::kMinimize}};
  s.sampler = ComponentSpec{"tpe", {{"seed", 7}, {"gamma", 0.1 + 0.2}, {"multivariate", true}}, "/sampler"};
  s.budget.trials = 50;
  s.budget.energy_kwh = 0.1 + 0.2;
  s.budget.wall_time_s = 7200;
  s.parallel = 3;
  s.trial_timeout_s = 12.5;
  s.retries = 2;
  s.storage = "runs/x.h5";
  s.meters = {"rapl", "nvml"};
  s.meter_interval_s = 0.1;
  s.gpus_per_trial = 2;
  s.carbon.intensity_g_per_kwh = 123.456;
  s.carbon.intensity_csv = "grid.csv";
  s.carbon.region = "IE";
  s.carbon.pue = 1.2;
  s.carbon.embodied = CarbonSpec::Embodied{1500, 4, 0.25};
  s.pruner = ComponentSpec{"median", {{"warmup_steps", 2}}, "/pruner"};
  s.early_stop = {ComponentSpec{"no_improvement", {{"patience", 10}}, "/early_stop/0"},
                  ComponentSpec{"marginal_gain", {{"per", 0.05}, {"metric", "accuracy"}}, "/early_stop/1"}};
  s.executor = ComponentSpec{"slurm", {{"extra_args", {"--qos=normal"}}}, "/executor"};
  s.source_text = "name: round-trip\n...";
  s.source_path = "x.yaml";
  s.locations["/space/lr/low"] = SourceLocation{"x.yaml", 4, 22};
  return s;
}

void expect_same(const StudySpec& a, const StudySpec& b) {
  // The JSON form compares every field; the checks below pin types and bits directly.
  EXPECT_EQ(spec_to_json(a), spec_to_json(b));
  ASSERT_EQ(a.space.params.size(), b.space.params.size());
  for (std::size_t i = 0; i < a.space.params.size(); ++i) {
    const auto &p = a.space.params[i], &q = b.space.params[i];
    EXPECT_EQ(p.name, q.name);
    EXPECT_EQ(p.kind, q.kind);
    EXPECT_EQ(p.low, q.low);
    EXPECT_EQ(p.high, q.high);
    EXPECT_EQ(p.log, q.log);
    EXPECT_EQ(p.step, q.step);
    ASSERT_EQ(p.choices.size(), q.choices.size());
    for (std::size_t k = 0; k < p.choices.size(); ++k) EXPECT_EQ(p.choices[k], q.choices[k]);  // type + value
    EXPECT_EQ(p.fixed, q.fixed);
    ASSERT_EQ(bool(p.condition), bool(q.condition));
    if (p.condition) EXPECT_EQ(p.condition->values, q.condition->values);
  }
}

TEST(SpecJson, RoundTripsEveryField) {
  const StudySpec s = full_spec();
  const StudySpec back = spec_from_json(spec_to_json(s));
  expect_same(s, back);
  EXPECT_EQ(back.name, s.name);
  EXPECT_EQ(back.command, s.command);
  EXPECT_EQ(back.env, s.env);
  EXPECT_EQ(back.sampler.options.at("gamma").get<double>(), 0.1 + 0.2);
  EXPECT_EQ(*back.budget.energy_kwh, 0.1 + 0.2);
  EXPECT_FALSE(back.budget.co2e_kg);
  EXPECT_EQ(back.carbon.embodied->share, 0.25);
  EXPECT_EQ(back.pruner->key, "/pruner");
  EXPECT_EQ(back.early_stop.at(1).options.at("metric"), "accuracy");
  EXPECT_EQ(back.locations.at("/space/lr/low").column, 22);
  EXPECT_EQ(back.source_text, s.source_text);
  EXPECT_EQ(back.storage, s.storage);
}

TEST(SpecJson, RoundTripsThroughText) {
  // The study file stores the dumped text; doubles must survive printing and parsing.
  const StudySpec s = full_spec();
  const StudySpec back = spec_from_json(nlohmann::json::parse(spec_to_json(s).dump()));
  expect_same(s, back);
  EXPECT_EQ(back.space.params[2].low, 1.0 / 3.0);
  EXPECT_EQ(*back.space.params[2].step, 0.1 / 3.0);
  EXPECT_EQ(*back.carbon.intensity_g_per_kwh, 123.456);
  EXPECT_TRUE(std::holds_alternative<double>(back.space.params[3].choices[3]));
  EXPECT_TRUE(std::holds_alternative<std::int64_t>(back.space.params[3].choices[2]));
}

TEST(SpecJson, YamlStudyRoundTrips) {
  const StudySpec s = parse_study_yaml_text(R"(name: y
command: [t, '{a}', '{b}']
space:
  a: {type: float, low: 0.1, high: 0.7, step: 0.2}
  b: {type: categorical, choices: [1, "1", 1.5, false]}
objectives: [{name: f, direction: max}]
seed: 3
)", "y.yaml");
  const StudySpec back = spec_from_json(nlohmann::json::parse(spec_to_json(s).dump()));
  expect_same(s, back);
  EXPECT_EQ(back.locations.size(), s.locations.size());
  EXPECT_EQ(back.sampler.options.at("seed"), 3);
}

TEST(SpecJson, IntBoundsAreWrittenAsIntegers) {
  const auto j = param_spec_to_json(ParamSpec{"w", ParamKind::kInt, 16, 512, true});
  EXPECT_TRUE(j.at("low").is_number_integer());
  EXPECT_EQ(j.at("type"), "int");
  EXPECT_TRUE(param_spec_to_json(ParamSpec{"x", ParamKind::kFloat, 0, 1}).at("low").is_number_float());
}

TEST(SpecJson, ResolvedFormLeavesOutSource) {
  const auto j = resolved_spec_json(full_spec());
  EXPECT_FALSE(j.contains("source_text"));
  EXPECT_FALSE(j.contains("locations"));
  EXPECT_EQ(j.at("space").size(), 6u);
  EXPECT_EQ(j.at("objectives").at(0).at("direction"), "maximize");
}

TEST(SpecJson, BadJsonIsInvalidArgument) {
  EXPECT_THROW(spec_from_json(nlohmann::json::array()), std::invalid_argument);
  auto j = spec_to_json(full_spec());
  j.erase("sampler");
  EXPECT_THROW(spec_from_json(j), std::invalid_argument);
  j = spec_to_json(full_spec());
  j["space"][0]["type"] = "complex";
  EXPECT_THROW(spec_from_json(j), std::invalid_argument);
  j = spec_to_json(full_spec());
  j["name"] = 5;
  EXPECT_THROW(spec_from_json(j), std::invalid_argument);
  j = spec_to_json(full_spec());
  j["objectives"][0]["direction"] = "sideways";
  EXPECT_THROW(spec_from_json(j), std::invalid_argument);
}

}  // namespace
}  // namespace hpo
