// Carbon accounting: fixed, CSV series integrated against the power trace, region tables,
// world default, PUE, SCI embodied share, and bad input naming file and line.
#include "hpo/carbon/carbon.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "hpo/core/config_error.h"

namespace {

using hpo::CarbonAccountant;
using hpo::CarbonSpec;

std::string temp_file(const std::string& name, const std::string& text) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("ecohpo-carbon-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const auto p = (dir / name).string();
  std::ofstream(p) << text;
  return p;
}

hpo::TrialEnergy energy(double kwh, std::vector<meters::PowerSample> trace = {}) {
  hpo::TrialEnergy e;
  e.energy_kwh = kwh;
  e.trace = std::move(trace);
  return e;
}

TEST(Carbon, FixedIntensityAndPue) {
  CarbonSpec s;
  s.intensity_g_per_kwh = 300.0;
  s.pue = 1.5;
  CarbonAccountant c(s);
  auto e = energy(2.0);
  c.account(e, 1000, 2000);
  EXPECT_DOUBLE_EQ(e.co2e_kg, 2.0 * 1.5 * 300.0 / 1000.0);
  EXPECT_EQ(e.intensity_source, "fixed");
  EXPECT_DOUBLE_EQ(e.intensity_g_per_kwh, 300.0);
  EXPECT_DOUBLE_EQ(e.pue, 1.5);
  EXPECT_TRUE(c.warnings().empty());
}

TEST(Carbon, WorldDefaultWarns) {
  CarbonAccountant c(CarbonSpec{});
  auto e = energy(1.0);
  c.account(e, 0, 10);
  EXPECT_DOUBLE_EQ(e.intensity_g_per_kwh, 475.0);
  EXPECT_EQ(e.intensity_source, "world-default");
  EXPECT_DOUBLE_EQ(e.pue, 1.0);
  ASSERT_EQ(c.warnings().size(), 1u);
  EXPECT_NE(c.warnings()[0].find("475"), std::string::npos);
}

TEST(Carbon, CsvSeriesIsIntegratedAgainstThePowerTrace) {
  // 100 g/kWh until 10:00:30 UTC, then 400 g/kWh.
  const auto path = temp_file("grid.csv",
                              "timestamp,g_per_kwh\n"
                              "2024-01-01T10:00:00Z,100\n"
                              "2024-01-01T10:00:30Z,400\n");
  CarbonSpec s;
  s.intensity_csv = path;
  CarbonAccountant c(s);
  const double t0 = 1704103200.0;  // 2024-01-01T10:00:00Z
  // 60 s trial: 10 W for the first 30 s (300 J at 100 g), 30 W after (900 J at 400 g).
  auto e = energy(1200.0 / 3.6e6, {{30.0, 10.0}, {60.0, 30.0}});
  c.account(e, t0, t0 + 60);
  const double expected_g = (300.0 * 100 + 900.0 * 400) / 3.6e6;
  EXPECT_NEAR(e.co2e_kg, expected_g / 1000.0, 1e-15);
  EXPECT_NEAR(e.intensity_g_per_kwh, (300.0 * 100 + 900.0 * 400) / 1200.0, 1e-9);
  EXPECT_EQ(e.intensity_source, "csv:" + path);
  // Without a trace: the time average over the window.
  EXPECT_NEAR(c.co2e_kg(1.0, t0, t0 + 60), 250.0 / 1000.0, 1e-12);
  // Before the first row the first value holds, after the last the last.
  EXPECT_NEAR(c.co2e_kg(1.0, t0 - 100, t0 - 50), 0.1, 1e-12);
  EXPECT_NEAR(c.co2e_kg(1.0, t0 + 100, t0 + 200), 0.4, 1e-12);
}

TEST(Carbon, CsvAcceptsUnixSecondsAndOffsets) {
  const auto path = temp_file("unix.csv", "1704103200,50\n2024-01-01T11:00:30+01:00,150\n");
  CarbonSpec s;
  s.intensity_csv = path;
  CarbonAccountant c(s);
  EXPECT_NEAR(c.co2e_kg(1.0, 1704103200.0, 1704103260.0), 0.1, 1e-12);
}

TEST(Carbon, BadCsvLineNamesFileAndLine) {
  const auto path = temp_file("bad.csv", "timestamp,g_per_kwh\n2024-01-01T10:00:00Z,100\nnoon,abc\n");
  CarbonSpec s;
  s.intensity_csv = path;
  try {
    CarbonAccountant c(s);
    FAIL() << "no exception";
  } catch (const hpo::ConfigError& e) {
    EXPECT_EQ(e.key(), "/carbon/intensity_csv");
    EXPECT_NE(std::string(e.what()).find(path + ":3"), std::string::npos) << e.what();
  }
  CarbonSpec m;
  m.intensity_csv = "/nonexistent/grid.csv";
  EXPECT_THROW(CarbonAccountant{m}, hpo::ConfigError);
  const auto neg = temp_file("neg.csv", "2024-01-01T10:00:00Z,-5\n");
  CarbonSpec n;
  n.intensity_csv = neg;
  EXPECT_THROW(CarbonAccountant{n}, hpo::ConfigError);
}

double region_g(const std::string& region) {
  CarbonSpec s;
  s.region = region;
  CarbonAccountant c(s);
  auto e = energy(1.0);
  c.account(e, 0, 1);
  EXPECT_EQ(e.intensity_source, "region:" + region);
  EXPECT_TRUE(c.warnings().empty());
  return e.intensity_g_per_kwh;
}

TEST(Carbon, RegionLookupInTheShippedTables) {
  EXPECT_DOUBLE_EQ(region_g("IRL"), 290.805);  // OWID 2023
  EXPECT_DOUBLE_EQ(region_g("IE"), 290.805);   // alpha-2
  EXPECT_DOUBLE_EQ(region_g("ie"), 290.805);
  EXPECT_DOUBLE_EQ(region_g("europe-west1"), 122.0);  // GCP Belgium
  EXPECT_NEAR(region_g("US-VT"), 56.9 * 0.45359237, 0.1);  // eGRID2016, lb/MWh -> g/kWh
  EXPECT_NEAR(region_g("US-vermont"), region_g("US-VT"), 1e-12);
  EXPECT_DOUBLE_EQ(region_g("SE3"), 18.0);
  EXPECT_DOUBLE_EQ(region_g("FI-FI"), 72.0);
  EXPECT_GT(region_g("CA-AB"), region_g("CA-QC"));  // Alberta burns gas and coal
  EXPECT_GT(region_g("CAF"), 0.0);  // 0 in OWID: recomputed from the mix
}

TEST(Carbon, UnknownRegionIsAConfigError) {
  CarbonSpec s;
  s.region = "XX-Atlantis";
  try {
    CarbonAccountant c(s);
    FAIL();
  } catch (const hpo::ConfigError& e) {
    EXPECT_EQ(e.key(), "/carbon/region");
    EXPECT_NE(std::string(e.what()).find("XX-Atlantis"), std::string::npos);
  }
}

TEST(Carbon, EmbodiedShareFollowsSci) {
  CarbonSpec s;
  s.intensity_g_per_kwh = 0.0;
  s.embodied = CarbonSpec::Embodied{1000.0, 4.0, 1.0};
  CarbonAccountant c(s);
  auto e = energy(0.0);
  c.account(e, 0, 3600);
  // SPEC example: 1000 kg device, 4-year life, 1 h reserved ~ 28 g.
  EXPECT_NEAR(e.embodied_kg, 1000.0 * 3600 / (4 * 365.25 * 86400), 1e-12);
  EXPECT_NEAR(e.embodied_kg, 0.0285, 0.0005);
  EXPECT_DOUBLE_EQ(e.co2e_kg, e.embodied_kg);
  CarbonSpec half = s;
  half.embodied->share = 0.5;
  EXPECT_NEAR(CarbonAccountant(half).co2e_kg(0.0, 0, 3600), e.embodied_kg / 2, 1e-15);
}

TEST(Carbon, BadPueAndEmbodiedAreConfigErrors) {
  CarbonSpec s;
  s.pue = 0.5;
  EXPECT_THROW(CarbonAccountant{s}, hpo::ConfigError);
  CarbonSpec e;
  e.embodied = CarbonSpec::Embodied{100, 0, 1};
  EXPECT_THROW(CarbonAccountant{e}, hpo::ConfigError);
}

TEST(Carbon, DescribeNamesTheProvenance) {
  CarbonSpec s;
  s.region = "IE";
  s.pue = 1.2;
  const auto d = CarbonAccountant(s).describe();
  EXPECT_NE(d.find("region:IE"), std::string::npos) << d;
  EXPECT_NE(d.find("OWID 2023"), std::string::npos) << d;
  EXPECT_NE(d.find("PUE 1.2"), std::string::npos) << d;
}

TEST(EnergyFromMeasurement, GroupsComponents) {
  meters::Measurement m;
  m.components = {{"cpu-package-0", "rapl", 3.6e6, false},
                  {"cpu-package-1", "rapl", 1.8e6, false},
                  {"dram-0", "rapl", 0.36e6, false},
                  {"gpu-1", "nvml-energy", 7.2e6, false},
                  {"memory", "estimate", 0.036e6, true}};
  m.trace = {{1.0, 10.0}};
  const auto e = hpo::energy_from_measurement(m);
  EXPECT_DOUBLE_EQ(e.cpu_kwh, 1.5);
  EXPECT_DOUBLE_EQ(e.dram_kwh, 0.1);
  EXPECT_DOUBLE_EQ(e.gpu_kwh, 2.0);
  EXPECT_DOUBLE_EQ(e.other_kwh, 0.01);
  EXPECT_DOUBLE_EQ(e.energy_kwh, 3.61);
  EXPECT_EQ(e.energy_source, "rapl+nvml+estimate");
  EXPECT_TRUE(e.estimated);
  EXPECT_EQ(e.components.size(), 5u);
  EXPECT_EQ(e.trace.size(), 1u);
}

}  // namespace
