#include "hpo/store/export.h"
#include "hpo/store/study_file.h"

#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/storage_test_util.h"

namespace hpo {
namespace {

using ::testing::HasSubstr;

StudyInfo two_objective_info() {
  StudyInfo info;
  info.name = "export";
  info.objectives = {{"accuracy", Direction::kMaximize}, {"energy_kwh", Direction::kMinimize}};
  info.param_names = {"lr", "act"};
  return info;
}

Trial trial(std::int64_t n, double acc, double kwh, TrialState state = TrialState::kComplete) {
  Trial t;
  t.number = n;
  t.state = state;
  t.params["lr"] = 0.1 / static_cast<double>(n + 1);
  t.params["act"] = std::string("relu");
  t.metrics["accuracy"] = acc;
  t.metrics["loss"] = 1.0 - acc;
  if (state == TrialState::kComplete) t.values = {acc, kwh};
  t.duration_s = 2.5;
  t.cpu_s = 2.0;
  t.sampler_s = 0.001;
  t.sampler_kwh = 1e-9;
  t.energy.energy_kwh = kwh;
  t.energy.cpu_kwh = kwh * 0.75;
  t.energy.dram_kwh = kwh * 0.25;
  t.energy.co2e_kg = kwh * 0.475;
  t.energy.intensity_g_per_kwh = 475;
  t.energy.intensity_source = "world-default";
  t.energy.energy_source = "estimate";
  t.energy.pue = 1.0;
  return t;
}

TEST(Export, CsvHeaderAndRowsWithParetoFlags) {
  StudyInfo info = two_objective_info();
  std::vector<Trial> ts{trial(0, 0.9, 2e-5), trial(1, 0.8, 3e-5), trial(2, 0.7, 1e-5),
                        trial(3, 0.95, 1e-6, TrialState::kFailed)};
  ts[3].reason = "exit status 1";
  ExportRows rows(info, ts);
  std::ostringstream out;
  export_csv(rows, out);
  std::istringstream in(out.str());
  std::string header, r0, r1, r2, r3;
  std::getline(in, header);
  std::getline(in, r0);
  std::getline(in, r1);
  std::getline(in, r2);
  std::getline(in, r3);
  EXPECT_EQ(header,
            "number,attempt,state,params.lr,params.act,values.accuracy,values.energy_kwh,"
            "metrics.loss,duration_s,cpu_s,sampler_s,energy_kwh,co2e_kg,pareto,energy_cpu_kwh,"
            "energy_dram_kwh,energy_gpu_kwh,sampler_kwh,energy_source,intensity_g_per_kwh,"
            "intensity_source,pue,reason");
  // Trial 1 is dominated by trial 0 (less accurate, more energy); 0 and 2 are on the front.
  EXPECT_EQ(r0,
            std::string("0,0,complete,0.1,relu,0.9,2e-05,0.09999999999999998,2.5,2,0.001,2e-05,9.5e-06,1,") +
                format_double(2e-5 * 0.75) + ",5e-06,0,1e-09,estimate,475,world-default,1,");
  EXPECT_THAT(r1, HasSubstr(",0," + format_double(3e-5 * 0.75) + ","));  // pareto 0, then energy_cpu_kwh
  EXPECT_THAT(r2, HasSubstr(",1," + format_double(1e-5 * 0.75) + ","));
  // A failed trial is never on the front, its values are empty, its reason is kept.
  EXPECT_EQ(r3.substr(0, 26), "3,0,failed,0.025,relu,,,0.");
  EXPECT_THAT(r3, HasSubstr(",0," + format_double(1e-6 * 0.75) + ","));
  EXPECT_THAT(r3, HasSubstr(",exit status 1"));
}

TEST(Export, CsvQuotingFollowsRfc4180) {
  EXPECT_EQ(csv_field("plain"), "plain");
  EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_field("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(csv_cell(ExportCell{}), "");
  EXPECT_EQ(csv_cell(ExportCell{true}), "true");
  EXPECT_EQ(csv_cell(ExportCell{0.1}), "0.1");
  EXPECT_EQ(csv_cell(ExportCell{std::int64_t{-3}}), "-3");

  StudyInfo info = two_objective_info();
  std::vector<Trial> ts{trial(0, 0.5, 1e-5, TrialState::kFailed)};
  ts[0].params["act"] = std::string("tanh, \"scaled\"");
  ts[0].reason = "exit status 2:\nTraceback";
  std::ostringstream out;
  export_csv(ExportRows(info, ts), out);
  EXPECT_THAT(out.str(), HasSubstr(",\"tanh, \"\"scaled\"\"\","));
  EXPECT_THAT(out.str(), HasSubstr(",\"exit status 2:\nTraceback\"\n"));
}

TEST(Export, JsonRowsHaveTheSameColumnsAndTypes) {
  StudyInfo info = two_objective_info();
  info.param_names.push_back("bn");
  std::vector<Trial> ts{trial(0, 0.9, 2e-5), trial(1, 0.8, 3e-5, TrialState::kPruned)};
  ts[0].params["bn"] = true;
  std::ostringstream out;
  ExportRows rows(info, ts);
  export_json(rows, out);
  const auto j = nlohmann::json::parse(out.str());
  ASSERT_TRUE(j.is_array());
  ASSERT_EQ(j.size(), 2u);
  EXPECT_EQ(j[0].size(), rows.columns().size());
  EXPECT_EQ(j[0]["params.bn"], true);
  EXPECT_TRUE(j[1]["params.bn"].is_null());
  EXPECT_EQ(j[0]["values.accuracy"], 0.9);
  EXPECT_TRUE(j[1]["values.accuracy"].is_null());
  EXPECT_EQ(j[0]["pareto"], 1);
  EXPECT_EQ(j[1]["pareto"], 0);
  EXPECT_EQ(j[1]["state"], "pruned");
  EXPECT_EQ(j[0]["energy_source"], "estimate");
  EXPECT_TRUE(j[0]["reason"].is_null());
}

TEST(Export, ExportsAStoredStudy) {
  testing::TempDir dir("export");
  StudyInfo info = two_objective_info();
  {
    auto store = open_study_file(dir / "s.h5", &info);
    store->trial_finished(trial(0, 0.9, 2e-5));
  }
  auto store = open_study_file_read_only(dir / "s.h5");
  std::ostringstream csv, json;
  export_csv(*store, csv);
  export_json(*store, json);
  EXPECT_THAT(csv.str(), HasSubstr("\n0,0,complete,0.1,relu,0.9,2e-05,"));
  EXPECT_EQ(nlohmann::json::parse(json.str())[0]["number"], 0);
}

}  // namespace
}  // namespace hpo
