#include "hpo/spec/spec_json.h"

#include <stdexcept>

namespace hpo {
namespace {

using nlohmann::json;

const char* kind_name(ParamKind k) {
  switch (k) {
    case ParamKind::kFloat: return "float";
    case ParamKind::kInt: return "int";
    case ParamKind::kCategorical: return "categorical";
    case ParamKind::kFixed: return "fixed";
  }
  return "float";
}

// Checked access: the study file was written by us, but may be damaged or from elsewhere.
const json& field(const json& j, const char* name) {
  if (!j.is_object() || !j.contains(name))
    throw std::invalid_argument(std::string("study JSON: missing field '") + name + "'");
  return j.at(name);
}

template <class T>
T get(const json& j, const char* name) {
  try {
    return field(j, name).get<T>();
  } catch (const json::type_error& e) {
    throw std::invalid_argument(std::string("study JSON: field '") + name + "' has the wrong type: " +
                                e.what());
  }
}

template <class T>
T get_or(const json& j, const char* name, T fallback) {
  if (!j.is_object() || !j.contains(name) || j.at(name).is_null()) return fallback;
  return get<T>(j, name);
}

std::optional<double> opt_double(const json& j, const char* name) {
  if (!j.contains(name) || j.at(name).is_null()) return std::nullopt;
  return get<double>(j, name);
}

json number_or_null(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

// Int bounds are written as JSON integers so that people (and h5py) read 16, not 16.0.
json bound(double x, ParamKind k) {
  if (k == ParamKind::kInt && x == static_cast<double>(static_cast<std::int64_t>(x)))
    return static_cast<std::int64_t>(x);
  return x;
}

json component_to_json(const ComponentSpec& c) {
  return json{{"type", c.type}, {"options", c.options}, {"key", c.key}};
}

ComponentSpec component_from_json(const json& j) {
  ComponentSpec c;
  c.type = get<std::string>(j, "type");
  c.options = get_or<json>(j, "options", json::object());
  c.key = get<std::string>(j, "key");
  return c;
}

std::vector<ParamValue> values_from_json(const json& j) {
  if (!j.is_array()) throw std::invalid_argument("study JSON: expected a list of values");
  std::vector<ParamValue> out;
  for (const auto& v : j) out.push_back(param_from_json(v));
  return out;
}

json values_to_json(const std::vector<ParamValue>& vs) {
  json out = json::array();
  for (const auto& v : vs) out.push_back(param_to_json(v));
  return out;
}

}  // namespace

json param_spec_to_json(const ParamSpec& p) {
  json j{{"name", p.name}, {"type", kind_name(p.kind)}};
  if (p.is_numeric()) {
    j["low"] = bound(p.low, p.kind);
    j["high"] = bound(p.high, p.kind);
    j["log"] = p.log;
    if (p.step) j["step"] = bound(*p.step, p.kind);
  } else if (p.kind == ParamKind::kCategorical) {
    j["choices"] = values_to_json(p.choices);
  } else {
    j["value"] = param_to_json(p.fixed);
  }
  if (p.condition)
    j["condition"] = json{{"parent", p.condition->parent}, {"values", values_to_json(p.condition->values)}};
  return j;
}

ParamSpec param_spec_from_json(const json& j) {
  ParamSpec p;
  p.name = get<std::string>(j, "name");
  const auto type = get<std::string>(j, "type");
  if (type == "float") p.kind = ParamKind::kFloat;
  else if (type == "int") p.kind = ParamKind::kInt;
  else if (type == "categorical") p.kind = ParamKind::kCategorical;
  else if (type == "fixed") p.kind = ParamKind::kFixed;
  else throw std::invalid_argument("study JSON: unknown parameter type '" + type + "'");
  if (p.is_numeric()) {
    p.low = get<double>(j, "low");
    p.high = get<double>(j, "high");
    p.log = get_or<bool>(j, "log", false);
    p.step = opt_double(j, "step");
  } else if (p.kind == ParamKind::kCategorical) {
    p.choices = values_from_json(field(j, "choices"));
  } else {
    p.fixed = param_from_json(field(j, "value"));
  }
  if (j.contains("condition") && !j.at("condition").is_null()) {
    const json& c = j.at("condition");
    p.condition = Condition{get<std::string>(c, "parent"), values_from_json(field(c, "values"))};
  }
  return p;
}

json resolved_spec_json(const StudySpec& s) {
  json j;
  j["name"] = s.name;
  j["command"] = s.command;
  j["shell"] = s.shell;
  j["work_dir"] = s.work_dir;
  j["env"] = s.env;
  json space = json::array();
  for (const auto& p : s.space.params) space.push_back(param_spec_to_json(p));
  j["space"] = space;
  json objectives = json::array();
  for (const auto& o : s.objectives)
    objectives.push_back(json{{"name", o.name}, {"direction", std::string(to_string(o.direction))}});
  j["objectives"] = objectives;
  j["sampler"] = component_to_json(s.sampler);
  j["budget"] = json{{"trials", s.budget.trials ? json(*s.budget.trials) : json(nullptr)},
                     {"energy_kwh", number_or_null(s.budget.energy_kwh)},
                     {"co2e_kg", number_or_null(s.budget.co2e_kg)},
                     {"wall_time_s", number_or_null(s.budget.wall_time_s)}};
  j["parallel"] = s.parallel;
  j["trial_timeout_s"] = s.trial_timeout_s;
  j["retries"] = s.retries;
  j["storage"] = s.storage.string();
  j["meters"] = s.meters;
  j["meter_interval_s"] = s.meter_interval_s;
  j["gpus_per_trial"] = s.gpus_per_trial;
  j["hardware"] = json{{"gpu_power_limit_w", s.hardware.gpu_power_limit_w}};
  json carbon{{"intensity_g_per_kwh", number_or_null(s.carbon.intensity_g_per_kwh)},
              {"intensity_csv", s.carbon.intensity_csv},
              {"region", s.carbon.region},
              {"pue", s.carbon.pue},
              {"embodied", nullptr}};
  if (s.carbon.embodied)
    carbon["embodied"] = json{{"hardware_kg", s.carbon.embodied->hardware_kg},
                              {"lifetime_years", s.carbon.embodied->lifetime_years},
                              {"share", s.carbon.embodied->share}};
  j["carbon"] = carbon;
  j["pruner"] = s.pruner ? component_to_json(*s.pruner) : json(nullptr);
  json rules = json::array();
  for (const auto& r : s.early_stop) rules.push_back(component_to_json(r));
  j["early_stop"] = rules;
  j["executor"] = component_to_json(s.executor);
  return j;
}

json spec_to_json(const StudySpec& s) {
  json j = resolved_spec_json(s);
  j["source_text"] = s.source_text;
  j["source_path"] = s.source_path;
  json locations = json::object();
  for (const auto& [key, at] : s.locations) locations[key] = json::array({at.file, at.line, at.column});
  j["locations"] = locations;
  return j;
}

static StudySpec spec_from_json_impl(const json& j) {
  if (!j.is_object()) throw std::invalid_argument("study JSON: expected an object");
  StudySpec s;
  s.name = get<std::string>(j, "name");
  s.command = get<std::vector<std::string>>(j, "command");
  s.shell = get_or<bool>(j, "shell", false);
  s.work_dir = get_or<std::string>(j, "work_dir", "");
  s.env = get_or<std::map<std::string, std::string>>(j, "env", {});
  for (const auto& p : get_or<json>(j, "space", json::array())) s.space.params.push_back(param_spec_from_json(p));
  for (const auto& o : get_or<json>(j, "objectives", json::array())) {
    Objective obj;
    obj.name = get<std::string>(o, "name");
    const auto dir = get<std::string>(o, "direction");
    if (!parse_direction(dir, &obj.direction))
      throw std::invalid_argument("study JSON: bad direction '" + dir + "'");
    s.objectives.push_back(obj);
  }
  s.sampler = component_from_json(field(j, "sampler"));
  const json budget = get_or<json>(j, "budget", json::object());
  if (budget.contains("trials") && !budget["trials"].is_null()) s.budget.trials = get<std::int64_t>(budget, "trials");
  s.budget.energy_kwh = opt_double(budget, "energy_kwh");
  s.budget.co2e_kg = opt_double(budget, "co2e_kg");
  s.budget.wall_time_s = opt_double(budget, "wall_time_s");
  s.parallel = get_or<int>(j, "parallel", 1);
  s.trial_timeout_s = get_or<double>(j, "trial_timeout_s", 0.0);
  s.retries = get_or<int>(j, "retries", 0);
  s.storage = get_or<std::string>(j, "storage", "");
  s.meters = get_or<std::vector<std::string>>(j, "meters", {"auto"});
  s.meter_interval_s = get_or<double>(j, "meter_interval_s", 1.0);
  s.gpus_per_trial = get_or<int>(j, "gpus_per_trial", 0);
  s.hardware.gpu_power_limit_w =
      get_or<std::string>(get_or<json>(j, "hardware", json::object()), "gpu_power_limit_w", "");
  const json carbon = get_or<json>(j, "carbon", json::object());
  s.carbon.intensity_g_per_kwh = opt_double(carbon, "intensity_g_per_kwh");
  s.carbon.intensity_csv = get_or<std::string>(carbon, "intensity_csv", "");
  s.carbon.region = get_or<std::string>(carbon, "region", "");
  s.carbon.pue = get_or<double>(carbon, "pue", 1.0);
  if (carbon.contains("embodied") && !carbon["embodied"].is_null()) {
    const json& e = carbon["embodied"];
    s.carbon.embodied = CarbonSpec::Embodied{get<double>(e, "hardware_kg"),
                                             get<double>(e, "lifetime_years"), get<double>(e, "share")};
  }
  if (j.contains("pruner") && !j["pruner"].is_null()) s.pruner = component_from_json(j["pruner"]);
  for (const auto& r : get_or<json>(j, "early_stop", json::array()))
    s.early_stop.push_back(component_from_json(r));
  s.executor = component_from_json(field(j, "executor"));
  s.source_text = get_or<std::string>(j, "source_text", "");
  s.source_path = get_or<std::string>(j, "source_path", "");
  const json locations = get_or<json>(j, "locations", json::object());
  for (auto it = locations.begin(); it != locations.end(); ++it) {
    const json& a = it.value();
    if (!a.is_array() || a.size() != 3)
      throw std::invalid_argument("study JSON: bad location for '" + it.key() + "'");
    s.locations[it.key()] = SourceLocation{a[0].get<std::string>(), a[1].get<int>(), a[2].get<int>()};
  }
  return s;
}

StudySpec spec_from_json(const json& j) {
  try {
    return spec_from_json_impl(j);
  } catch (const json::exception& e) {
    throw std::invalid_argument(std::string("study JSON: ") + e.what());
  }
}

}  // namespace hpo
