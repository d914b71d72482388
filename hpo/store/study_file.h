// Opening a study file: the HDF5 snapshot plus its journal (crash-safety contract in
// hpo/core/study_store.h, schema in docs/storage.md).
//
//   auto store = hpo::open_study_file("runs/s.h5", &info);      // create or resume
//   auto view = hpo::open_study_file_read_only("runs/s.h5");     // show, export, compare
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>

#include "hpo/core/study_store.h"

namespace hpo {

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

// Opens `path` (replaying its journal) or, when it does not exist and `create` is given,
// creates it. Throws std::runtime_error naming the file (and journal line) on damage.
std::unique_ptr<StudyStore> open_study_file(const std::filesystem::path& path,
                                            const StudyInfo* create,
                                            const StoreOptions& options = {});
// Read-only open for show/export/compare: never writes, tolerates a live writer.
std::unique_ptr<StudyStore> open_study_file_read_only(const std::filesystem::path& path);

}  // namespace hpo
