#include "hpo/core/objective.h"

#include <algorithm>

namespace hpo {

std::string_view to_string(Direction d) {
  return d == Direction::kMaximize ? "maximize" : "minimize";
}

bool parse_direction(std::string_view text, Direction* out) {
  if (text == "minimize" || text == "min") { *out = Direction::kMinimize; return true; }
  if (text == "maximize" || text == "max") { *out = Direction::kMaximize; return true; }
  return false;
}

const std::vector<std::string>& builtin_objectives() {
  static const std::vector<std::string> kNames{"energy_kwh", "co2e_kg", "duration_s", "cpu_s"};
  return kNames;
}

bool is_builtin_objective(std::string_view name) {
  const auto& n = builtin_objectives();
  return std::find(n.begin(), n.end(), name) != n.end();
}

}  // namespace hpo
