// Adds every sampler in this folder to a Registry under its YAML `type`.
#pragma once

#include "hpo/core/registry.h"

namespace samplers {

void register_samplers(hpo::Registry& registry);

}  // namespace samplers
