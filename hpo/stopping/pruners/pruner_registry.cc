#include "hpo/stopping/pruners/pruner_registry.h"

#include "hpo/stopping/pruners/asha_pruner.h"
#include "hpo/stopping/pruners/hyperband_pruner.h"
#include "hpo/stopping/pruners/median_pruner.h"
#include "hpo/stopping/pruners/pareto_pruner.h"
#include "hpo/stopping/pruners/patience_pruner.h"
#include "hpo/stopping/pruners/percentile_pruner.h"

namespace hpo {

void register_pruners(Registry& registry) {
  registry.pruners["median"] = &create_median_pruner;
  registry.pruners["percentile"] = &PercentilePruner::create;
  registry.pruners["asha"] = &AshaPruner::create;
  registry.pruners["hyperband"] = &HyperbandPruner::create;
  registry.pruners["patience"] = &PatiencePruner::create;
  registry.pruners["pareto"] = &ParetoPruner::create;
}

}  // namespace hpo
