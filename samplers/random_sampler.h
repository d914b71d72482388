// Random search (Bergstra & Bengio, 2012, "Random search for hyper-parameter optimization"):
// each active parameter is drawn uniformly in its unit encoding (so log scales, integers,
// steps and categorical choices are handled by ParamSpec::from_unit), parents before the
// parameters that depend on them.
//
//   sampler: {type: random, seed: 7}
#pragma once

#include <cstdint>
#include <memory>
#include <random>

#include "hpo/core/component_spec.h"
#include "hpo/core/sampler.h"

namespace samplers {

class RandomSampler final : public hpo::Sampler {
 public:
  struct Options {
    std::uint64_t seed = 0;  // the study seed; trial n uses the stream (seed, n)
    std::string validate() const { return ""; }
  };

  explicit RandomSampler(Options options) : options_(options) {}
  hpo::Params suggest(const hpo::StudyView& study, std::int64_t trial_number) override;
  std::string_view name() const override { return "random"; }

  static std::unique_ptr<hpo::Sampler> create(const hpo::ComponentSpec& spec);

 private:
  Options options_;
};

// Draws every active parameter of `space` uniformly with `rng` (shared with other samplers
// for their random start-up trials and for parameters they do not model).
hpo::Params sample_uniform(const hpo::SearchSpace& space, std::mt19937_64& rng);

}  // namespace samplers
