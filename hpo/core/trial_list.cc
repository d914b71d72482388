#include "hpo/core/trial_list.h"

#include <algorithm>
#include <utility>

namespace hpo {
namespace {

bool key_less(const Trial& t, std::int64_t number, int attempt) {
  return t.number < number || (t.number == number && t.attempt < attempt);
}

template <class It>
It lower(It begin, It end, std::int64_t number, int attempt) {
  return std::lower_bound(begin, end, std::pair(number, attempt),
                          [](const Trial& t, const std::pair<std::int64_t, int>& k) {
                            return key_less(t, k.first, k.second);
                          });
}

}  // namespace

Trial* find_trial(std::vector<Trial>& trials, std::int64_t number, int attempt) {
  auto it = lower(trials.begin(), trials.end(), number, attempt);
  if (it == trials.end() || it->number != number || it->attempt != attempt) return nullptr;
  return &*it;
}

const Trial* find_trial(const std::vector<Trial>& trials, std::int64_t number, int attempt) {
  auto it = lower(trials.begin(), trials.end(), number, attempt);
  if (it == trials.end() || it->number != number || it->attempt != attempt) return nullptr;
  return &*it;
}

void upsert_trial(std::vector<Trial>& trials, Trial t, bool keep_reports) {
  if (trials.empty() || key_less(trials.back(), t.number, t.attempt)) {
    trials.push_back(std::move(t));
    return;
  }
  auto it = lower(trials.begin(), trials.end(), t.number, t.attempt);
  if (it != trials.end() && it->number == t.number && it->attempt == t.attempt) {
    if (keep_reports && t.reports.empty()) t.reports = std::move(it->reports);
    *it = std::move(t);
  } else {
    trials.insert(it, std::move(t));
  }
}

}  // namespace hpo
