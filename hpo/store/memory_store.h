// MemoryStore: a StudyStore that keeps the study in memory only, with the same record
// semantics as the study file (hpo/store/study_file.h): started records are kRunning, a
// finish replaces its record and keeps the reports made one by one, records stay in
// (number, attempt) order. For tests, dry runs and in-process studies whose records need not
// outlive the process. Not thread-safe (one writer, like the study file).
//
//   hpo::MemoryStore store(info);
//   hpo::run_study(spec, parts, store, options);
#pragma once

#include <filesystem>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "hpo/core/study_store.h"

namespace hpo {

class MemoryStore final : public StudyStore {
 public:
  explicit MemoryStore(StudyInfo info = {}, std::vector<Trial> trials = {},
                       std::filesystem::path path = "memory.h5");

  const StudyInfo& info() const override { return info_; }
  const std::vector<Trial>& trials() const override { return trials_; }
  std::optional<StopRecord> stop_record() const override { return stop_; }
  const nlohmann::json& attributes() const override { return attributes_; }

  void trial_started(const Trial& trial) override;
  // Throws std::logic_error for a trial that was never started, like the study file.
  void trial_report(std::int64_t number, int attempt, const Report& r) override;
  void trial_finished(const Trial& trial) override;
  void trials_finished(std::span<const Trial> trials) override;
  void study_stopped(const StopRecord& record) override;
  void set_attribute(const std::string& key, const nlohmann::json& value) override;
  void checkpoint() override { ++checkpoints_; }
  const std::filesystem::path& path() const override { return path_; }

  // How often checkpoint() was called (the loop checkpoints at the end of a study).
  int checkpoints() const { return checkpoints_; }

 private:
  StudyInfo info_;
  std::vector<Trial> trials_;
  std::optional<StopRecord> stop_;
  nlohmann::json attributes_ = nlohmann::json::object();
  std::filesystem::path path_;
  int checkpoints_ = 0;
};

}  // namespace hpo
