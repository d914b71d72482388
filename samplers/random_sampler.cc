#include "samplers/random_sampler.h"

#include "hpo/core/options_reader.h"
#include "samplers/detail/running.h"
#include "samplers/rng.h"

namespace samplers {

hpo::Params sample_uniform(const hpo::SearchSpace& space, std::mt19937_64& rng) {
  hpo::Params out;
  for (const auto& p : space.params) {
    if (p.kind == hpo::ParamKind::kFixed || !space.is_active(p, out)) continue;
    out[p.name] = p.from_unit(uniform01(rng));
  }
  return out;
}

hpo::Params RandomSampler::suggest(const hpo::StudyView& study, std::int64_t trial_number) {
  auto rng = trial_rng(options_.seed, trial_number);
  auto params = sample_uniform(study.space, rng);
  // Parallel trials: redraw (from further streams of the same trial) rather than hand out the
  // values of a running trial again. Without running duplicates the stream is unchanged.
  for (std::uint64_t salt = 1; salt <= 32 && detail::duplicates_running(study, params); ++salt) {
    auto again = trial_rng(options_.seed, trial_number, salt);
    params = sample_uniform(study.space, again);
  }
  return params;
}

std::unique_ptr<hpo::Sampler> RandomSampler::create(const hpo::ComponentSpec& spec) {
  hpo::OptionsReader r(spec.options, spec.key);
  Options o;
  o.seed = static_cast<std::uint64_t>(r.integer("seed", 0));
  r.finish();
  return std::make_unique<RandomSampler>(o);
}

}  // namespace samplers
