// Shared helpers for samplers that model trials in the unit encoding of the search space
// (see hpo/search_space.h): one coordinate per searchable (non-fixed) parameter, the
// parameter's to_unit() value when it is active in a trial, or `inactive` when it is not.
#pragma once

#include <vector>

#include "hpo/core/search_space.h"

namespace samplers::detail {

// Indices into space.params of the parameters samplers choose (not fixed ones).
inline std::vector<std::size_t> searchable_indices(const hpo::SearchSpace& space) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < space.params.size(); ++i)
    if (space.params[i].kind != hpo::ParamKind::kFixed) out.push_back(i);
  return out;
}

// Unit encoding of `params` over `searchable`; parameters absent from `params` get `inactive`.
inline std::vector<double> encode_unit(const hpo::SearchSpace& space,
                                       const std::vector<std::size_t>& searchable,
                                       const hpo::Params& params, double inactive = 0.5) {
  std::vector<double> x(searchable.size(), inactive);
  for (std::size_t k = 0; k < searchable.size(); ++k) {
    const auto& p = space.params[searchable[k]];
    auto it = params.find(p.name);
    if (it != params.end()) x[k] = p.to_unit(it->second);
  }
  return x;
}

// Decodes a unit vector over `searchable` into the active parameters (parents first).
inline hpo::Params decode_unit(const hpo::SearchSpace& space,
                               const std::vector<std::size_t>& searchable,
                               const std::vector<double>& x) {
  hpo::Params out;
  for (std::size_t k = 0; k < searchable.size(); ++k) {
    const auto& p = space.params[searchable[k]];
    if (!space.is_active(p, out)) continue;
    out[p.name] = p.from_unit(x[k]);
  }
  return out;
}

}  // namespace samplers::detail
