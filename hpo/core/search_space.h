// The search space: typed parameters (float, int, categorical, fixed), log scales, steps and
// conditional parameters (a parameter that exists only when a parent parameter has one of
// given values, e.g. `momentum` only when `optimizer: sgd`).
//
// Samplers work in a shared *unit encoding*: every active numeric parameter maps to [0, 1]
// (after the log transform when `log: true`; integers span [low-0.5, high+0.5] so that each
// integer owns an equal slice), and a categorical parameter maps to its choice index. This is
// the encoding Optuna and SMAC use for the same reason: one place gets rounding, steps and log
// scales right, and every sampler inherits it.
//
//   SearchSpace space;  // usually built by the YAML or sweep parser
//   const ParamSpec& lr = space.params[0];
//   ParamValue v = lr.from_unit(0.5);   // geometric midpoint if log
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "hpo/core/param_value.h"

namespace hpo {

enum class ParamKind { kFloat, kInt, kCategorical, kFixed };

// The parameter exists only when `parent` has one of `values`.
struct Condition {
  std::string parent;
  std::vector<ParamValue> values;
};

struct ParamSpec {
  std::string name;
  ParamKind kind = ParamKind::kFloat;
  double low = 0.0;   // float and int
  double high = 1.0;  // float and int, inclusive
  bool log = false;
  std::optional<double> step;       // float and int: values are low + k*step
  std::vector<ParamValue> choices;  // categorical
  ParamValue fixed;                 // fixed
  std::optional<Condition> condition;

  bool is_numeric() const { return kind == ParamKind::kFloat || kind == ParamKind::kInt; }
  // Maps u in [0, 1] to a valid value (clamped, rounded, snapped to step, typed).
  ParamValue from_unit(double u) const;
  // Inverse of from_unit: the centre of the value's slice, in [0, 1].
  double to_unit(const ParamValue& value) const;
  // Number of distinct values for categorical/int/stepped floats; 0 for continuous floats.
  std::size_t cardinality() const;
  // True if `value` has the right type and lies in bounds, on the step grid, or among choices.
  bool contains(const ParamValue& value) const;
  // "" when the spec is consistent, else a sentence naming the rule broken.
  std::string validate() const;
};

class SearchSpace {
 public:
  std::vector<ParamSpec> params;  // parents precede the parameters that depend on them

  const ParamSpec* find(const std::string& name) const;
  // Is `p` active given the values chosen so far (its parent present with a listed value)?
  bool is_active(const ParamSpec& p, const Params& chosen) const;
  // Numeric/categorical parameters that samplers choose (not fixed ones).
  std::size_t searchable_count() const;
  // Adds the fixed parameters (when active) to `params`.
  void add_fixed(Params& params) const;
  // Checks that `params` holds exactly the active parameters with valid values.
  std::string check(const Params& params) const;
  // "" or the first problem: duplicates, bad bounds, unknown/later condition parents.
  std::string validate() const;
};

}  // namespace hpo
