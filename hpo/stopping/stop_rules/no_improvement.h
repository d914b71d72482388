// no_improvement: stop after `patience` finished trials without progress. With one objective
// (or an explicit `metric`) progress is a better best value; with several it is a larger
// front hypervolume, measured in objectives normalized by bounds frozen after the warm-up
// (as for hypervolume_plateau). The classic patience criterion of early stopping
// (Prechelt, 1998, "Early stopping - but when?") applied to a whole study.
//
//   early_stop: [{type: no_improvement, patience: 30, warmup: 10}]
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "hpo/core/component_spec.h"
#include "hpo/core/registry.h"
#include "hpo/core/stop_rule.h"

namespace hpo {

class NoImprovementRule final : public StopRule {
 public:
  struct Options {
    std::int64_t patience = 20;  // finished trials without improvement before stopping
    std::int64_t warmup = 10;    // finished trials before the rule may fire
    std::string metric;          // "" = single objective: that one; several: the front
    std::string direction;       // "" = the objective's direction
    double min_delta = 0.0;      // improvement smaller than this does not count (metric
                                 // units; relative hypervolume for the front)
    std::string validate() const;
  };

  explicit NoImprovementRule(Options options) : options_(std::move(options)) {}
  StopVerdict check(const StudyView& study) override;

  static std::unique_ptr<StopRule> create(const ComponentSpec& spec, const FactoryContext& ctx);

 private:
  Options options_;
};

}  // namespace hpo
