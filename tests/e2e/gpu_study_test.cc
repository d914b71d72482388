// gpus_per_trial end to end, against the fake NVML library (tests/meters/fake_nvml.c) with two
// GPUs drawing 100 W and 300 W: each trial gets its own GPU as CUDA_VISIBLE_DEVICES=<UUID>
// and is charged that GPU's energy; the coordinator's own CUDA_VISIBLE_DEVICES restricts the
// pool; a bad one is a clear error before anything runs. `hardware: {gpu_power_limit_w}`
// sets each trial's GPU power limit from its parameters and restores it after, even after the
// coordinator is killed mid-trial (label e2e).
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <thread>

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
    ::setenv("FAKE_NVML_LIMITS", (dir_ / "limits.log").c_str(), 1);
    ::unsetenv("CUDA_VISIBLE_DEVICES");
  }
  void TearDown() override {
    ::unsetenv("ECOHPO_NVML_LIBRARY");
    ::unsetenv("FAKE_NVML_STATE");
    ::unsetenv("FAKE_NVML_LIMITS");
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

// A study whose trials choose their GPU's power limit: gpu_w in {150, 200, 250} W (the fake
// GPUs allow 100..300 W, default 300 W). Each trial records what it got and sleeps `sleep_s`.
std::string power_study(const fs::path& dir, int trials, double sleep_s,
                        const std::string& choices = "[150, 200, 250]") {
  return "name: gpu-power\n"
         "command: 'echo \"$CUDA_VISIBLE_DEVICES $ECOHPO_GPU_POWER_LIMIT_W\" > got-$ECOHPO_TRIAL; "
         "sleep " + std::to_string(sleep_s) + "; echo \"{{\\\"loss\\\": {x}}}\"'\n"
         "shell: true\n"
         "env: {ECOHPO_E2E_MARK: gpu-power-" + std::to_string(::getpid()) + "}\n"
         "space:\n"
         "  x: {type: float, low: 0.0, high: 1.0}\n"
         "  gpu_w: " + choices + "\n"
         "objectives:\n"
         "  - {name: loss, direction: minimize}\n"
         "  - {name: energy_kwh, direction: minimize}\n"
         "sampler: {type: random, seed: 5}\n"
         "budget: {trials: " + std::to_string(trials) + "}\n"
         "parallel: 2\n"
         "gpus_per_trial: 1\n"
         "hardware: {gpu_power_limit_w: \"{gpu_w}\"}\n"
         "meters: [nvml, estimate]\n"
         "meter_interval_s: 0.05\n"
         "storage: " + (dir / "s.h5").string() + "\n";
}

// The fake's log of power limits set: (GPU index, mW) in order.
std::vector<std::pair<int, unsigned>> limits_set(const fs::path& dir) {
  std::vector<std::pair<int, unsigned>> out;
  std::ifstream in(dir / "limits.log");
  int g = 0;
  unsigned mw = 0;
  while (in >> g >> mw) out.emplace_back(g, mw);
  return out;
}

std::map<int, unsigned> final_limits(const fs::path& dir) {
  std::map<int, unsigned> last{{0, 300000}, {1, 300000}};  // the fake's default: its maximum
  for (const auto& [g, mw] : limits_set(dir)) last[g] = mw;
  return last;
}

TEST_F(GpuStudy, EachTrialRunsAtItsOwnPowerLimitAndTheGpuGetsItsLimitBack) {
  write_file(dir_ / "nvml.state", "init 0\nramp 100000\nramp 300000\nlimits 100000 300000\n");
  write_file(dir_ / "study.yaml", power_study(dir_, 6, 0.3));
  Outcome r = run({"run", "study.yaml"}, dir_, 120);
  ASSERT_EQ(r.code, 0) << r.err;
  json rows = export_rows(dir_ / "s.h5", dir_);
  ASSERT_EQ(rows.size(), 6u);
  const auto log = limits_set(dir_);
  std::set<std::string> limits_used;
  for (const auto& row : rows) {
    const int n = row["number"].get<int>();
    const int w = row["params.gpu_w"].get<int>();
    limits_used.insert(std::to_string(w));
    std::string got = slurp(dir_ / ("got-" + std::to_string(n)));
    got.pop_back();
    // The trial was told its limit, and its GPU was set to it: a "GPU w*1000" line exists.
    const int gpu = got.rfind(kGpu0, 0) == 0 ? 0 : 1;
    EXPECT_EQ(got, (gpu == 0 ? kGpu0 : kGpu1) + " " + std::to_string(w)) << got;
    EXPECT_NE(std::find(log.begin(), log.end(), std::make_pair(gpu, unsigned(w) * 1000u)), log.end())
        << "trial " << n;
  }
  EXPECT_GE(limits_used.size(), 2u) << "the seeded sampler tries several limits";
  // Every set is followed by a restore of that GPU to 300 W before its next set; at the end
  // both GPUs are back at 300 W.
  std::map<int, bool> capped;
  for (const auto& [g, mw] : log) {
    if (mw != 300000) EXPECT_FALSE(capped[g]) << "GPU " << g << " set twice without a restore";
    capped[g] = mw != 300000;
  }
  EXPECT_EQ(final_limits(dir_), (std::map<int, unsigned>{{0, 300000}, {1, 300000}}));
}

TEST_F(GpuStudy, PowerLimitsOutsideTheGpusRangeOrWithoutPermissionAreClearErrors) {
  write_file(dir_ / "nvml.state", "init 0\nramp 100000\nramp 300000\nlimits 100000 300000\n");
  write_file(dir_ / "study.yaml", power_study(dir_, 2, 0.1, "[50, 200]"));
  Outcome range = run({"run", "study.yaml"}, dir_, 60);
  EXPECT_EQ(range.code, 2);
  EXPECT_NE(range.err.find("study.yaml:15:"), std::string::npos) << range.err;
  EXPECT_NE(range.err.find("/hardware/gpu_power_limit_w"), std::string::npos) << range.err;
  EXPECT_NE(range.err.find("50..200 W go outside GPU 0's power-limit range 100..300 W"),
            std::string::npos) << range.err;
  EXPECT_FALSE(fs::exists(dir_ / "s.h5")) << "nothing is created before the check";

  // Not root: the first trial cannot start and the study stops saying why; nothing changed.
  write_file(dir_ / "nvml.state", "init 0\nramp 100000\nramp 300000\nnoperm\n");
  write_file(dir_ / "study.yaml", power_study(dir_, 2, 0.1));
  Outcome perm = run({"run", "study.yaml"}, dir_, 60);
  Outcome shown = run({"show", "s.h5"}, dir_, 60);
  EXPECT_NE(shown.out.find("launch_error"), std::string::npos) << shown.out;
  EXPECT_NE(shown.out.find("Insufficient Permissions (setting GPU power limits needs root)"),
            std::string::npos) << shown.out;
  EXPECT_TRUE(limits_set(dir_).empty());
  EXPECT_EQ(perm.err.find("not restored"), std::string::npos) << "nothing was set: " << perm.err;

  // Bad definitions are caught with the YAML: no GPUs per trial, a placeholder of nothing.
  std::string text = power_study(dir_, 2, 0.1);
  text.replace(text.find("gpus_per_trial: 1"), 17, "gpus_per_trial: 0");
  write_file(dir_ / "bad.yaml", text);
  Outcome no_gpus = run({"run", "--dry-run", "bad.yaml"}, dir_, 60);
  EXPECT_EQ(no_gpus.code, 2);
  EXPECT_NE(no_gpus.err.find("/hardware/gpu_power_limit_w: a GPU power limit is set on the "
                             "trial's own GPUs: it needs gpus_per_trial >= 1"),
            std::string::npos) << no_gpus.err;
  text = power_study(dir_, 2, 0.1);
  text.replace(text.find("\"{gpu_w}\""), 9, "\"{gpu_x}\"");
  write_file(dir_ / "bad.yaml", text);
  Outcome typo = run({"run", "--dry-run", "bad.yaml"}, dir_, 60);
  EXPECT_EQ(typo.code, 2);
  EXPECT_NE(typo.err.find("placeholder {gpu_x} names no parameter; did you mean {gpu_w}?"),
            std::string::npos) << typo.err;
  // Garbage in the key, and around it: each names file, line and key; nothing is created.
  for (const char* f : {"s.h5", "s.h5.journal"}) fs::remove(dir_ / f);  // the run above's
  struct Bad {
    std::string replacement, expect;
  };
  for (const Bad& b : std::vector<Bad>{
           {"hardware: {gpu_power_limit_w: lots}",
            "study.yaml:15:12: /hardware/gpu_power_limit_w: expected watts (a number > 0) or a "
            "{parameter}, got 'lots'"},
           {"hardware: {gpu_power_limit_w: -50}", "got '-50'"},
           {"hardware: {gpu_power_limit_w: \"{gpu_w\"}", "/hardware/gpu_power_limit_w"},
           {"hardware: {gpu_clock_mhz: 900}", "/hardware/gpu_clock_mhz: unknown key 'gpu_clock_mhz'"},
           {"hardware: 250", "/hardware: expected a mapping"}}) {
    text = power_study(dir_, 2, 0.1);
    const std::string knob = "hardware: {gpu_power_limit_w: \"{gpu_w}\"}";
    text.replace(text.find(knob), knob.size(), b.replacement);
    write_file(dir_ / "study.yaml", text);
    Outcome o = run({"run", "study.yaml"}, dir_, 60);
    EXPECT_EQ(o.code, 2) << b.replacement;
    EXPECT_NE(o.err.find(b.expect), std::string::npos) << b.replacement << " -> " << o.err;
  }
  // The sweep flag goes through the same checks, naming the command-line word.
  Outcome sweep = run({"sweep", "-p", "x=float:0:1", "--minimize", "loss", "--gpus-per-trial", "1",
                       "--gpu-power-limit-w", "max", "--dry-run", "--", "true"},
                      dir_, 60);
  EXPECT_EQ(sweep.code, 2);
  EXPECT_NE(sweep.err.find("/hardware/gpu_power_limit_w: expected watts (a number > 0) or a "
                           "{parameter}, got 'max'"),
            std::string::npos) << sweep.err;
  EXPECT_FALSE(fs::exists(dir_ / "s.h5")) << "nothing is created by a refused study";
}

TEST_F(GpuStudy, AKilledCoordinatorsPowerLimitsAreRestoredOnResume) {
  write_file(dir_ / "nvml.state", "init 0\nramp 100000\nramp 300000\nlimits 100000 300000\n");
  write_file(dir_ / "study.yaml", power_study(dir_, 3, 2.0));
  Proc p = start({"run", "study.yaml"}, dir_, "killed");
  for (int i = 0; i < 1000 && !fs::exists(dir_ / "got-1"); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_TRUE(fs::exists(dir_ / "got-1")) << "both trials started";
  ::kill(p.pid, SIGKILL);
  p.wait();
  for (pid_t g : groups_with_env("gpu-power-" + std::to_string(::getpid()))) ::kill(-g, SIGKILL);
  // Killed mid-trial: the GPUs keep the trials' limits.
  const auto left = final_limits(dir_);
  EXPECT_TRUE(left.at(0) != 300000 || left.at(1) != 300000);
  const std::size_t before = limits_set(dir_).size();

  Outcome r = run({"run", "--resume", "study.yaml"}, dir_, 120);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("power limit restored to 300 W"), std::string::npos) << r.err;
  // The first limits the resumed study set are the restores to 300 W, before any trial ran.
  const auto log = limits_set(dir_);
  ASSERT_GT(log.size(), before);
  EXPECT_EQ(log[before].second, 300000u);
  EXPECT_EQ(final_limits(dir_), (std::map<int, unsigned>{{0, 300000}, {1, 300000}}));
}

}  // namespace
}  // namespace e2e
