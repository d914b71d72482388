#include "meters/measurement.h"

namespace meters {

double Measurement::total_j() const {
  double s = 0;
  for (const auto& c : components) s += c.energy_j;
  return s;
}

bool Measurement::any_estimated() const {
  for (const auto& c : components)
    if (c.estimated) return true;
  return false;
}

}  // namespace meters
