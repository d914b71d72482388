// hypervolume_plateau: stop when the Pareto front stops growing. After a warm-up, the
// objectives are normalized with bounds frozen from the complete trials seen then (ideal and
// nadir, reference point at the nadir plus 10%), so rescaling by later trials cannot fake or
// hide progress; the rule fires when the front's hypervolume in that frame improved by less
// than `min_improvement` (relative) over the last `window` finished trials. The plateau test
// of multi-objective terminators (e.g. the hypervolume-based stopping criteria surveyed by
// Wagner, Trautmann & Martí, 2011, "A taxonomy of online stopping criteria for
// multi-objective evolutionary algorithms").
//
//   early_stop: [{type: hypervolume_plateau, window: 20, min_improvement: 0.01, warmup: 20}]
//
// `window` and `warmup` not given: 20 each, or, when the study has a trial budget, a quarter
// of it clamped to [15, 20] (a 60-trial study: 15), so the rule can act on short studies
// (it cannot fire before warmup + window finished trials) without judging on fewer than 15.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "hpo/core/component_spec.h"
#include "hpo/core/registry.h"
#include "hpo/core/stop_rule.h"

namespace hpo {

class HypervolumePlateauRule final : public StopRule {
 public:
  struct Options {
    std::int64_t window = 20;       // finished trials the improvement is measured over
    double min_improvement = 0.01;  // relative hypervolume gain below which the study stops
    std::int64_t warmup = 20;       // finished trials before the bounds are frozen
    // "" when valid, else "<option>: <what is wrong>".
    std::string validate() const;
  };

  // Window and warm-up used when the study does not give them (see above).
  static std::int64_t default_length(std::optional<std::int64_t> budget_trials);

  explicit HypervolumePlateauRule(Options options) : options_(options) {}
  StopVerdict check(const StudyView& study) override;

  static std::unique_ptr<StopRule> create(const ComponentSpec& spec, const FactoryContext& ctx);

 private:
  Options options_;
};

}  // namespace hpo
