// Registration of the trial-level pruners (`pruner:`) shipped in this folder. The CLI builds
// one Registry and calls this; nothing registers itself statically.
//
//   hpo::Registry registry;
//   hpo::register_pruners(registry);  // median, percentile, asha, hyperband, patience, pareto
#pragma once

#include "hpo/core/registry.h"

namespace hpo {

void register_pruners(Registry& registry);

}  // namespace hpo
