#include "hpo/stopping_registry.h"

#include "hpo/pruners/asha_pruner.h"
#include "hpo/pruners/hyperband_pruner.h"
#include "hpo/pruners/median_pruner.h"
#include "hpo/pruners/pareto_pruner.h"
#include "hpo/pruners/patience_pruner.h"
#include "hpo/pruners/percentile_pruner.h"
#include "hpo/stop_rules/hypervolume_plateau.h"
#include "hpo/stop_rules/marginal_gain.h"
#include "hpo/stop_rules/no_improvement.h"

namespace hpo {

void register_stop_rules(Registry& registry) {
  registry.stop_rules["hypervolume_plateau"] = &HypervolumePlateauRule::create;
  registry.stop_rules["marginal_gain"] = &MarginalGainRule::create;
  registry.stop_rules["no_improvement"] = &NoImprovementRule::create;
}

void register_pruners(Registry& registry) {
  registry.pruners["median"] = &create_median_pruner;
  registry.pruners["percentile"] = &PercentilePruner::create;
  registry.pruners["asha"] = &AshaPruner::create;
  registry.pruners["hyperband"] = &HyperbandPruner::create;
  registry.pruners["patience"] = &PatiencePruner::create;
  registry.pruners["pareto"] = &ParetoPruner::create;
}

std::unique_ptr<Pruner> make_builtin_pruner(const ComponentSpec& spec, const FactoryContext& ctx) {
  Registry local;
  register_pruners(local);
  return local.make_pruner(spec, ctx);
}

}  // namespace hpo
