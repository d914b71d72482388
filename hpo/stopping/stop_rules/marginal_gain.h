// marginal_gain: stop when more energy (or carbon) no longer buys results: the best value of
// `metric` improved by less than `min_gain` over the last `per` units of cumulative cost.
// Cost counts every finished attempt (complete, pruned, failed) plus the optimizer's own
// energy (sampler_kwh), in the order trials finished. This is the "diminishing returns"
// observation of energy-aware HPO studies turned into a rule, e.g. "stop when the last
// 0.05 kWh bought less than 0.2 points of accuracy".
//
//   early_stop: [{type: marginal_gain, metric: accuracy, cost: energy_kwh, per: 0.05,
//                 min_gain: 0.002, warmup: 10}]
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "hpo/core/component_spec.h"
#include "hpo/core/registry.h"
#include "hpo/core/stop_rule.h"

namespace hpo {

class MarginalGainRule final : public StopRule {
 public:
  struct Options {
    std::string metric;              // "" = the first objective that the trials report
    std::string direction;           // "" = the objective's direction; needed otherwise
    std::string cost = "energy_kwh";  // or "co2e_kg"
    double per = 0.05;               // cost window, in units of `cost`
    double min_gain = 0.002;         // in units of `metric`
    std::int64_t warmup = 10;        // finished trials before the rule may fire
    std::string validate() const;
  };

  explicit MarginalGainRule(Options options) : options_(std::move(options)) {}
  StopVerdict check(const StudyView& study) override;

  static std::unique_ptr<StopRule> create(const ComponentSpec& spec, const FactoryContext& ctx);

 private:
  Options options_;
};

}  // namespace hpo
