// The study file's HDF5 snapshot: writes and reads the whole study in the columnar schema
// of docs/storage.md (root attributes, /trials columns, /trials/params, /trials/values,
// /trials/metrics, /trials/components, /reports, /traces, /trials/record_json).
// StudyStore uses it for checkpoints; it knows nothing about the journal.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "hpo/study_store.h"
#include "hpo/trial.h"

namespace hpo {

inline constexpr std::int64_t kStudyFileSchemaVersion = 1;

struct StudySnapshot {
  StudyInfo info;
  std::vector<Trial> trials;  // (number, attempt) order
  std::optional<StopRecord> stop;
  nlohmann::json attributes = nlohmann::json::object();
  // Which journal goes with this snapshot: the journal's header line carries the same number.
  std::int64_t journal_generation = 0;
};

// Writes `snap` to `path` (truncating it), flushes and fsyncs it. Throws std::runtime_error.
void write_study_h5(const std::filesystem::path& path, const StudySnapshot& snap);
// Reads a whole study file. Throws std::runtime_error naming the file and object at fault.
StudySnapshot read_study_h5(const std::filesystem::path& path);

nlohmann::json stop_to_json(const StopRecord& r);
StopRecord stop_from_json(const nlohmann::json& j);

}  // namespace hpo
