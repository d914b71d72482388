// median: the median stopping rule (Golovin et al., 2017, "Google Vizier: a service for
// black-box optimization"): prune a trial whose best intermediate value so far is worse than
// the median of the other complete trials' values at the same step. The 50th percentile of
// PercentilePruner, with the same options except `percentile`.
//
//   pruner: {type: median, metric: accuracy, warmup_steps: 2, min_trials: 5}
#pragma once

#include <memory>

#include "hpo/core/component_spec.h"
#include "hpo/stopping/pruners/percentile_pruner.h"

namespace hpo {

std::unique_ptr<Pruner> create_median_pruner(const ComponentSpec& spec, const FactoryContext& ctx);

}  // namespace hpo
