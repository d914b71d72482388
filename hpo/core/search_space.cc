#include "hpo/core/search_space.h"

#include <algorithm>
#include <cmath>
#include <set>

namespace hpo {
namespace {

double clamp01(double u) {
  if (!(u >= 0.0)) return 0.0;  // also NaN
  return u > 1.0 ? 1.0 : u;
}

// The continuous range a numeric parameter spans before rounding, in transformed units.
struct Span {
  double lo, hi;
};

Span span_of(const ParamSpec& p) {
  double lo = p.low, hi = p.high;
  if (p.kind == ParamKind::kInt) {
    lo -= 0.5;
    hi += 0.5;
  }
  if (p.log) return {std::log(lo), std::log(hi)};
  return {lo, hi};
}

double snap(const ParamSpec& p, double x) {
  if (p.step) {
    const double k_max = std::floor((p.high - p.low) / *p.step + 1e-9);
    double k = std::round((x - p.low) / *p.step);
    k = std::clamp(k, 0.0, k_max);
    x = p.low + k * *p.step;
  }
  return std::clamp(x, p.low, p.high);
}

}  // namespace

ParamValue ParamSpec::from_unit(double u) const {
  u = clamp01(u);
  switch (kind) {
    case ParamKind::kFixed:
      return fixed;
    case ParamKind::kCategorical: {
      const auto n = choices.size();
      auto idx = static_cast<std::size_t>(std::floor(u * static_cast<double>(n)));
      return choices[std::min(idx, n - 1)];
    }
    case ParamKind::kFloat:
    case ParamKind::kInt: {
      const Span s = span_of(*this);
      double t = s.lo + u * (s.hi - s.lo);
      double x = log ? std::exp(t) : t;
      // exp(log(x)) is not always x: pin the ends so the bounds themselves can be drawn.
      if (kind == ParamKind::kFloat && u <= 0.0) x = low;
      if (kind == ParamKind::kFloat && u >= 1.0) x = high;
      if (kind == ParamKind::kInt) {
        x = snap(*this, std::round(x));
        return static_cast<std::int64_t>(std::llround(x));
      }
      return snap(*this, x);
    }
  }
  return fixed;
}

double ParamSpec::to_unit(const ParamValue& value) const {
  switch (kind) {
    case ParamKind::kFixed:
      return 0.5;
    case ParamKind::kCategorical: {
      for (std::size_t i = 0; i < choices.size(); ++i)
        if (params_equal(choices[i], value))
          return (static_cast<double>(i) + 0.5) / static_cast<double>(choices.size());
      return 0.5;
    }
    case ParamKind::kFloat:
    case ParamKind::kInt: {
      const Span s = span_of(*this);
      const double x = param_as_double(value);
      const double t = log ? std::log(std::max(x, 1e-300)) : x;
      if (s.hi == s.lo) return 0.5;
      return clamp01((t - s.lo) / (s.hi - s.lo));
    }
  }
  return 0.5;
}

std::size_t ParamSpec::cardinality() const {
  switch (kind) {
    case ParamKind::kFixed: return 1;
    case ParamKind::kCategorical: return choices.size();
    case ParamKind::kInt: {
      const double st = step.value_or(1.0);
      return static_cast<std::size_t>(std::floor((high - low) / st + 1e-9)) + 1;
    }
    case ParamKind::kFloat:
      if (!step) return 0;
      return static_cast<std::size_t>(std::floor((high - low) / *step + 1e-9)) + 1;
  }
  return 0;
}

bool ParamSpec::contains(const ParamValue& value) const {
  switch (kind) {
    case ParamKind::kFixed:
      return params_equal(value, fixed);
    case ParamKind::kCategorical:
      return std::any_of(choices.begin(), choices.end(),
                         [&](const ParamValue& c) { return params_equal(c, value); });
    case ParamKind::kInt: {
      const auto* i = std::get_if<std::int64_t>(&value);
      if (!i) return false;
      const double x = static_cast<double>(*i);
      if (x < low || x > high) return false;
      if (step) {
        const double k = (x - low) / *step;
        return std::abs(k - std::round(k)) < 1e-9;
      }
      return true;
    }
    case ParamKind::kFloat: {
      const auto* d = std::get_if<double>(&value);
      if (!d || !std::isfinite(*d) || *d < low || *d > high) return false;
      if (step) {
        const double k = (*d - low) / *step;
        return std::abs(k - std::round(k)) < 1e-6;
      }
      return true;
    }
  }
  return false;
}

std::string ParamSpec::validate() const {
  if (name.empty()) return "a parameter needs a name";
  if (is_numeric()) {
    if (!std::isfinite(low) || !std::isfinite(high)) return "low and high must be finite numbers";
    if (low > high) return "low (" + format_double(low) + ") is greater than high (" + format_double(high) + ")";
    if (log && low <= 0) return "log: true needs low > 0 (got " + format_double(low) + ")";
    if (step && !(*step > 0)) return "step must be > 0 (got " + format_double(*step) + ")";
    if (step && log) return "step and log: true cannot be combined";
    if (kind == ParamKind::kInt) {
      if (low != std::floor(low) || high != std::floor(high)) return "int bounds must be whole numbers";
      if (step && *step != std::floor(*step)) return "an int step must be a whole number";
    }
  }
  if (kind == ParamKind::kCategorical) {
    if (choices.empty()) return "choices must not be empty";
    for (std::size_t i = 0; i < choices.size(); ++i)
      for (std::size_t j = i + 1; j < choices.size(); ++j)
        if (params_equal(choices[i], choices[j]))
          return "duplicate choice '" + format_param(choices[i]) + "'";
  }
  if (condition) {
    if (condition->parent.empty()) return "a condition needs a parent parameter";
    if (condition->parent == name) return "a parameter cannot depend on itself";
    if (condition->values.empty()) return "a condition needs at least one value";
  }
  return "";
}

const ParamSpec* SearchSpace::find(const std::string& name) const {
  for (const auto& p : params)
    if (p.name == name) return &p;
  return nullptr;
}

bool SearchSpace::is_active(const ParamSpec& p, const Params& chosen) const {
  if (!p.condition) return true;
  auto it = chosen.find(p.condition->parent);
  if (it == chosen.end()) return false;
  return std::any_of(p.condition->values.begin(), p.condition->values.end(),
                     [&](const ParamValue& v) { return params_equal(v, it->second); });
}

std::size_t SearchSpace::searchable_count() const {
  return static_cast<std::size_t>(std::count_if(
      params.begin(), params.end(), [](const ParamSpec& p) { return p.kind != ParamKind::kFixed; }));
}

void SearchSpace::add_fixed(Params& chosen) const {
  for (const auto& p : params)
    if (p.kind == ParamKind::kFixed && is_active(p, chosen)) chosen[p.name] = p.fixed;
}

std::string SearchSpace::check(const Params& chosen) const {
  for (const auto& p : params) {
    const bool active = is_active(p, chosen);
    auto it = chosen.find(p.name);
    if (active && it == chosen.end()) return "missing value for active parameter '" + p.name + "'";
    if (!active && it != chosen.end()) return "value given for inactive parameter '" + p.name + "'";
    if (active && !p.contains(it->second))
      return "value " + format_param(it->second) + " is not valid for parameter '" + p.name + "'";
  }
  for (const auto& [k, v] : chosen)
    if (!find(k)) return "unknown parameter '" + k + "'";
  return "";
}

std::string SearchSpace::validate() const {
  std::set<std::string> seen;
  for (const auto& p : params) {
    if (auto e = p.validate(); !e.empty()) return p.name + ": " + e;
    if (!seen.insert(p.name).second) return "duplicate parameter name '" + p.name + "'";
    if (p.condition) {
      const ParamSpec* parent = find(p.condition->parent);
      if (!parent) return p.name + ": condition names unknown parameter '" + p.condition->parent + "'";
      if (!seen.count(parent->name))
        return p.name + ": its parent '" + parent->name + "' must be listed before it";
      for (const auto& v : p.condition->values)
        if (!parent->contains(v))
          return p.name + ": condition value " + format_param(v) + " is not a possible value of '" +
                 parent->name + "'";
    }
  }
  return "";
}

}  // namespace hpo
