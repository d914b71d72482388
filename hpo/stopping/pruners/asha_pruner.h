// asha: asynchronous successive halving (Li et al., 2020, "A system for massively parallel
// hyperparameter tuning", MLSys). Rung k sits at step min_resource * eta^(s + k), with
// eta = reduction_factor and s = min_early_stopping_rate. When a trial reaches a rung it is
// compared with every other trial that reached it (running, complete or pruned, so no one
// waits for stragglers) and continues only if it is among the best 1/eta of them (at least the
// single best); otherwise it is pruned. Compares on one metric in any study.
//
//   pruner: {type: asha, metric: accuracy, min_resource: 1, reduction_factor: 3}
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "hpo/core/component_spec.h"
#include "hpo/core/pruner.h"
#include "hpo/stopping/pruners/pruner_common.h"

namespace hpo {

class AshaPruner final : public Pruner {
 public:
  struct Options {
    MetricOptions metric;
    std::int64_t min_resource = 1;             // step of the first rung (r in the paper)
    std::int64_t reduction_factor = 3;         // eta: keep the best 1/eta at each rung
    std::int64_t min_early_stopping_rate = 0;  // s: first rung at r * eta^s
    std::string validate() const;
  };

  explicit AshaPruner(Options options) : options_(std::move(options)) {}
  PruneVerdict should_prune(const StudyView& study, const Trial& trial) override;

  static std::unique_ptr<Pruner> create(const ComponentSpec& spec, const FactoryContext& ctx);

 private:
  Options options_;
};

// The rung decision for `trial` at its latest report, shared with hyperband: `competes`
// selects the trials (other than `trial`) it is compared with. `label` starts the reason.
PruneVerdict successive_halving_decision(const StudyView& study, const Trial& trial,
                                         const MetricChoice& metric, std::int64_t min_resource,
                                         std::int64_t reduction_factor, std::int64_t rate,
                                         const std::function<bool(const Trial&)>& competes,
                                         const std::string& label);

}  // namespace hpo
