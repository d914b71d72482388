#include "objectives/problems.h"

#include <cmath>
#include <numbers>
#include <stdexcept>

namespace objectives {
namespace {

constexpr double kPi = std::numbers::pi;

double zdt_g(const std::vector<double>& x) {
  double s = 0;
  for (std::size_t i = 1; i < x.size(); ++i) s += x[i];
  return 1.0 + 9.0 * s / static_cast<double>(x.size() - 1);
}

std::vector<double> zdt(int variant, const std::vector<double>& x) {
  const double f1 = x[0];
  const double g = zdt_g(x);
  double h = 0;
  switch (variant) {
    case 1: h = 1.0 - std::sqrt(f1 / g); break;
    case 2: h = 1.0 - (f1 / g) * (f1 / g); break;
    default: h = 1.0 - std::sqrt(f1 / g) - (f1 / g) * std::sin(10.0 * kPi * f1); break;
  }
  return {f1, g * h};
}

std::vector<double> dtlz2(const std::vector<double>& x) {
  // M = 2 objectives: k = n - 1 distance variables.
  double g = 0;
  for (std::size_t i = 1; i < x.size(); ++i) g += (x[i] - 0.5) * (x[i] - 0.5);
  return {(1 + g) * std::cos(x[0] * kPi / 2), (1 + g) * std::sin(x[0] * kPi / 2)};
}

std::vector<double> branin_currin(const std::vector<double>& x) {
  const double u = 15 * x[0] - 5, v = 15 * x[1];
  const double t = v - 5.1 / (4 * kPi * kPi) * u * u + 5 / kPi * u - 6;
  const double branin = t * t + 10 * (1 - 1 / (8 * kPi)) * std::cos(u) + 10;
  const double a = x[0], b = x[1];
  const double factor = b > 0 ? 1 - std::exp(-1 / (2 * b)) : 1.0;
  const double currin = factor * (2300 * a * a * a + 1900 * a * a + 2092 * a + 60) /
                        (100 * a * a * a + 500 * a * a + 4 * a + 20);
  return {branin, currin};
}

}  // namespace

const std::vector<Problem>& problems() {
  static const std::vector<Problem> kProblems{
      {"zdt1", 6, 2, {11, 11}},
      {"zdt2", 6, 2, {11, 11}},
      {"zdt3", 6, 2, {11, 11}},
      {"dtlz2", 6, 2, {2.5, 2.5}},
      {"branin_currin", 2, 2, {18.0, 6.0}},
  };
  return kProblems;
}

const Problem* find_problem(std::string_view name) {
  for (const auto& p : problems())
    if (p.name == name) return &p;
  return nullptr;
}

std::vector<double> evaluate(std::string_view name, const std::vector<double>& x) {
  const Problem* p = find_problem(name);
  if (!p) throw std::invalid_argument("unknown problem '" + std::string(name) + "'");
  for (double xi : x)
    if (!(xi >= 0.0 && xi <= 1.0))
      throw std::invalid_argument(std::string(name) + ": every variable must be in [0, 1]");
  if (name == "branin_currin") {
    if (x.size() != 2) throw std::invalid_argument("branin_currin takes exactly 2 variables");
    return branin_currin(x);
  }
  if (x.size() < 2) throw std::invalid_argument(std::string(name) + " needs at least 2 variables");
  if (name == "zdt1") return zdt(1, x);
  if (name == "zdt2") return zdt(2, x);
  if (name == "zdt3") return zdt(3, x);
  return dtlz2(x);
}

}  // namespace objectives
