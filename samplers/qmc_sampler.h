// Quasi-Monte Carlo search with scrambled Sobol points (Sobol', 1967; Owen scrambling, Owen,
// 1995; see samplers/detail/sobol_scramble.h). Trial n takes point n of the sequence in the
// unit encoding of the searchable parameters, so the first 2^m trials fill every elementary
// interval evenly: better coverage than random search for the same budget (Bergstra &
// Bengio, 2012, Sec. 5). Conditional parameters keep their coordinate and use it only when
// active. A proposal equal to a running trial's values moves to a later, unused point.
//
//   sampler: {type: qmc, seed: 7}
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "hpo/core/component_spec.h"
#include "hpo/core/sampler.h"

namespace samplers {

class QmcSampler final : public hpo::Sampler {
 public:
  struct Options {
    std::uint64_t seed = 0;  // scrambling seed: the same seed gives the same points
    bool scramble = true;    // false: plain Sobol points (seed unused)
    std::string validate() const { return ""; }
  };

  explicit QmcSampler(Options options) : options_(options) {}
  hpo::Params suggest(const hpo::StudyView& study, std::int64_t trial_number) override;
  std::string_view name() const override { return "qmc"; }

  static std::unique_ptr<hpo::Sampler> create(const hpo::ComponentSpec& spec);

 private:
  Options options_;
};

}  // namespace samplers
