#include "samplers/registry.h"

#include "samplers/gp_sampler.h"
#include "samplers/grid_sampler.h"
#include "samplers/nsga2_sampler.h"
#include "samplers/qmc_sampler.h"
#include "samplers/random_sampler.h"
#include "samplers/tpe_sampler.h"
#include "hpo/core/study_spec.h"

namespace samplers {

void register_samplers(hpo::Registry& registry) {
  registry.samplers["random"] = [](const hpo::ComponentSpec& s, const hpo::FactoryContext&) {
    return RandomSampler::create(s);
  };
  registry.samplers["gp"] = [](const hpo::ComponentSpec& s, const hpo::FactoryContext& c) { return GpSampler::create(s, c); };
  registry.samplers["qmc"] = [](const hpo::ComponentSpec& s, const hpo::FactoryContext&) { return QmcSampler::create(s); };
  registry.samplers["grid"] = [](const hpo::ComponentSpec& s, const hpo::FactoryContext&) { return GridSampler::create(s); };
  registry.samplers["tpe"] = [](const hpo::ComponentSpec& s, const hpo::FactoryContext& c) { return TpeSampler::create(s, c.study && c.study->budget.trials ? static_cast<int>(*c.study->budget.trials) : 0); };
  registry.samplers["nsga2"] = [](const hpo::ComponentSpec& s, const hpo::FactoryContext&) { return Nsga2Sampler::create(s); };
}

}  // namespace samplers
