// Registration of the study-level stop rules (`early_stop:`) shipped in this folder. The CLI
// builds one Registry and calls this; nothing registers itself statically.
//
//   hpo::Registry registry;
//   hpo::register_stop_rules(registry);  // hypervolume_plateau, marginal_gain, no_improvement
#pragma once

#include "hpo/core/registry.h"

namespace hpo {

void register_stop_rules(Registry& registry);

}  // namespace hpo
