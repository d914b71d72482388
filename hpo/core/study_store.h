// StudyStore: the interface of a study's durable record. The study file (HDF5, schema in
// docs/storage.md, and its journal) implements it: hpo/store/study_file.h opens one;
// hpo/store/memory_store.h is the in-memory one.
//
// Contract of the study file:
// Crash safety (SIGKILL at any moment): every event is appended to a journal beside the
// study file (`STUDY.h5.journal`, JSON lines) before the call returns; trial_finished() and
// trial_started() fsync it. The HDF5 file itself is only ever replaced whole: a checkpoint
// writes `STUDY.h5.tmp` and renames it over `STUDY.h5` (atomic on POSIX), then truncates
// the journal. Opening replays the journal over the last snapshot, so a killed coordinator
// loses nothing that finished, and the .h5 always opens (it is the previous snapshot).
//
// Thread-safety: one writer (the coordinator thread). Readers open their own StudyStore
// (read_only = true).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hpo/core/study_records.h"
#include "hpo/core/trial.h"

namespace hpo {

class StudyStore {
 public:
  virtual ~StudyStore() = default;

  virtual const StudyInfo& info() const = 0;
  // Every record, in (number, attempt) order. Trials journaled as started but never
  // finished appear with state kRunning (the study loop re-runs them on resume).
  virtual const std::vector<Trial>& trials() const = 0;
  virtual std::optional<StopRecord> stop_record() const = 0;
  // Free-form study-level figures (coordinator energy, idle energy, ...), JSON object.
  virtual const nlohmann::json& attributes() const = 0;

  virtual void trial_started(const Trial& trial) = 0;          // durable on return
  virtual void trial_report(std::int64_t number, int attempt, const Report& r) = 0;  // written, no fsync
  virtual void trial_finished(const Trial& trial) = 0;         // durable on return
  virtual void trials_finished(std::span<const Trial> trials) = 0;  // batch, one fsync
  virtual void study_stopped(const StopRecord& record) = 0;
  virtual void set_attribute(const std::string& key, const nlohmann::json& value) = 0;
  // Rewrite the HDF5 snapshot now (also done automatically when the journal grows).
  virtual void checkpoint() = 0;
  virtual const std::filesystem::path& path() const = 0;
  // What opening noticed and repaired, e.g. a torn last journal line (one sentence each).
  virtual std::vector<std::string> notes() const { return {}; }
};

}  // namespace hpo
