// Test helper for compare_test and compare_cli_test: a small study written with StudyStore,
// objectives accuracy (max) and energy_kwh (min), sampler type/seed/energy_aware in its spec.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "hpo/store/study_file.h"
#include "tests/support/storage_test_util.h"

namespace hpo::testing {

struct Rec {
  std::int64_t number;
  int attempt;
  TrialState state;
  double accuracy;  // ignored unless complete
  double kwh;
  double sampler_kwh;
};

inline std::filesystem::path write_study(const TempDir& dir, const std::string& name,
                                         const std::string& sampler, bool energy_aware, int seed,
                                         const std::vector<Rec>& recs,
                                         const std::string& pruner = "") {
  StudyInfo info;
  info.name = name;
  info.source_text = "name: " + name + "\n";
  info.objectives = {{"accuracy", Direction::kMaximize}, {"energy_kwh", Direction::kMinimize}};
  info.param_names = {"x"};
  info.spec = {{"name", name},
               {"sampler", {{"type", sampler},
                            {"options", {{"seed", seed}, {"energy_aware", energy_aware}}},
                            {"key", "/sampler"}}}};
  if (!pruner.empty()) info.spec["pruner"] = {{"type", pruner}, {"options", nlohmann::json::object()}, {"key", "/pruner"}};
  const auto path = dir / (name + ".h5");
  auto store = open_study_file(path, &info);
  for (const auto& r : recs) {
    Trial t;
    t.number = r.number;
    t.attempt = r.attempt;
    t.params["x"] = 0.5;
    t.state = TrialState::kRunning;
    store->trial_started(t);
    t.state = r.state;
    t.energy.energy_kwh = r.kwh;
    t.sampler_kwh = r.sampler_kwh;
    if (r.state == TrialState::kComplete) {
      t.metrics["accuracy"] = r.accuracy;
      t.values = {r.accuracy, r.kwh};
    } else {
      t.reason = "exit status 1";
    }
    store->trial_finished(t);
  }
  store->checkpoint();
  return path;
}

}  // namespace hpo::testing
