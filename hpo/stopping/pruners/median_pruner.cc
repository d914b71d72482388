#include "hpo/stopping/pruners/median_pruner.h"

#include <utility>

#include "hpo/core/options_reader.h"

namespace hpo {

std::unique_ptr<Pruner> create_median_pruner(const ComponentSpec& spec, const FactoryContext& ctx) {
  OptionsReader r(spec.options, spec.key);
  PercentilePruner::Options o = PercentilePruner::read_shared_options(r, ctx);
  o.percentile = 50.0;
  r.finish();
  throw_if_invalid(r, o.validate());
  return std::make_unique<PercentilePruner>(std::move(o), "median");
}

}  // namespace hpo
