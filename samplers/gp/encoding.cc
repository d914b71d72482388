#include "samplers/gp/encoding.h"

namespace samplers::gp {

Encoding::Encoding(const hpo::SearchSpace& space) : space_(space) {
  for (std::size_t i = 0; i < space.params.size(); ++i) {
    const auto& p = space.params[i];
    if (p.kind == hpo::ParamKind::kFixed) continue;
    const Eigen::Index w =
        p.kind == hpo::ParamKind::kCategorical ? static_cast<Eigen::Index>(p.choices.size()) : 1;
    slots_.push_back({i, dim_, w});
    dim_ += w;
  }
}

Eigen::VectorXd Encoding::encode(const hpo::Params& params) const {
  Eigen::VectorXd u = Eigen::VectorXd::Zero(dim_);
  for (const Slot& s : slots_) {
    const auto& p = space_.params[s.param];
    auto it = params.find(p.name);
    if (p.kind == hpo::ParamKind::kCategorical) {
      if (it == params.end()) continue;  // inactive: all-zero block
      for (std::size_t c = 0; c < p.choices.size(); ++c) {
        if (hpo::params_equal(p.choices[c], it->second)) {
          u(s.offset + static_cast<Eigen::Index>(c)) = 1.0;
          break;
        }
      }
    } else {
      u(s.offset) = it == params.end() ? 0.5 : p.to_unit(it->second);
    }
  }
  return u;
}

hpo::Params Encoding::decode(const Eigen::VectorXd& u) const {
  hpo::Params out;
  for (const Slot& s : slots_) {
    const auto& p = space_.params[s.param];
    if (!space_.is_active(p, out)) continue;
    if (p.kind == hpo::ParamKind::kCategorical) {
      Eigen::Index best = 0;
      for (Eigen::Index c = 1; c < s.width; ++c)
        if (u(s.offset + c) > u(s.offset + best)) best = c;
      out[p.name] = p.choices[static_cast<std::size_t>(best)];
    } else {
      out[p.name] = p.from_unit(u(s.offset));
    }
  }
  return out;
}

}  // namespace samplers::gp
