#include "hpo/stopping/stop_rules/stop_rule_registry.h"

#include "hpo/stopping/stop_rules/hypervolume_plateau.h"
#include "hpo/stopping/stop_rules/marginal_gain.h"
#include "hpo/stopping/stop_rules/no_improvement.h"

namespace hpo {

void register_stop_rules(Registry& registry) {
  registry.stop_rules["hypervolume_plateau"] = &HypervolumePlateauRule::create;
  registry.stop_rules["marginal_gain"] = &MarginalGainRule::create;
  registry.stop_rules["no_improvement"] = &NoImprovementRule::create;
}

}  // namespace hpo
