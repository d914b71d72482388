#include "samplers/detail/param_codec.h"

#include <algorithm>
#include <cmath>

namespace samplers::detail {

ParamCodec ParamCodec::make(const hpo::SearchSpace& space, std::size_t index) {
  ParamCodec c;
  c.param = index;
  const auto& p = space.params[index];
  if (p.kind == hpo::ParamKind::kCategorical) {
    c.info.kind = DimInfo::Kind::kCategorical;
    c.info.n_values = p.choices.size();
    return c;
  }
  const std::size_t card = p.cardinality();
  if (card == 0 || card > kMaxDiscrete) return c;  // continuous
  c.info.kind = DimInfo::Kind::kDiscrete;
  c.info.n_values = card;
  const double st = p.step.value_or(1.0);
  for (std::size_t j = 0; j < card; ++j) {
    const double x = std::min(p.low + static_cast<double>(j) * st, p.high);
    const hpo::ParamValue v = p.kind == hpo::ParamKind::kInt
                                  ? hpo::ParamValue(static_cast<std::int64_t>(std::llround(x)))
                                  : hpo::ParamValue(x);
    c.info.positions.push_back(p.to_unit(v));
  }
  c.info.boundaries.push_back(0.0);
  for (std::size_t j = 0; j + 1 < card; ++j)
    c.info.boundaries.push_back(0.5 * (c.info.positions[j] + c.info.positions[j + 1]));
  c.info.boundaries.push_back(1.0);
  return c;
}

double ParamCodec::encode(const hpo::SearchSpace& space, const hpo::ParamValue& value) const {
  const auto& p = space.params[param];
  switch (info.kind) {
    case DimInfo::Kind::kCategorical:
      for (std::size_t j = 0; j < p.choices.size(); ++j)
        if (hpo::params_equal(p.choices[j], value)) return static_cast<double>(j);
      return 0.0;
    case DimInfo::Kind::kDiscrete: {
      const double u = p.to_unit(value);
      const auto it = std::upper_bound(info.boundaries.begin() + 1, info.boundaries.end() - 1, u);
      return static_cast<double>(it - (info.boundaries.begin() + 1));
    }
    case DimInfo::Kind::kContinuous:
      return p.to_unit(value);
  }
  return 0.0;
}

hpo::ParamValue ParamCodec::decode(const hpo::SearchSpace& space, double x) const {
  const auto& p = space.params[param];
  switch (info.kind) {
    case DimInfo::Kind::kCategorical: {
      const auto j = static_cast<std::size_t>(
          std::clamp(x, 0.0, static_cast<double>(p.choices.size() - 1)));
      return p.choices[j];
    }
    case DimInfo::Kind::kDiscrete: {
      const auto j = static_cast<std::size_t>(
          std::clamp(x, 0.0, static_cast<double>(info.n_values - 1)));
      return p.from_unit(info.positions[j]);
    }
    case DimInfo::Kind::kContinuous:
      return p.from_unit(x);
  }
  return p.from_unit(x);
}

std::vector<ParamCodec> make_codecs(const hpo::SearchSpace& space) {
  std::vector<ParamCodec> out;
  for (std::size_t i = 0; i < space.params.size(); ++i)
    if (space.params[i].kind != hpo::ParamKind::kFixed) out.push_back(ParamCodec::make(space, i));
  return out;
}

}  // namespace samplers::detail
