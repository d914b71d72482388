// The study file's HDF5 snapshot: writes and reads the whole study in the columnar schema
// of docs/storage.md (root attributes, /trials columns, /trials/params, /trials/values,
// /trials/metrics, /trials/components, /reports, /traces, /trials/record_json).
// StudyStore uses it for checkpoints; it knows nothing about the journal. Writing is in
// study_h5.cc, reading (in row slices, with exact per-trial reservations) in study_h5_read.cc.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "hpo/core/study_records.h"
#include "hpo/core/trial.h"

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
// Rows read at once from one column when opening a study (bounds the transient memory of
// an open: 32,768 rows of a string column are about 2 MB).
inline constexpr std::size_t kStudyReadSliceRows = 32768;

struct StudyReadOptions {
  std::size_t slice_rows = kStudyReadSliceRows;  // rows of a column read at once (0 reads as 1)
  // Capacity of StudySnapshot::trials beyond the stored trials, for the records a journal
  // replay adds next: the vector then never reallocates (which would hold the old and the
  // new array at once). Capacity never written costs address space, not memory.
  std::size_t extra_capacity = 0;
};

// Reads a whole study file, options.slice_rows rows of a column at a time; each trial's maps
// and vectors are reserved to their exact size. Throws std::runtime_error naming the file and
// object at fault.
StudySnapshot read_study_h5(const std::filesystem::path& path,
                            const StudyReadOptions& options = {});

nlohmann::json stop_to_json(const StopRecord& r);
StopRecord stop_from_json(const nlohmann::json& j);

}  // namespace hpo
