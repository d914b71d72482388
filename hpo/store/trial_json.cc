#include "hpo/store/trial_json.h"

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace hpo {

using nlohmann::json;

json double_to_json(double x) {
  if (std::isnan(x)) return "nan";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  return x;
}

double double_from_json(const json& j, const char* key) {
  if (j.is_number()) return j.get<double>();
  if (j.is_string()) {
    const auto& s = j.get_ref<const std::string&>();
    if (s == "nan") return std::numeric_limits<double>::quiet_NaN();
    if (s == "inf") return std::numeric_limits<double>::infinity();
    if (s == "-inf") return -std::numeric_limits<double>::infinity();
  }
  if (j.is_null()) return std::numeric_limits<double>::quiet_NaN();
  throw std::invalid_argument(std::string("'") + key + "' must be a number, got " + j.dump());
}

namespace {

// Readers for optional keys: a missing key leaves *out unchanged.
void get_double(const json& j, const char* key, double* out) {
  auto it = j.find(key);
  if (it != j.end()) *out = double_from_json(*it, key);
}

template <class Int>
void get_int(const json& j, const char* key, Int* out) {
  auto it = j.find(key);
  if (it == j.end()) return;
  if (!it->is_number_integer())
    throw std::invalid_argument(std::string("'") + key + "' must be an integer, got " +
                                it->dump());
  *out = it->get<Int>();
}

void get_string(const json& j, const char* key, std::string* out) {
  auto it = j.find(key);
  if (it == j.end()) return;
  if (!it->is_string())
    throw std::invalid_argument(std::string("'") + key + "' must be a string, got " +
                                it->dump());
  *out = it->get<std::string>();
}

void get_bool(const json& j, const char* key, bool* out) {
  auto it = j.find(key);
  if (it == j.end()) return;
  if (!it->is_boolean())
    throw std::invalid_argument(std::string("'") + key + "' must be true or false, got " +
                                it->dump());
  *out = it->get<bool>();
}

const json* get_array(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end()) return nullptr;
  if (!it->is_array())
    throw std::invalid_argument(std::string("'") + key + "' must be an array");
  return &*it;
}

json metrics_to_json(const MetricMap& m) {
  json o = json::object();
  for (const auto& [k, v] : m) o[k] = double_to_json(v);
  return o;
}

MetricMap metrics_from_json(const json& j, const char* key) {
  if (!j.is_object())
    throw std::invalid_argument(std::string("'") + key + "' must be an object");
  MetricMap m;
  m.reserve(j.size());
  for (auto it = j.begin(); it != j.end(); ++it)
    m.emplace(it.key(), double_from_json(it.value(), it.key().c_str()));
  return m;
}

void require_object(const json& j, const char* what) {
  if (!j.is_object())
    throw std::invalid_argument(std::string(what) + " must be a JSON object, got " +
                                j.dump().substr(0, 80));
}

}  // namespace

json report_to_json(const Report& r) {
  return json{{"step", r.step},
              {"metrics", metrics_to_json(r.metrics)},
              {"elapsed_s", double_to_json(r.elapsed_s)},
              {"energy_kwh", double_to_json(r.energy_kwh)}};
}

Report report_from_json(const json& j) {
  require_object(j, "a report");
  Report r;
  get_int(j, "step", &r.step);
  if (auto it = j.find("metrics"); it != j.end()) r.metrics = metrics_from_json(*it, "metrics");
  get_double(j, "elapsed_s", &r.elapsed_s);
  get_double(j, "energy_kwh", &r.energy_kwh);
  return r;
}

json energy_to_json(const TrialEnergy& e) {
  json components = json::array();
  for (const auto& c : e.components)
    components.push_back(json{{"component", c.component},
                              {"source", c.source},
                              {"energy_j", double_to_json(c.energy_j)},
                              {"estimated", c.estimated}});
  json trace = json::array();
  for (const auto& s : e.trace)
    trace.push_back(json::array({double_to_json(s.t_s), double_to_json(s.power_w)}));
  return json{{"energy_kwh", double_to_json(e.energy_kwh)},
              {"cpu_kwh", double_to_json(e.cpu_kwh)},
              {"dram_kwh", double_to_json(e.dram_kwh)},
              {"gpu_kwh", double_to_json(e.gpu_kwh)},
              {"other_kwh", double_to_json(e.other_kwh)},
              {"co2e_kg", double_to_json(e.co2e_kg)},
              {"embodied_kg", double_to_json(e.embodied_kg)},
              {"intensity_g_per_kwh", double_to_json(e.intensity_g_per_kwh)},
              {"intensity_source", e.intensity_source},
              {"pue", double_to_json(e.pue)},
              {"energy_source", e.energy_source},
              {"estimated", e.estimated},
              {"scheduler_energy_kwh", double_to_json(e.scheduler_energy_kwh)},
              {"components", std::move(components)},
              {"trace", std::move(trace)}};
}

TrialEnergy energy_from_json(const json& j) {
  require_object(j, "'energy'");
  TrialEnergy e;
  get_double(j, "energy_kwh", &e.energy_kwh);
  get_double(j, "cpu_kwh", &e.cpu_kwh);
  get_double(j, "dram_kwh", &e.dram_kwh);
  get_double(j, "gpu_kwh", &e.gpu_kwh);
  get_double(j, "other_kwh", &e.other_kwh);
  get_double(j, "co2e_kg", &e.co2e_kg);
  get_double(j, "embodied_kg", &e.embodied_kg);
  get_double(j, "intensity_g_per_kwh", &e.intensity_g_per_kwh);
  get_string(j, "intensity_source", &e.intensity_source);
  get_double(j, "pue", &e.pue);
  get_string(j, "energy_source", &e.energy_source);
  get_bool(j, "estimated", &e.estimated);
  get_double(j, "scheduler_energy_kwh", &e.scheduler_energy_kwh);
  if (const json* a = get_array(j, "components")) {
    for (const auto& c : *a) {
      require_object(c, "a component");
      meters::ComponentEnergy ce;
      get_string(c, "component", &ce.component);
      get_string(c, "source", &ce.source);
      get_double(c, "energy_j", &ce.energy_j);
      get_bool(c, "estimated", &ce.estimated);
      e.components.push_back(std::move(ce));
    }
  }
  if (const json* a = get_array(j, "trace")) {
    e.trace.reserve(a->size());
    for (const auto& s : *a) {
      if (!s.is_array() || s.size() != 2)
        throw std::invalid_argument("a trace sample must be [t_s, power_w]");
      e.trace.push_back({double_from_json(s[0], "t_s"), double_from_json(s[1], "power_w")});
    }
  }
  return e;
}

json trial_to_json(const Trial& t) {
  json values = json::array();
  for (double v : t.values) values.push_back(double_to_json(v));
  json reports = json::array();
  for (const auto& r : t.reports) reports.push_back(report_to_json(r));
  return json{{"number", t.number},
              {"attempt", t.attempt},
              {"params", params_to_json(t.params)},
              {"state", std::string(to_string(t.state))},
              {"reason", t.reason},
              {"metrics", metrics_to_json(t.metrics)},
              {"reports", std::move(reports)},
              {"values", std::move(values)},
              {"start_unix_s", double_to_json(t.start_unix_s)},
              {"end_unix_s", double_to_json(t.end_unix_s)},
              {"duration_s", double_to_json(t.duration_s)},
              {"queue_s", double_to_json(t.queue_s)},
              {"cpu_s", double_to_json(t.cpu_s)},
              {"exit_code", t.exit_code},
              {"term_signal", t.term_signal},
              {"stderr_tail", t.stderr_tail},
              {"sampler_s", double_to_json(t.sampler_s)},
              {"sampler_cpu_s", double_to_json(t.sampler_cpu_s)},
              {"sampler_kwh", double_to_json(t.sampler_kwh)},
              {"energy", energy_to_json(t.energy)},
              {"executor_id", t.executor_id},
              {"log_path", t.log_path}};
}

Trial trial_from_json(const json& j) {
  require_object(j, "a trial");
  Trial t;
  get_int(j, "number", &t.number);
  get_int(j, "attempt", &t.attempt);
  if (auto it = j.find("params"); it != j.end()) t.params = params_from_json(*it);
  if (auto it = j.find("state"); it != j.end()) {
    if (!it->is_string() || !parse_trial_state(it->get_ref<const std::string&>(), &t.state))
      throw std::invalid_argument("'state' must be one of running, complete, pruned, failed, "
                                  "interrupted; got " + it->dump());
  }
  get_string(j, "reason", &t.reason);
  if (auto it = j.find("metrics"); it != j.end()) t.metrics = metrics_from_json(*it, "metrics");
  if (const json* a = get_array(j, "reports")) {
    t.reports.reserve(a->size());
    for (const auto& r : *a) t.reports.push_back(report_from_json(r));
  }
  if (const json* a = get_array(j, "values")) {
    t.values.reserve(a->size());
    for (const auto& v : *a) t.values.push_back(double_from_json(v, "values"));
  }
  get_double(j, "start_unix_s", &t.start_unix_s);
  get_double(j, "end_unix_s", &t.end_unix_s);
  get_double(j, "duration_s", &t.duration_s);
  get_double(j, "queue_s", &t.queue_s);
  get_double(j, "cpu_s", &t.cpu_s);
  get_int(j, "exit_code", &t.exit_code);
  get_int(j, "term_signal", &t.term_signal);
  get_string(j, "stderr_tail", &t.stderr_tail);
  get_double(j, "sampler_s", &t.sampler_s);
  get_double(j, "sampler_cpu_s", &t.sampler_cpu_s);
  get_double(j, "sampler_kwh", &t.sampler_kwh);
  if (auto it = j.find("energy"); it != j.end()) t.energy = energy_from_json(*it);
  get_string(j, "executor_id", &t.executor_id);
  get_string(j, "log_path", &t.log_path);
  return t;
}

}  // namespace hpo
