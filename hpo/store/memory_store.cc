#include "hpo/store/memory_store.h"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <utility>

#include "hpo/core/trial_list.h"

namespace hpo {

MemoryStore::MemoryStore(StudyInfo info, std::vector<Trial> trials, std::filesystem::path path)
    : info_(std::move(info)), trials_(std::move(trials)), path_(std::move(path)) {
  std::sort(trials_.begin(), trials_.end(), [](const Trial& a, const Trial& b) {
    return a.number < b.number || (a.number == b.number && a.attempt < b.attempt);
  });
}

void MemoryStore::trial_started(const Trial& trial) {
  Trial t = trial;
  t.state = TrialState::kRunning;
  upsert_trial(trials_, std::move(t), /*keep_reports=*/false);
}

void MemoryStore::trial_report(std::int64_t number, int attempt, const Report& r) {
  Trial* t = find_trial(trials_, number, attempt);
  if (t == nullptr)
    throw std::logic_error("trial_report for trial " + std::to_string(number) + " attempt " +
                           std::to_string(attempt) + " that was never started");
  t->reports.push_back(r);
}

void MemoryStore::trial_finished(const Trial& trial) {
  trials_finished(std::span<const Trial>(&trial, 1));
}

void MemoryStore::trials_finished(std::span<const Trial> trials) {
  for (const auto& t : trials) upsert_trial(trials_, t, /*keep_reports=*/true);
}

void MemoryStore::study_stopped(const StopRecord& record) { stop_ = record; }

void MemoryStore::set_attribute(const std::string& key, const nlohmann::json& value) {
  attributes_[key] = value;
}

}  // namespace hpo
