// Registration of the study-level stop rules (`early_stop:`) and trial-level pruners
// (`pruner:`) shipped in hpo/stop_rules and hpo/pruners. The CLI builds one Registry and
// calls these; nothing registers itself statically.
//
//   hpo::Registry registry;
//   hpo::register_stop_rules(registry);  // hypervolume_plateau, marginal_gain, no_improvement
//   hpo::register_pruners(registry);     // median, percentile, asha, hyperband, patience, pareto
#pragma once

#include <memory>

#include "hpo/registry.h"

namespace hpo {

void register_stop_rules(Registry& registry);
void register_pruners(Registry& registry);

// Builds one of the pruners above by `spec.type` (used by `patience` for its `wrapped`
// pruner); throws ConfigError(spec.key + "/type") for an unknown type.
std::unique_ptr<Pruner> make_builtin_pruner(const ComponentSpec& spec, const FactoryContext& ctx);

}  // namespace hpo
