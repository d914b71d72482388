// Helpers shared by the sampler tests: search spaces, a toy objective evaluated in process,
// and a loop that builds a study history from a sampler's own proposals.
#pragma once

#include <cmath>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hpo/core/config_error.h"
#include "hpo/core/registry.h"
#include "hpo/core/study_view.h"
#include "samplers/registry.h"

namespace samplers::testing {

inline hpo::ParamSpec float_param(std::string name, double lo, double hi, bool log = false) {
  hpo::ParamSpec p;
  p.name = std::move(name);
  p.kind = hpo::ParamKind::kFloat;
  p.low = lo;
  p.high = hi;
  p.log = log;
  return p;
}
inline hpo::ParamSpec int_param(std::string name, double lo, double hi, bool log = false) {
  auto p = float_param(std::move(name), lo, hi, log);
  p.kind = hpo::ParamKind::kInt;
  return p;
}
inline hpo::ParamSpec cat_param(std::string name, std::vector<hpo::ParamValue> choices) {
  hpo::ParamSpec p;
  p.name = std::move(name);
  p.kind = hpo::ParamKind::kCategorical;
  p.choices = std::move(choices);
  return p;
}

// Every kind of parameter: log float, log int, stepped float and int, categorical strings,
// booleans and numbers, a conditional float and a fixed value.
inline hpo::SearchSpace mixed_space() {
  hpo::SearchSpace s;
  s.params.push_back(float_param("lr", 1e-4, 0.1, true));
  s.params.push_back(int_param("width", 16, 512, true));
  auto x = float_param("x", 0.0, 1.0);
  x.step = 0.1;
  s.params.push_back(x);
  auto n = int_param("n", 0, 10);
  n.step = 2;
  s.params.push_back(n);
  s.params.push_back(cat_param("opt", {std::string("sgd"), std::string("adam")}));
  auto m = float_param("momentum", 0.0, 0.99);
  m.condition = hpo::Condition{"opt", {std::string("sgd")}};
  s.params.push_back(m);
  s.params.push_back(cat_param("flag", {true, false}));
  s.params.push_back(cat_param("scale", {std::int64_t{1}, 2.5}));
  hpo::ParamSpec f;
  f.name = "fixed";
  f.kind = hpo::ParamKind::kFixed;
  f.fixed = std::string("const");
  s.params.push_back(f);
  return s;
}

inline hpo::SearchSpace categorical_space(int n_params = 3, int n_choices = 3) {
  hpo::SearchSpace s;
  for (int i = 0; i < n_params; ++i) {
    std::vector<hpo::ParamValue> c;
    for (int j = 0; j < n_choices; ++j) c.emplace_back("c" + std::to_string(j));
    s.params.push_back(cat_param("k" + std::to_string(i), c));
  }
  return s;
}

inline hpo::SearchSpace int_space() {
  hpo::SearchSpace s;
  s.params.push_back(int_param("a", -5, 5));
  s.params.push_back(int_param("b", 1, 1000, true));
  return s;
}

inline hpo::SearchSpace box_space(int d) {
  hpo::SearchSpace s;
  for (int i = 0; i < d; ++i) s.params.push_back(float_param("x" + std::to_string(i), 0.0, 1.0));
  return s;
}

// A smooth toy function of every parameter (through the unit encoding), objective m.
inline double toy_value(const hpo::SearchSpace& space, const hpo::Params& p, std::size_t m) {
  double v = 0.0;
  int k = 0;
  for (const auto& spec : space.params) {
    auto it = p.find(spec.name);
    if (it == p.end() || spec.kind == hpo::ParamKind::kFixed) continue;
    const double u = spec.to_unit(it->second);
    const double target = std::fmod(0.3 + 0.37 * static_cast<double>(k + 3 * m), 1.0);
    v += (u - target) * (u - target);
    ++k;
  }
  return v;
}

inline std::vector<hpo::Objective> objectives(int n) {
  std::vector<hpo::Objective> o;
  for (int i = 0; i < n; ++i)
    o.push_back({"f" + std::to_string(i),
                 i % 2 == 0 ? hpo::Direction::kMinimize : hpo::Direction::kMaximize});
  return o;
}

inline hpo::Trial complete_trial(const hpo::SearchSpace& space,
                                 const std::vector<hpo::Objective>& objs, std::int64_t number,
                                 hpo::Params params) {
  hpo::Trial t;
  t.number = number;
  t.params = std::move(params);
  t.state = hpo::TrialState::kComplete;
  for (std::size_t m = 0; m < objs.size(); ++m) {
    const double v = toy_value(space, t.params, m);
    t.values.push_back(objs[m].direction == hpo::Direction::kMaximize ? -v : v);
    t.metrics[objs[m].name] = t.values.back();
  }
  t.energy.energy_kwh = 1e-3 * (1.0 + toy_value(space, t.params, 7));
  t.end_unix_s = 1000.0 + static_cast<double>(number);
  return t;
}

inline hpo::Registry make_registry() {
  hpo::Registry r;
  register_samplers(r);
  return r;
}

inline std::vector<std::string> sampler_types() {
  std::vector<std::string> out;
  for (const auto& [name, f] : make_registry().samplers) out.push_back(name);
  return out;
}

// Options that keep each sampler's model-based phase within a short history.
inline nlohmann::json fast_options(const std::string& type, std::uint64_t seed) {
  nlohmann::json o = {{"seed", seed}};
  if (type == "tpe") o["n_startup_trials"] = 5;
  if (type == "nsga2") o["population_size"] = 6;
  if (type == "grid") o["n_points"] = 4;
  return o;
}

inline std::unique_ptr<hpo::Sampler> make_sampler(const std::string& type, std::uint64_t seed,
                                                  nlohmann::json options = nullptr) {
  hpo::ComponentSpec spec;
  spec.type = type;
  spec.options = options.is_null() ? fast_options(type, seed) : std::move(options);
  spec.key = "/sampler";
  return make_registry().make_sampler(spec, hpo::FactoryContext{});
}

}  // namespace samplers::testing
