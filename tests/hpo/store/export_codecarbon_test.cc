// CodeCarbon emissions.csv export over an in-memory StudyStore.
#include "hpo/store/export_codecarbon.h"
#include "hpo/store/memory_store.h"

#include <gtest/gtest.h>

#include <sstream>

namespace {

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> out;
  std::string cur;
  bool q = false;
  for (char c : line) {
    if (c == '"') q = !q;
    else if (c == ',' && !q) out.push_back(cur), cur.clear();
    else cur += c;
  }
  out.push_back(cur);
  return out;
}

TEST(ExportCodecarbon, ColumnsInCodecarbonOrderAndPueIncluded) {
  hpo::StudyInfo info;
  info.name = "mlp, digits";
  info.spec = {{"carbon", {{"region", "IE"}}}};
  hpo::Trial t;
  t.number = 3;
  t.state = hpo::TrialState::kComplete;
  t.end_unix_s = 1704103200.0;
  t.duration_s = 100.0;
  t.cpu_s = 50.0;
  t.sampler_kwh = 1e-6;
  t.energy.cpu_kwh = 0.002;
  t.energy.dram_kwh = 0.0005;
  t.energy.gpu_kwh = 0.001;
  t.energy.energy_kwh = 0.0035;
  t.energy.pue = 1.2;
  t.energy.co2e_kg = 0.001;
  t.energy.intensity_g_per_kwh = 290.8;
  t.energy.intensity_source = "region:IE";
  t.energy.energy_source = "rapl+nvml";
  t.energy.components = {{"gpu-0", "nvml-energy", 3600.0, false}};
  hpo::Trial running;
  running.number = 4;  // not exported
  const hpo::MemoryStore s(info, {t, running});

  std::ostringstream out;
  hpo::export_codecarbon_csv(s, out);
  std::istringstream in(out.str());
  std::string header, row, extra;
  std::getline(in, header);
  std::getline(in, row);
  EXPECT_FALSE(std::getline(in, extra));
  const auto h = split(header);
  const std::vector<std::string> first = {"timestamp", "project_name", "run_id", "experiment_id",
                                          "duration", "emissions", "emissions_rate", "cpu_power",
                                          "gpu_power", "ram_power", "cpu_energy", "gpu_energy",
                                          "ram_energy", "energy_consumed"};
  ASSERT_GE(h.size(), 38u);
  for (std::size_t i = 0; i < first.size(); ++i) EXPECT_EQ(h[i], first[i]);
  EXPECT_EQ(h[36], "pue");
  EXPECT_EQ(h[37], "wue");
  const auto r = split(row);
  ASSERT_EQ(r.size(), h.size());
  auto col = [&](const std::string& name) {
    for (std::size_t i = 0; i < h.size(); ++i)
      if (h[i] == name) return r[i];
    return std::string("<missing>");
  };
  EXPECT_EQ(col("timestamp"), "2024-01-01T10:00:00");
  EXPECT_EQ(col("project_name"), "mlp, digits");
  EXPECT_DOUBLE_EQ(std::stod(col("cpu_energy")), 0.002 * 1.2);
  EXPECT_DOUBLE_EQ(std::stod(col("ram_energy")), 0.0005 * 1.2);
  EXPECT_DOUBLE_EQ(std::stod(col("energy_consumed")), 0.0035 * 1.2);
  EXPECT_DOUBLE_EQ(std::stod(col("cpu_power")), 0.002 * 3.6e6 / 100.0);
  EXPECT_DOUBLE_EQ(std::stod(col("emissions")), 0.001);
  EXPECT_DOUBLE_EQ(std::stod(col("emissions_rate")), 0.001 / 100.0);
  EXPECT_EQ(col("region"), "IE");
  EXPECT_EQ(col("gpu_count"), "1");
  EXPECT_EQ(col("trial_number"), "3");
  EXPECT_EQ(col("intensity_source"), "region:IE");
  EXPECT_EQ(col("energy_source"), "rapl+nvml");
  EXPECT_EQ(col("run_id").size(), 36u);
}

}  // namespace
