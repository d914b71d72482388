// Sampler: proposes the values of the next trial from the study so far.
//
// Contract (checked for every registered sampler by tests/samplers/sampler_contract_test.cc):
// - `suggest` returns exactly the active parameters of the space with valid values (fixed
//   parameters are added by the study loop, so samplers may ignore them).
// - Determinism: the result depends only on the options (including the seed), the trial
//   number and the trials in the view, never on wall time or call order. Random streams are
//   derived from (seed, trial_number), so the same seed gives the same sequence whatever
//   order trials finish in.
// - Running trials (state kRunning) are in the view so a sampler can avoid proposing them
//   again (constant liar, kriging believer).
// - Failed/pruned/interrupted trials must not break the sampler.
// Not thread-safe: the study loop calls it from one thread.
#pragma once

#include <cstdint>
#include <string_view>

#include "hpo/core/param_value.h"
#include "hpo/core/study_view.h"

namespace hpo {

class Sampler {
 public:
  virtual ~Sampler() = default;
  Sampler() = default;
  Sampler(const Sampler&) = delete;
  Sampler& operator=(const Sampler&) = delete;

  virtual Params suggest(const StudyView& study, std::int64_t trial_number) = 0;
  virtual std::string_view name() const = 0;
  // True when the sampler has no new configuration left to propose (e.g. `grid` after every
  // grid point was handed out); the study loop then stops with that reason. Default: never.
  virtual bool exhausted(const StudyView& /*study*/) const { return false; }
};

}  // namespace hpo
