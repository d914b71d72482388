// hyperband: several ASHA brackets with different aggressiveness (Li et al., 2018,
// "Hyperband: a novel bandit-based approach to hyperparameter optimization", JMLR). With
// eta = reduction_factor there are floor(log_eta(max_resource / min_resource)) + 1 brackets;
// bracket b runs successive halving with min_early_stopping_rate b, and trial n belongs to
// bracket n mod (number of brackets), competing only with trials of its own bracket. So the
// assignment is deterministic and survives a resume. `max_resource: 0` takes the largest
// step reported by the first complete trial (no pruning before one exists).
//
//   pruner: {type: hyperband, metric: accuracy, min_resource: 1, max_resource: 81,
//            reduction_factor: 3}
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "hpo/core/component_spec.h"
#include "hpo/core/pruner.h"
#include "hpo/stopping/pruners/pruner_common.h"

namespace hpo {

class HyperbandPruner final : public Pruner {
 public:
  struct Options {
    MetricOptions metric;
    std::int64_t min_resource = 1;
    std::int64_t max_resource = 0;  // 0 = from the first complete trial
    std::int64_t reduction_factor = 3;
    std::string validate() const;
  };

  explicit HyperbandPruner(Options options) : options_(std::move(options)) {}
  PruneVerdict should_prune(const StudyView& study, const Trial& trial) override;

  // Number of brackets for a given maximum resource.
  std::int64_t bracket_count(std::int64_t max_resource) const;

  static std::unique_ptr<Pruner> create(const ComponentSpec& spec, const FactoryContext& ctx);

 private:
  Options options_;
};

}  // namespace hpo
