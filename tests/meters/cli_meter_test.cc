// `ecohpo meter` and `ecohpo meters` end to end, through the built binary.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

#include <nlohmann/json.hpp>

#include "fake_powercap.h"

namespace {

const std::string kEcohpo = ECOHPO_BINARY_DIR "/hpo/cli/ecohpo";

struct CliRun {
  int status = -1;
  std::string out;
};

CliRun run(const std::string& args, const std::string& env = "") {
  CliRun r;
  const std::string cmd = env + " " + kEcohpo + " " + args;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  std::array<char, 4096> buf{};
  std::size_t n = 0;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  const int st = pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

TEST(CliMeter, JsonHasTheContractFieldsAndTheExitStatusIsTheCommands) {
  const CliRun r = run("meter --json --interval 0.1 --intensity 200 --pue 1.5 -- /bin/sh -c "
                    "'i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done; exit 7' 2>/dev/null",
                    "ECOHPO_NVML_LIBRARY=/nonexistent/libnvidia-ml.so.1");
  EXPECT_EQ(r.status, 7);
  const auto j = nlohmann::json::parse(r.out);
  for (const char* key : {"duration_s", "energy_kwh", "co2e_kg", "components", "notes", "sources"})
    EXPECT_TRUE(j.contains(key)) << key;
  EXPECT_GT(j["duration_s"].get<double>(), 0.0);
  ASSERT_FALSE(j["components"].empty());
  double sum = 0;
  for (const auto& c : j["components"]) {
    EXPECT_TRUE(c.contains("component"));
    EXPECT_TRUE(c.contains("source"));
    sum += c["energy_kwh"].get<double>();
  }
  EXPECT_NEAR(j["energy_kwh"].get<double>(), sum, 1e-15);
  EXPECT_GT(j["energy_kwh"].get<double>(), 0.0);  // never a silent zero
  EXPECT_NEAR(j["co2e_kg"].get<double>(), j["energy_kwh"].get<double>() * 1.5 * 200 / 1000, 1e-15);
}

TEST(CliMeter, FakePowercapCountsAsRapl) {
  meters_test::TempDir d;
  meters_test::zone(d.path(), "intel-rapl:0", "package-0", 100);
  meters_test::zone(d.path(), "intel-rapl:0:0", "dram", 100);
  const CliRun r = run("meter --json --meters rapl -- true 2>/dev/null",
                    "ECOHPO_POWERCAP_ROOT=" + d.path());
  ASSERT_EQ(r.status, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["components"].size(), 2u);
  EXPECT_EQ(j["components"][0]["component"], "cpu-package-0");
  EXPECT_EQ(j["components"][0]["source"], "rapl");
  EXPECT_EQ(j["components"][1]["component"], "dram-0");
  EXPECT_EQ(j["estimated"], false);
}

TEST(CliMeter, HumanOutputNamesComponentsAndSources) {
  const CliRun r = run("meter --region IE -- true 2>&1");
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.out.find("total"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("sources:"), std::string::npos);
  EXPECT_NE(r.out.find("region:IE"), std::string::npos);
}

TEST(CliMeter, BadInputIsExplained) {
  CliRun r = run("meter --meters bogus -- true 2>&1");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.out.find("unknown source 'bogus'"), std::string::npos) << r.out;
  r = run("meter --region Atlantis -- true 2>&1");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.out.find("Atlantis"), std::string::npos) << r.out;
  r = run("meter --interval abc -- true 2>&1");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.out.find("--interval"), std::string::npos) << r.out;
  r = run("meter 2>&1");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.out.find("no command"), std::string::npos) << r.out;
  r = run("meter -- /nonexistent/program 2>&1");
  EXPECT_EQ(r.status, 127);
  EXPECT_NE(r.out.find("/nonexistent/program"), std::string::npos) << r.out;
}

TEST(CliMeters, ListsEverySource) {
  const CliRun r = run("meters --json", "ECOHPO_NVML_LIBRARY=/nonexistent/libnvidia-ml.so.1");
  ASSERT_EQ(r.status, 0);
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j.size(), 5u);
  for (const auto& row : j) {
    EXPECT_TRUE(row.contains("readable"));
    EXPECT_FALSE(row["detail"].get<std::string>().empty());
  }
  EXPECT_EQ(j[3]["source"], "nvml");
  EXPECT_EQ(j[3]["readable"], false);
  const CliRun h = run("meter --help");
  EXPECT_EQ(h.status, 0);
  EXPECT_NE(h.out.find("examples:"), std::string::npos);
}

}  // namespace
