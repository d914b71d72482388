// Test helpers for the storage tests: a temporary directory and richly filled trials.
#pragma once

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>

#include "hpo/core/study_store.h"
#include "hpo/core/trial.h"

namespace hpo::testing {

// A fresh directory under the system temp dir, removed with everything in it.
class TempDir {
 public:
  explicit TempDir(const std::string& tag) {
    path_ = std::filesystem::temp_directory_path() /
            ("ecohpo-" + tag + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter()++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  static int& counter() {
    static int n = 0;
    return n;
  }
  std::filesystem::path path_;
};

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void write_file(const std::filesystem::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << text;
}

inline StudyInfo sample_info() {
  StudyInfo info;
  info.name = "storage-test";
  info.source_text = "name: storage-test\nspace: {lr: {type: float}}\n# ünïcode\n";
  info.source_path = "study.yaml";
  info.spec = {{"name", "storage-test"}, {"parallel", 2}};
  info.objectives = {{"accuracy", Direction::kMaximize}, {"energy_kwh", Direction::kMinimize}};
  info.param_names = {"lr", "width", "act", "use_bn", "momentum", "mixed"};
  info.host = "testhost";
  info.ecohpo_version = "0.1.0";
  info.created_unix_s = 1700000000.25;
  return info;
}

// Trial `n` with every field set; `momentum` only on even trials (conditional parameter),
// `mixed` is a categorical whose choices have different types.
inline Trial sample_trial(std::int64_t n, TrialState state = TrialState::kComplete) {
  Trial t;
  t.number = n;
  t.attempt = static_cast<int>(n % 2);
  t.params["lr"] = 1e-4 * static_cast<double>(n + 1) / 3.0;
  t.params["width"] = std::int64_t{16 + n};
  t.params["act"] = std::string(n % 3 == 0 ? "relu" : "tanh, \"quoted\"");
  t.params["use_bn"] = n % 2 == 0;
  if (n % 2 == 0) t.params["momentum"] = 0.9;
  if (n % 3 == 0) t.params["mixed"] = std::int64_t{3};
  else if (n % 3 == 1) t.params["mixed"] = std::string("auto");
  else t.params["mixed"] = true;
  t.state = state;
  t.reason = state == TrialState::kFailed ? "exit status 3, stderr:\nboom" : "";
  t.metrics["accuracy"] = 0.5 + 0.01 * static_cast<double>(n);
  t.metrics["val/loss"] = 1.0 / static_cast<double>(n + 1);
  t.metrics["train_loss"] = 0.1 + 0.1 / 3.0;
  for (int s = 0; s < 3; ++s) {
    Report r;
    r.step = s;
    r.metrics["accuracy"] = 0.1 * s + 0.001 * static_cast<double>(n);
    if (s == 1) r.metrics["val/loss"] = 2.0 / 3.0;
    r.elapsed_s = 0.5 * s + 0.1;
    r.energy_kwh = 1e-6 * (s + 1);
    t.reports.push_back(r);
  }
  t.reports.push_back(Report{7, {}, 4.0, 5e-6});  // a report with a step and no metric
  if (state == TrialState::kComplete)
    t.values = {t.metrics["accuracy"], 2e-5 * static_cast<double>(n % 5 + 1)};
  t.start_unix_s = 1700000100.0 + static_cast<double>(n);
  t.end_unix_s = t.start_unix_s + 1.0 / 7.0;
  t.duration_s = 1.0 / 7.0;
  t.queue_s = 0.0;
  t.cpu_s = 0.123456789;
  t.exit_code = state == TrialState::kFailed ? 3 : 0;
  t.term_signal = 0;
  t.stderr_tail = state == TrialState::kFailed ? "Traceback...\nValueError: ü" : "";
  t.sampler_s = 1e-4;
  t.sampler_cpu_s = 9e-5;
  t.sampler_kwh = 1e-9;
  t.energy.energy_kwh = 2e-5 * static_cast<double>(n % 5 + 1);
  t.energy.cpu_kwh = 1.5e-5;
  t.energy.dram_kwh = 2e-6;
  t.energy.gpu_kwh = 0.0;
  t.energy.other_kwh = 1e-7;
  t.energy.co2e_kg = 9.5e-6;
  t.energy.embodied_kg = 1e-8;
  t.energy.intensity_g_per_kwh = 475.0;
  t.energy.intensity_source = "world-default";
  t.energy.pue = 1.2;
  t.energy.energy_source = "rapl+estimate";
  t.energy.estimated = n % 2 == 1;
  t.energy.components = {{"cpu-package-0", "rapl", 54.0, false},
                         {"memory", "estimate", 7.2 + static_cast<double>(n), true}};
  t.energy.trace = {{0.0, 30.0}, {1.0, 31.5 + static_cast<double>(n)}};
  t.executor_id = n % 2 ? "job-" + std::to_string(n) : "";
  t.log_path = "logs/trial-" + std::to_string(n) + ".log";
  return t;
}

}  // namespace hpo::testing
