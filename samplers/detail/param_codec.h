// How density-model samplers (tpe, nsga2) see one searchable parameter: continuous (unit
// value), discrete (index of one of at most kMaxDiscrete values of an int or stepped float,
// each with its unit position and slice) or categorical (choice index).
#pragma once

#include <vector>

#include "hpo/core/search_space.h"
#include "samplers/detail/parzen_estimator.h"

namespace samplers::detail {

struct ParamCodec {
  static constexpr std::size_t kMaxDiscrete = 64;
  std::size_t param = 0;  // index in space.params
  DimInfo info;

  static ParamCodec make(const hpo::SearchSpace& space, std::size_t index);
  // Coordinate of `value` (unit value, or value/choice index as a double).
  double encode(const hpo::SearchSpace& space, const hpo::ParamValue& value) const;
  hpo::ParamValue decode(const hpo::SearchSpace& space, double x) const;
};

// One codec per searchable (non-fixed) parameter, in space order.
std::vector<ParamCodec> make_codecs(const hpo::SearchSpace& space);

}  // namespace samplers::detail
