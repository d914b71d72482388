#include "samplers/registry.h"

#include "samplers/random_sampler.h"

namespace samplers {

void register_samplers(hpo::Registry& registry) {
  registry.samplers["random"] = [](const hpo::ComponentSpec& s, const hpo::FactoryContext&) {
    return RandomSampler::create(s);
  };
  // One line per sampler: registry.samplers["tpe"] = ...
}

}  // namespace samplers
