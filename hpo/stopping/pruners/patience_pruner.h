// patience: tolerate `patience` steps without improvement before letting a wrapped pruner
// decide (Optuna's PatientPruner). A trial is a candidate only when the best value of its
// last patience+1 reports is no better (by more than `min_delta`) than its best before them;
// then the `wrapped` pruner decides, or, with no wrapped pruner, the trial is pruned (plain
// per-trial early stopping, Prechelt, 1998).
//
//   pruner: {type: patience, patience: 3, min_delta: 0.0, metric: accuracy,
//            wrapped: {type: median, warmup_steps: 2}}
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "hpo/core/component_spec.h"
#include "hpo/core/pruner.h"
#include "hpo/stopping/pruners/pruner_common.h"

namespace hpo {

class PatiencePruner final : public Pruner {
 public:
  struct Options {
    MetricOptions metric;
    std::int64_t patience = 3;  // non-improving steps tolerated
    double min_delta = 0.0;     // improvement smaller than this does not count
    std::string validate() const;
  };

  PatiencePruner(Options options, std::unique_ptr<Pruner> wrapped)
      : options_(std::move(options)), wrapped_(std::move(wrapped)) {}
  PruneVerdict should_prune(const StudyView& study, const Trial& trial) override;

  // The wrapped pruner is any pruner of the registry it is built through (FactoryContext::registry).
  static std::unique_ptr<Pruner> create(const ComponentSpec& spec, const FactoryContext& ctx);

 private:
  Options options_;
  std::unique_ptr<Pruner> wrapped_;  // may be null
};

}  // namespace hpo
