#include "samplers/grid_sampler.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>

#include "hpo/core/config_error.h"
#include "hpo/core/options_reader.h"
#include "samplers/rng.h"

namespace samplers {

std::string GridSampler::Options::validate() const {
  if (n_points < 1) return "n_points must be >= 1 (got " + std::to_string(n_points) + ")";
  if (max_points < 1) return "max_points must be >= 1";
  return "";
}

std::vector<hpo::ParamValue> GridSampler::values_of(const hpo::ParamSpec& p) const {
  std::vector<hpo::ParamValue> out;
  if (p.kind == hpo::ParamKind::kFixed) return {p.fixed};
  if (p.kind == hpo::ParamKind::kCategorical) return p.choices;
  const std::size_t card = p.cardinality();
  if (card > 0 && card <= static_cast<std::size_t>(options_.n_points)) {
    const double st = p.step.value_or(1.0);
    for (std::size_t k = 0; k < card; ++k) {
      const double x = p.low + static_cast<double>(k) * st;
      if (p.kind == hpo::ParamKind::kInt)
        out.emplace_back(static_cast<std::int64_t>(std::llround(x)));
      else
        out.emplace_back(std::min(x, p.high));
    }
    return out;
  }
  // Evenly spaced in the unit encoding; ends map to low and high (ints: their slice centres).
  const int n = options_.n_points;
  for (int k = 0; k < n; ++k) {
    double u = n == 1 ? 0.5 : static_cast<double>(k) / (n - 1);
    if (p.kind == hpo::ParamKind::kInt) u = p.to_unit(p.from_unit(u));
    hpo::ParamValue v = p.from_unit(u);
    if (std::none_of(out.begin(), out.end(),
                     [&](const hpo::ParamValue& w) { return hpo::params_equal(v, w); }))
      out.push_back(std::move(v));
  }
  return out;
}

std::string GridSampler::signature(const hpo::SearchSpace& space) const {
  std::string s;
  for (const auto& p : space.params) {
    s += p.name + '|' + std::to_string(static_cast<int>(p.kind)) + '|' + hpo::format_double(p.low) +
         '|' + hpo::format_double(p.high) + '|' + (p.log ? "l" : "") +
         (p.step ? hpo::format_double(*p.step) : "") + '|' + std::to_string(p.choices.size()) +
         (p.condition ? "c" + p.condition->parent : "") + ';';
  }
  return s;
}

void GridSampler::build(const hpo::SearchSpace& space) const {
  const std::string sig = signature(space);
  if (sig == built_for_ && !points_.empty()) return;
  points_.clear();
  std::vector<std::vector<hpo::ParamValue>> values(space.params.size());
  for (std::size_t i = 0; i < space.params.size(); ++i)
    if (space.params[i].kind != hpo::ParamKind::kFixed) values[i] = values_of(space.params[i]);
  // Depth-first over the parameters in order; inactive and fixed ones add no branching.
  hpo::Params current;
  const auto recurse = [&](auto&& self, std::size_t i) -> void {
    if (static_cast<std::int64_t>(points_.size()) > options_.max_points)
      throw std::invalid_argument("grid: more than max_points (" +
                                  std::to_string(options_.max_points) +
                                  ") grid points; lower n_points or coarsen steps");
    if (i == space.params.size()) {
      points_.push_back(current);
      return;
    }
    const auto& p = space.params[i];
    if (p.kind == hpo::ParamKind::kFixed || !space.is_active(p, current)) {
      self(self, i + 1);
      return;
    }
    for (const auto& v : values[i]) {
      current[p.name] = v;
      self(self, i + 1);
    }
    current.erase(p.name);
  };
  recurse(recurse, 0);
  if (options_.shuffle) {
    std::mt19937_64 rng(splitmix64(options_.seed ^ 0x6A1DULL));
    // Fisher-Yates with our own index draws: the order is the same on every standard library.
    for (std::size_t i = points_.size(); i > 1; --i) {
      const auto j = static_cast<std::size_t>(rng() % i);
      std::swap(points_[i - 1], points_[j]);
    }
  }
  built_for_ = sig;
}

std::size_t GridSampler::grid_size(const hpo::SearchSpace& space) const {
  build(space);
  return points_.size();
}

hpo::Params GridSampler::suggest(const hpo::StudyView& study, std::int64_t trial_number) {
  build(study.space);
  const auto n = static_cast<std::size_t>(trial_number < 0 ? 0 : trial_number);
  // Past the end (the loop should have stopped on exhausted()): start over.
  return points_[n % points_.size()];
}

bool GridSampler::exhausted(const hpo::StudyView& study) const {
  std::int64_t next = 0;
  for (const auto& t : study.trials) next = std::max(next, t.number + 1);
  return static_cast<std::size_t>(next) >= grid_size(study.space);
}

std::unique_ptr<hpo::Sampler> GridSampler::create(const hpo::ComponentSpec& spec) {
  hpo::OptionsReader r(spec.options, spec.key);
  Options o;
  o.seed = static_cast<std::uint64_t>(r.integer("seed", 0));
  o.n_points = static_cast<int>(r.integer("n_points", o.n_points));
  o.shuffle = r.boolean("shuffle", o.shuffle);
  o.max_points = r.integer("max_points", o.max_points);
  r.finish();
  if (auto e = o.validate(); !e.empty()) {
    const std::string key = o.n_points < 1 ? "n_points" : "max_points";
    throw hpo::ConfigError(r.key(key), e);
  }
  return std::make_unique<GridSampler>(o);
}

}  // namespace samplers
