// The GP's input encoding of a search space: one coordinate in [0, 1] per numeric parameter
// (ParamSpec::to_unit, so log scales are handled there and integers/steps sit at the centre
// of their slice) and a one-hot block per categorical parameter (Garrido-Merchán &
// Hernández-Lobato, 2020: rounding/argmax inside the kernel's view keeps the model honest
// about discrete inputs).
//
// Conditional parameters: an inactive numeric parameter is encoded as 0.5 (the centre, so it
// is never far from any active value), an inactive categorical as an all-zero block (a
// pattern no active value has). decode() walks parents before children, so a proposal only
// carries the parameters its own parent values activate.
#pragma once

#include <cstddef>
#include <vector>

#include <Eigen/Core>

#include "hpo/core/search_space.h"

namespace samplers::gp {

class Encoding {
 public:
  explicit Encoding(const hpo::SearchSpace& space);

  Eigen::Index dim() const { return dim_; }
  Eigen::VectorXd encode(const hpo::Params& params) const;
  // Active parameters only; categorical = argmax of its block (first on ties).
  hpo::Params decode(const Eigen::VectorXd& u) const;
  // encode(decode(u)): the point the proposal will really be evaluated at.
  Eigen::VectorXd snap(const Eigen::VectorXd& u) const { return encode(decode(u)); }

 private:
  struct Slot {
    std::size_t param;     // index into space.params
    Eigen::Index offset;   // first coordinate
    Eigen::Index width;    // 1 for numeric, number of choices for categorical
  };
  const hpo::SearchSpace& space_;
  std::vector<Slot> slots_;
  Eigen::Index dim_ = 0;
};

}  // namespace samplers::gp
