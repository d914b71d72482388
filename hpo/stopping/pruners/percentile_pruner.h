// percentile: prune a trial whose best intermediate value so far is worse than the given
// percentile of the other complete trials' values at the same step (Optuna's
// PercentilePruner; the median stopping rule of Golovin et al., 2017, "Google Vizier", is the
// 50th percentile, see median_pruner.h). `percentile: 25` keeps trials in the best 25%.
// Works in multi-objective studies on one chosen metric.
//
//   pruner: {type: percentile, percentile: 25, metric: accuracy, warmup_steps: 2, min_trials: 5}
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "hpo/core/component_spec.h"
#include "hpo/core/pruner.h"
#include "hpo/stopping/pruners/pruner_common.h"

namespace hpo {

class PercentilePruner final : public Pruner {
 public:
  struct Options {
    MetricOptions metric;
    double percentile = 25.0;       // 0..100: the share of trials kept
    std::int64_t warmup_steps = 0;  // no pruning before this step
    std::int64_t min_trials = 5;    // complete trials with a value at the step, at least
    std::string validate() const;
  };

  PercentilePruner(Options options, std::string name)
      : options_(std::move(options)), name_(std::move(name)) {}
  PruneVerdict should_prune(const StudyView& study, const Trial& trial) override;

  static std::unique_ptr<Pruner> create(const ComponentSpec& spec, const FactoryContext& ctx);
  // The options percentile and median share (metric, warmup_steps, min_trials).
  static Options read_shared_options(OptionsReader& r, const FactoryContext& ctx);

 private:
  Options options_;
  std::string name_;  // "percentile" or "median", for reasons
};

}  // namespace hpo
