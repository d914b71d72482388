// A study's records as one list in (number, attempt) order: the one way to find a record and
// to insert or replace one, shared by the study file, the in-memory store and the study loop.
//
//   std::vector<Trial> trials;
//   upsert_trial(trials, started, /*keep_reports=*/false);
//   if (Trial* t = find_trial(trials, 3, 0)) t->reports.push_back(r);
#pragma once

#include <cstdint>
#include <vector>

#include "hpo/core/trial.h"

namespace hpo {

// The record (number, attempt), or null. O(log n).
Trial* find_trial(std::vector<Trial>& trials, std::int64_t number, int attempt);
const Trial* find_trial(const std::vector<Trial>& trials, std::int64_t number, int attempt);

// Inserts `t` in (number, attempt) order, or replaces the record with the same key. With
// `keep_reports`, a replacement without reports keeps the reports already recorded (a finish
// event carries none: they were journaled one by one). O(1) when `t` goes last.
void upsert_trial(std::vector<Trial>& trials, Trial t, bool keep_reports);

}  // namespace hpo
