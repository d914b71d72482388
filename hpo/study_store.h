// StudyStore: the durable study file (HDF5, schema in docs/storage.md) and its journal.
//
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

#include "hpo/objective.h"
#include "hpo/trial.h"

namespace hpo {

struct StudyInfo {
  std::string name;
  std::string source_text;  // the YAML as given, or the sweep command line
  std::string source_path;
  nlohmann::json spec = nlohmann::json::object();  // the resolved study (spec_to_json)
  std::vector<Objective> objectives;
  std::vector<std::string> param_names;
  std::string host;
  std::string ecohpo_version;
  double created_unix_s = 0.0;
};

struct StopRecord {
  std::string rule;     // "budget.trials", "hypervolume_plateau", "interrupted", ...
  std::string message;
  std::int64_t at_trial = -1;
  nlohmann::json numbers = nlohmann::json::object();
  double unix_s = 0.0;
};

// When the store rewrites the HDF5 snapshot by itself (besides checkpoint() and close):
// once the journal holds more than max(min_finished, fraction * stored trials) finish events.
struct StoreOptions {
  std::int64_t checkpoint_min_finished = 256;
  // Checkpoint when the journal holds more finish events than this fraction of the stored
  // trials: a geometric schedule, so the total rewritten stays a small multiple of the study.
  double checkpoint_fraction = 0.5;
  // Every event reaches the kernel with write(2) before the call returns, which is all a
  // SIGKILLed coordinator needs. fdatasync (which only matters if the machine itself goes
  // down) runs at most this often: 0 = on every start/finish; the default bounds what a power
  // cut may take to the last 0.2 s of events and keeps launches from waiting on the disk.
  double sync_interval_s = 0.2;
  // Throws std::invalid_argument naming the field.
  void validate() const;
};

class StudyStore {
 public:
  // Opens `path` (replaying its journal) or, when it does not exist and `create` is given,
  // creates it. Throws std::runtime_error naming the file (and journal line) on damage.
  static std::unique_ptr<StudyStore> open(const std::filesystem::path& path,
                                          const StudyInfo* create);
  static std::unique_ptr<StudyStore> open(const std::filesystem::path& path,
                                          const StudyInfo* create, const StoreOptions& options);
  // Read-only open for show/export/compare: never writes, tolerates a live writer.
  static std::unique_ptr<StudyStore> open_read_only(const std::filesystem::path& path);

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
