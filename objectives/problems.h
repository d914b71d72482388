// Standard multi-objective test problems, both objectives minimized:
// ZDT1, ZDT2, ZDT3 (Zitzler, Deb & Thiele, 2000, "Comparison of multiobjective evolutionary
// algorithms: empirical results"), DTLZ2 (Deb, Thiele, Laumanns & Zitzler, 2002, "Scalable
// multi-objective optimization test problems") with 2 objectives, and Branin-Currin (the
// Branin function and Currin et al.'s exponential function on [0,1]^2, as used in BoTorch's
// multi-objective tutorials). Inputs are in [0, 1]^n.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace objectives {

struct Problem {
  std::string name;
  int n_vars;        // default dimension
  int n_objectives;  // 2 for all of these
  std::vector<double> hv_reference;  // reference point used in the benchmarks
};

// Known problem names: zdt1, zdt2, zdt3, dtlz2, branin_currin.
const std::vector<Problem>& problems();
const Problem* find_problem(std::string_view name);

// Evaluates `name` at x (each in [0, 1]); throws std::invalid_argument on an unknown name
// or a wrong dimension (ZDT/DTLZ2 take any n >= 2, Branin-Currin exactly 2).
std::vector<double> evaluate(std::string_view name, const std::vector<double>& x);

}  // namespace objectives
