// gpus_per_trial end to end, against the fake NVML library (tests/meters/fake_nvml.c) with two
// GPUs drawing 100 W and 300 W: each trial gets its own GPU as CUDA_VISIBLE_DEVICES=<UUID>
// and is charged that GPU's energy; the coordinator's own CUDA_VISIBLE_DEVICES restricts the
// pool; a bad one is a clear error before anything runs (label e2e).
#include <cstdlib>
#include <map>

#include "tests/e2e/e2e_util.h"

namespace e2e {
namespace {

using nlohmann::json;

const std::string kGpu0 = "GPU-00000000-0000-4000-8000-000000000000";
const std::string kGpu1 = "GPU-00000000-0000-4000-8000-000000000001";

class GpuStudy : public TempDir {
 protected:
  void SetUp() override {
    TempDir::SetUp();
    write_file(dir_ / "nvml.state", "init 0\nramp 100000\nramp 300000\n");
    ::setenv("ECOHPO_NVML_LIBRARY", FAKE_NVML_PATH, 1);
    ::setenv("FAKE_NVML_STATE", (dir_ / "nvml.state").c_str(), 1);
    ::unsetenv("CUDA_VISIBLE_DEVICES");
  }
  void TearDown() override {
    ::unsetenv("ECOHPO_NVML_LIBRARY");
    ::unsetenv("FAKE_NVML_STATE");
    ::unsetenv("CUDA_VISIBLE_DEVICES");
    TempDir::TearDown();
  }
  // Each trial writes the CUDA_VISIBLE_DEVICES and CUDA_DEVICE_ORDER it got to cvd-N, holds
  // its GPU for 0.6 s, and reports.
  std::string study(int gpus_per_trial, int trials) const {
    return "name: gpu\n"
           "command: 'echo \"$CUDA_VISIBLE_DEVICES $CUDA_DEVICE_ORDER\" > cvd-$ECOHPO_TRIAL; "
           "sleep 0.6; echo \"{{\\\"loss\\\": {x}}}\"'\n"
           "shell: true\n"
           "space:\n"
           "  x: {type: float, low: 0.0, high: 1.0}\n"
           "objectives:\n"
           "  - {name: loss, direction: minimize}\n"
           "  - {name: energy_kwh, direction: minimize}\n"
           "sampler: {type: random, seed: 3}\n"
           "budget: {trials: " + std::to_string(trials) + "}\n"
           "parallel: 2\n"
           "gpus_per_trial: " + std::to_string(gpus_per_trial) + "\n"
           "meters: [nvml, estimate]\n"
           "meter_interval_s: 0.05\n"
           "storage: " + (dir_ / "s.h5").string() + "\n";
  }
  std::string visible_of(int trial) const {
    std::string s = slurp(dir_ / ("cvd-" + std::to_string(trial)));
    while (!s.empty() && s.back() == '\n') s.pop_back();
    return s;
  }
};

TEST_F(GpuStudy, EachTrialGetsItsOwnGpuByUuidAndIsChargedItsEnergy) {
  write_file(dir_ / "study.yaml", study(1, 4));
  Outcome r = run({"run", "study.yaml"}, dir_, 120);
  ASSERT_EQ(r.code, 0) << r.err;
  json rows = export_rows(dir_ / "s.h5", dir_);
  ASSERT_EQ(rows.size(), 4u);
  std::map<std::string, int> holders;
  for (const auto& row : rows) {
    const int n = row["number"].get<int>();
    const std::string got = visible_of(n);
    ASSERT_TRUE(got == kGpu0 + " PCI_BUS_ID" || got == kGpu1 + " PCI_BUS_ID") << got;
    ++holders[got];
    // Charged the GPU it held: ~100 W or ~300 W over its ~0.6 s (sampling at 20 Hz, loaded CI).
    const double gpu_kwh = row["energy_gpu_kwh"].get<double>();
    const double watts = gpu_kwh * 3.6e6 / row["duration_s"].get<double>();
    const double expected_w = got.rfind(kGpu0, 0) == 0 ? 100.0 : 300.0;
    EXPECT_NEAR(watts, expected_w, 0.3 * expected_w) << "trial " << n << " on " << got;
  }
  EXPECT_EQ(holders.size(), 2u) << "with parallel 2, both GPUs are used";
}

TEST_F(GpuStudy, TheCoordinatorsVisibleDevicesRestrictThePool) {
  ::setenv("CUDA_VISIBLE_DEVICES", "GPU-00000000-0000-4000-8000-00000000000", 1);  // ambiguous
  write_file(dir_ / "study.yaml", study(1, 2));
  Outcome bad = run({"run", "study.yaml"}, dir_, 60);
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("study.yaml: /gpus_per_trial"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("several GPUs"), std::string::npos) << bad.err;
  EXPECT_FALSE(fs::exists(dir_ / "s.h5")) << "nothing is created before the check";

  ::setenv("CUDA_VISIBLE_DEVICES", "1", 1);  // only the 300 W GPU
  Outcome r = run({"run", "study.yaml"}, dir_, 120);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("at most 1 trial(s) run at once"), std::string::npos) << r.err;
  json rows = export_rows(dir_ / "s.h5", dir_);
  ASSERT_EQ(rows.size(), 2u);
  for (const auto& row : rows) {
    EXPECT_EQ(visible_of(row["number"].get<int>()), kGpu1 + " PCI_BUS_ID");
    const double watts = row["energy_gpu_kwh"].get<double>() * 3.6e6 / row["duration_s"].get<double>();
    EXPECT_NEAR(watts, 300.0, 90.0);
  }
}

TEST_F(GpuStudy, MoreGpusPerTrialThanTheMachineHasIsAnError) {
  write_file(dir_ / "study.yaml", study(3, 1));
  Outcome r = run({"run", "study.yaml"}, dir_, 60);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("gpus_per_trial is 3 but only 2 GPU(s)"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace e2e
