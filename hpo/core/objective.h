// An objective: a named figure and whether less or more is better. The built-in figures
// (energy_kwh, co2e_kg, duration_s, cpu_s) come from the meter and the executor; any other
// name is a metric the trial reports on stdout (see docs/trial-protocol.md).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace hpo {

enum class Direction { kMinimize, kMaximize };

struct Objective {
  std::string name;
  Direction direction = Direction::kMinimize;
};

std::string_view to_string(Direction d);
// "minimize"/"min"/"maximize"/"max"; false on anything else.
bool parse_direction(std::string_view text, Direction* out);

// Names the executor and meter fill in rather than the trial.
bool is_builtin_objective(std::string_view name);
const std::vector<std::string>& builtin_objectives();

// Converts a value so that smaller is always better (negates maximized objectives).
inline double to_minimization(double value, Direction d) {
  return d == Direction::kMaximize ? -value : value;
}

}  // namespace hpo
