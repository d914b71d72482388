#include "samplers/qmc_sampler.h"

#include <stdexcept>

#include "hpo/core/config_error.h"
#include "hpo/core/options_reader.h"
#include "samplers/detail/running.h"
#include "samplers/detail/sobol_scramble.h"
#include "samplers/detail/unit_encoding.h"
#include "samplers/rng.h"

namespace samplers {

hpo::Params QmcSampler::suggest(const hpo::StudyView& study, std::int64_t trial_number) {
  const auto searchable = detail::searchable_indices(study.space);
  if (searchable.size() > 3667)
    throw std::invalid_argument("qmc supports at most 3667 parameters, the space has " +
                                std::to_string(searchable.size()));
  const std::uint64_t seed = options_.scramble ? splitmix64(options_.seed ^ 0x51A1ULL) : 0;
  const auto point_at = [&](std::uint64_t index) {
    const auto u =
        detail::scrambled_sobol_point(index, searchable.size(), seed, options_.scramble);
    return detail::decode_unit(study.space, searchable, u);
  };
  const auto n = static_cast<std::uint64_t>(trial_number < 0 ? 0 : trial_number);
  auto params = point_at(n);
  // Parallel trials: never hand out the values of a running trial again. Later points come
  // from a far region of the sequence that trial numbers do not reach.
  for (std::uint64_t k = 1; k <= 64 && detail::duplicates_running(study, params); ++k)
    params = point_at((k << 26) + n);
  return params;
}

std::unique_ptr<hpo::Sampler> QmcSampler::create(const hpo::ComponentSpec& spec) {
  hpo::OptionsReader r(spec.options, spec.key);
  Options o;
  o.seed = static_cast<std::uint64_t>(r.integer("seed", 0));
  o.scramble = r.boolean("scramble", o.scramble);
  r.finish();
  if (auto e = o.validate(); !e.empty()) throw hpo::ConfigError(spec.key, e);
  return std::make_unique<QmcSampler>(o);
}

}  // namespace samplers
