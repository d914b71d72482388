// Shared pieces of the stop rules and pruners: the order in which trials finished, a
// normalization of the objectives frozen at the end of a warm-up (so later rescaling cannot
// move a hypervolume-based rule), and the choice of the metric a single-metric rule or pruner
// compares on ("metric" and "direction" options, defaulting to the study's objectives).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "hpo/core/objective.h"
#include "hpo/core/options_reader.h"
#include "hpo/front/pareto.h"
#include "hpo/base/result.h"
#include "hpo/core/study_view.h"

namespace hpo {

// Finished records (complete, pruned, failed; not running, not interrupted) in the order they
// finished: by end time, then number, then attempt.
std::vector<const Trial*> finished_in_order(const StudyView& study);

// Minimization-form objective point of a complete trial; nullopt if it lacks a value.
std::optional<Point> objective_point(const Trial& trial, std::span<const Objective> objectives);

// Objectives scaled by bounds frozen from the complete trials among the first `frozen_at`
// finished ones: z = (x - ideal) / (nadir - ideal), reference point 1.1 in every objective
// (the nadir plus a 10% margin).
struct FrozenNormalization {
  Point ideal, scale;
  Point reference;
  std::size_t frozen_at = 0;  // number of finished trials the bounds were taken from

  Point normalize(const Point& p) const;
};

// Freezes the bounds once `warmup` trials have finished and at least one of them is complete
// (later, at the first complete trial, if the warm-up had none). nullopt while not ready.
std::optional<FrozenNormalization> freeze_normalization(const std::vector<const Trial*>& finished,
                                                        std::span<const Objective> objectives,
                                                        std::size_t warmup);

// Hypervolume, in the frozen normalization, of the complete trials among the first `count`.
double frozen_hypervolume(const std::vector<const Trial*>& finished, std::size_t count,
                          std::span<const Objective> objectives, const FrozenNormalization& norm);

// The metric a rule or pruner compares on and whether more is better.
struct MetricChoice {
  std::string name;
  Direction direction = Direction::kMinimize;
};

// `metric` "" means the first objective that is not a built-in (energy_kwh, ...); `direction`
// "" means the objective's own direction. Errors name the option to set.
Result<MetricChoice> resolve_metric(std::span<const Objective> objectives,
                                    const std::string& metric, const std::string& direction);

// Best (in `choice.direction`) final value of the metric among complete trials in `trials`.
std::optional<double> best_value(const std::vector<const Trial*>& trials, std::size_t count,
                                 const MetricChoice& choice);

// Throws ConfigError for a validate() message "<option>: <what is wrong>", keyed on that option.
void throw_if_invalid(const OptionsReader& reader, const std::string& validate_message);

// Short decimal text for messages.
std::string format_number(double x);

}  // namespace hpo
