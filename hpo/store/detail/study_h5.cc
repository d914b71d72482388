#include "hpo/store/detail/study_h5.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <stdexcept>
#include <string>

#include "hpo/store/detail/h5_file.h"
#include "hpo/store/trial_json.h"

namespace hpo {

using nlohmann::json;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

json objectives_to_json(const std::vector<Objective>& objectives) {
  json a = json::array();
  for (const auto& o : objectives)
    a.push_back(json{{"name", o.name}, {"direction", std::string(to_string(o.direction))}});
  return a;
}

// How one parameter column is stored: by the single type all its present values share,
// or as JSON text when a categorical mixes types (so types still round-trip).
enum class ParamColumn { kFloat, kInt, kBool, kString, kJson };

const char* column_type_name(ParamColumn c) {
  switch (c) {
    case ParamColumn::kFloat: return "float";
    case ParamColumn::kInt: return "int";
    case ParamColumn::kBool: return "bool";
    case ParamColumn::kString: return "string";
    case ParamColumn::kJson: return "json";
  }
  return "json";
}

ParamColumn column_for(const std::set<std::size_t>& variant_indexes) {
  if (variant_indexes.size() != 1) return variant_indexes.empty() ? ParamColumn::kFloat
                                                                  : ParamColumn::kJson;
  switch (*variant_indexes.begin()) {
    case 0: return ParamColumn::kBool;
    case 1: return ParamColumn::kInt;
    case 2: return ParamColumn::kFloat;
    default: return ParamColumn::kString;
  }
}

void write_param_columns(const h5::Group& trials, const StudySnapshot& snap) {
  const auto& ts = snap.trials;
  std::vector<std::string> names = snap.info.param_names;
  std::set<std::string> known(names.begin(), names.end());
  std::set<std::string> extra;
  for (const auto& t : ts)
    for (const auto& [k, v] : t.params)
      if (!known.count(k)) extra.insert(k);
  names.insert(names.end(), extra.begin(), extra.end());

  h5::Group params = trials.create_group("params");
  h5::Group missing_group = trials.create_group("params_missing");
  const std::size_t n = ts.size();
  for (const auto& name : names) {
    std::set<std::size_t> kinds;
    std::vector<std::int8_t> missing(n, 1);
    for (std::size_t i = 0; i < n; ++i) {
      auto it = ts[i].params.find(name);
      if (it == ts[i].params.end()) continue;
      missing[i] = 0;
      kinds.insert(it->second.index());
    }
    const ParamColumn col = column_for(kinds);
    const std::string link = h5::encode_name(name);
    auto value_of = [&](std::size_t i) -> const ParamValue* {
      auto it = ts[i].params.find(name);
      return it == ts[i].params.end() ? nullptr : &it->second;
    };
    switch (col) {
      case ParamColumn::kFloat: {
        std::vector<double> v(n, kNaN);
        for (std::size_t i = 0; i < n; ++i)
          if (auto p = value_of(i)) v[i] = std::get<double>(*p);
        params.write(link, std::span<const double>(v));
        break;
      }
      case ParamColumn::kInt: {
        std::vector<std::int64_t> v(n, 0);
        for (std::size_t i = 0; i < n; ++i)
          if (auto p = value_of(i)) v[i] = std::get<std::int64_t>(*p);
        params.write(link, std::span<const std::int64_t>(v));
        break;
      }
      case ParamColumn::kBool: {
        std::vector<std::int8_t> v(n, 0);
        for (std::size_t i = 0; i < n; ++i)
          if (auto p = value_of(i)) v[i] = std::get<bool>(*p) ? 1 : 0;
        params.write(link, std::span<const std::int8_t>(v));
        break;
      }
      case ParamColumn::kString:
      case ParamColumn::kJson: {
        std::vector<std::string> v(n);
        for (std::size_t i = 0; i < n; ++i)
          if (auto p = value_of(i))
            v[i] = col == ParamColumn::kString ? std::get<std::string>(*p)
                                               : param_to_json(*p).dump();
        params.write(link, std::span<const std::string>(v));
        break;
      }
    }
    params.set_attr("name", name, link);
    params.set_attr("type", std::string(column_type_name(col)), link);
    missing_group.write(link, std::span<const std::int8_t>(missing));
  }
}

template <class F>
std::vector<double> f64_column(const std::vector<Trial>& ts, F get) {
  std::vector<double> v;
  v.reserve(ts.size());
  for (const auto& t : ts) v.push_back(get(t));
  return v;
}

template <class F>
std::vector<std::string> str_column(const std::vector<Trial>& ts, F get) {
  std::vector<std::string> v;
  v.reserve(ts.size());
  for (const auto& t : ts) v.push_back(get(t));
  return v;
}

bool all_nan(const std::vector<double>& v) {
  for (double x : v)
    if (!std::isnan(x)) return false;
  return true;
}

// Everything about a trial that the columns do not hold exactly.
std::string record_json(const Trial& t, std::size_t n_objectives) {
  json r = json::object();
  if (!t.stderr_tail.empty()) r["stderr_tail"] = t.stderr_tail;
  if (!t.log_path.empty()) r["log_path"] = t.log_path;
  if (!t.executor_id.empty()) r["executor_id"] = t.executor_id;
  if ((t.values.size() != n_objectives && !t.values.empty()) ||
      (!t.values.empty() && all_nan(t.values))) {
    json v = json::array();
    for (double x : t.values) v.push_back(double_to_json(x));
    r["values"] = std::move(v);
  }
  json nan_metrics = json::array();
  for (const auto& [k, v] : t.metrics)
    if (std::isnan(v)) nan_metrics.push_back(k);
  if (!nan_metrics.empty()) r["nan_metrics"] = std::move(nan_metrics);
  return r.dump();
}

void write_trials(const h5::Group& root, const StudySnapshot& snap) {
  const auto& ts = snap.trials;
  const std::size_t n = ts.size();
  h5::Group g = root.create_group("trials");
  {
    std::vector<std::int64_t> number;
    std::vector<std::int32_t> attempt, exit_code, term_signal;
    std::vector<std::int8_t> estimated;
    for (const auto& t : ts) {
      number.push_back(t.number);
      attempt.push_back(t.attempt);
      exit_code.push_back(t.exit_code);
      term_signal.push_back(t.term_signal);
      estimated.push_back(t.energy.estimated ? 1 : 0);
    }
    g.write("number", std::span<const std::int64_t>(number));
    g.write("attempt", std::span<const std::int32_t>(attempt));
    g.write("exit_code", std::span<const std::int32_t>(exit_code));
    g.write("term_signal", std::span<const std::int32_t>(term_signal));
    g.write("estimated", std::span<const std::int8_t>(estimated));
  }
  auto wf = [&](const char* name, auto get) {
    auto v = f64_column(ts, get);
    g.write(name, std::span<const double>(v));
  };
  auto ws = [&](const char* name, auto get) {
    auto v = str_column(ts, get);
    g.write(name, std::span<const std::string>(v));
  };
  ws("state", [](const Trial& t) { return std::string(to_string(t.state)); });
  ws("reason", [](const Trial& t) { return t.reason; });
  wf("duration_s", [](const Trial& t) { return t.duration_s; });
  wf("queue_s", [](const Trial& t) { return t.queue_s; });
  wf("cpu_s", [](const Trial& t) { return t.cpu_s; });
  wf("start_unix_s", [](const Trial& t) { return t.start_unix_s; });
  wf("end_unix_s", [](const Trial& t) { return t.end_unix_s; });
  wf("sampler_s", [](const Trial& t) { return t.sampler_s; });
  wf("sampler_cpu_s", [](const Trial& t) { return t.sampler_cpu_s; });
  wf("sampler_kwh", [](const Trial& t) { return t.sampler_kwh; });
  wf("energy_kwh", [](const Trial& t) { return t.energy.energy_kwh; });
  wf("energy_cpu_kwh", [](const Trial& t) { return t.energy.cpu_kwh; });
  wf("energy_dram_kwh", [](const Trial& t) { return t.energy.dram_kwh; });
  wf("energy_gpu_kwh", [](const Trial& t) { return t.energy.gpu_kwh; });
  wf("energy_other_kwh", [](const Trial& t) { return t.energy.other_kwh; });
  wf("co2e_kg", [](const Trial& t) { return t.energy.co2e_kg; });
  wf("embodied_kg", [](const Trial& t) { return t.energy.embodied_kg; });
  wf("energy_scheduler_kwh", [](const Trial& t) { return t.energy.scheduler_energy_kwh; });
  wf("intensity_g_per_kwh", [](const Trial& t) { return t.energy.intensity_g_per_kwh; });
  ws("intensity_source", [](const Trial& t) { return t.energy.intensity_source; });
  wf("pue", [](const Trial& t) { return t.energy.pue; });
  ws("energy_source", [](const Trial& t) { return t.energy.energy_source; });
  const std::size_t n_obj = snap.info.objectives.size();
  ws("record_json", [n_obj](const Trial& t) { return record_json(t, n_obj); });

  write_param_columns(g, snap);

  h5::Group values = g.create_group("values");
  for (std::size_t k = 0; k < n_obj; ++k) {
    const std::string& name = snap.info.objectives[k].name;
    const std::string link = h5::encode_name(name);
    auto v = f64_column(ts, [k](const Trial& t) { return k < t.values.size() ? t.values[k] : kNaN; });
    values.write(link, std::span<const double>(v));
    values.set_attr("name", name, link);
    values.set_attr("direction", std::string(to_string(snap.info.objectives[k].direction)), link);
  }

  std::set<std::string> metric_names;
  for (const auto& t : ts)
    for (const auto& [k, v] : t.metrics) metric_names.insert(k);
  h5::Group metrics = g.create_group("metrics");
  for (const auto& name : metric_names) {
    const std::string link = h5::encode_name(name);
    auto v = f64_column(ts, [&name](const Trial& t) {
      auto it = t.metrics.find(name);
      return it == t.metrics.end() ? kNaN : it->second;
    });
    metrics.write(link, std::span<const double>(v));
    metrics.set_attr("name", name, link);
  }

  {  // /trials/components
    std::vector<std::int64_t> row;
    std::vector<std::string> component, source;
    std::vector<double> kwh, joules;
    std::vector<std::int8_t> est;
    for (std::size_t i = 0; i < n; ++i)
      for (const auto& c : ts[i].energy.components) {
        row.push_back(static_cast<std::int64_t>(i));
        component.push_back(c.component);
        source.push_back(c.source);
        kwh.push_back(c.energy_kwh());
        joules.push_back(c.energy_j);
        est.push_back(c.estimated ? 1 : 0);
      }
    h5::Group c = g.create_group("components");
    c.write("trial_row", std::span<const std::int64_t>(row));
    c.write("component", std::span<const std::string>(component));
    c.write("source", std::span<const std::string>(source));
    c.write("energy_kwh", std::span<const double>(kwh));
    c.write("energy_j", std::span<const double>(joules));
    c.write("estimated", std::span<const std::int8_t>(est));
  }
  {  // /reports: one row per (report, metric); a report without metrics is one row with metric ""
    std::vector<std::int64_t> row, step;
    std::vector<std::int32_t> index;
    std::vector<double> elapsed, energy, value;
    std::vector<std::string> metric;
    for (std::size_t i = 0; i < n; ++i) {
      const auto& reps = ts[i].reports;
      for (std::size_t r = 0; r < reps.size(); ++r) {
        auto add = [&](const std::string& m, double v) {
          row.push_back(static_cast<std::int64_t>(i));
          index.push_back(static_cast<std::int32_t>(r));
          step.push_back(reps[r].step);
          elapsed.push_back(reps[r].elapsed_s);
          energy.push_back(reps[r].energy_kwh);
          metric.push_back(m);
          value.push_back(v);
        };
        if (reps[r].metrics.empty()) add("", kNaN);
        for (const auto& [m, v] : reps[r].metrics) add(m, v);
      }
    }
    h5::Group rg = root.create_group("reports");
    rg.write("trial_row", std::span<const std::int64_t>(row));
    rg.write("report_index", std::span<const std::int32_t>(index));
    rg.write("step", std::span<const std::int64_t>(step));
    rg.write("elapsed_s", std::span<const double>(elapsed));
    rg.write("energy_kwh", std::span<const double>(energy));
    rg.write("metric", std::span<const std::string>(metric));
    rg.write("value", std::span<const double>(value));
  }
  {  // /traces
    std::vector<std::int64_t> row;
    std::vector<double> t_s, power_w;
    for (std::size_t i = 0; i < n; ++i)
      for (const auto& s : ts[i].energy.trace) {
        row.push_back(static_cast<std::int64_t>(i));
        t_s.push_back(s.t_s);
        power_w.push_back(s.power_w);
      }
    h5::Group tg = root.create_group("traces");
    tg.write("trial_row", std::span<const std::int64_t>(row));
    tg.write("t_s", std::span<const double>(t_s));
    tg.write("power_w", std::span<const double>(power_w));
  }
}

void fsync_path(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw std::runtime_error(path.string() + ": cannot reopen to fsync");
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) throw std::runtime_error(path.string() + ": fsync failed");
}

}  // namespace

json stop_to_json(const StopRecord& r) {
  return json{{"rule", r.rule},
              {"message", r.message},
              {"at_trial", r.at_trial},
              {"numbers", r.numbers},
              {"unix_s", double_to_json(r.unix_s)}};
}

StopRecord stop_from_json(const json& j) {
  if (!j.is_object()) throw std::invalid_argument("a stop record must be a JSON object");
  StopRecord r;
  r.rule = j.value("rule", std::string());
  r.message = j.value("message", std::string());
  r.at_trial = j.value("at_trial", std::int64_t{-1});
  if (auto it = j.find("numbers"); it != j.end()) r.numbers = *it;
  if (auto it = j.find("unix_s"); it != j.end()) r.unix_s = double_from_json(*it, "unix_s");
  return r;
}

void write_study_h5(const std::filesystem::path& path, const StudySnapshot& snap) {
  h5::ErrorSilencer quiet;
  h5::File file = h5::File::create(path);
  {
    h5::Group root = file.root();
    const StudyInfo& info = snap.info;
    root.set_attr("schema_version", kStudyFileSchemaVersion);
    root.set_attr("name", info.name);
    root.set_attr("ecohpo_version", info.ecohpo_version);
    root.set_attr("host", info.host);
    root.set_attr("created_unix_s", info.created_unix_s);
    root.set_attr("source_text", info.source_text);
    root.set_attr("source_path", info.source_path);
    root.set_attr("spec_json", info.spec.dump());
    root.set_attr("objectives_json", objectives_to_json(info.objectives).dump());
    root.set_attr("param_names_json", json(info.param_names).dump());
    root.set_attr("stop_json", snap.stop ? stop_to_json(*snap.stop).dump() : std::string("null"));
    root.set_attr("attributes_json", snap.attributes.dump());
    root.set_attr("journal_generation", snap.journal_generation);
    write_trials(root, snap);
  }
  file.close();
  fsync_path(path);
}

}  // namespace hpo
