// Reading the study file's HDF5 snapshot (the writer is study_h5.cc; schema in
// docs/storage.md). A 100,000-trial study must open in well under a second and under 200 MB
// of peak memory, so the reader
//   - reads every column in slices (StudyReadOptions::slice_rows), never a whole column beside the
//     trials being built (the /reports columns alone hold three rows per trial);
//   - reserves each trial's maps and vectors to their exact size first (a counting pass over
//     the small missing/trial_row columns), so no per-trial container keeps growth slack.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>

#include "hpo/store/detail/h5_file.h"
#include "hpo/store/detail/study_h5.h"
#include "hpo/store/trial_json.h"

namespace hpo {

using nlohmann::json;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Calls use(offset, count) for consecutive slices of `slice` rows covering rows [0, n).
template <class F>
void for_slices(std::size_t n, std::size_t slice, F use) {
  for (std::size_t offset = 0; offset < n; offset += slice)
    use(offset, std::min(slice, n - offset));
}

std::vector<Objective> objectives_from_json(const json& a) {
  std::vector<Objective> out;
  if (!a.is_array()) throw std::invalid_argument("objectives_json must be an array");
  for (const auto& o : a) {
    Objective ob;
    ob.name = o.at("name").get<std::string>();
    if (!parse_direction(o.at("direction").get<std::string>(), &ob.direction))
      throw std::invalid_argument("bad objective direction " + o.at("direction").dump());
    out.push_back(std::move(ob));
  }
  return out;
}

bool all_nan(const std::vector<double>& v) {
  for (double x : v)
    if (!std::isnan(x)) return false;
  return true;
}

json parse_attr_json(const h5::Group& root, const char* key, const std::string& file) {
  auto s = root.attr_string(key);
  if (!s) throw std::runtime_error(file + ": missing root attribute '" + key + "'");
  try {
    return json::parse(*s);
  } catch (const json::parse_error& e) {
    throw std::runtime_error(file + ": root attribute '" + key + "' is not JSON: " + e.what());
  }
}

void read_params(const h5::Group& trials, std::vector<Trial>& ts, const std::string& file,
                 std::size_t slice) {
  h5::Group params = trials.open_group("params");
  h5::Group missing_group = trials.open_group("params_missing");
  const std::size_t n = ts.size();
  const std::vector<std::string> links = params.children();
  auto check = [&](const std::string& group, const std::string& link, std::size_t got) {
    if (got != n)
      throw std::runtime_error(file + ": /trials/" + group + "/" + link + " has " +
                               std::to_string(got) + " rows, expected " + std::to_string(n));
  };
  {  // exact reservation: how many parameters each trial has
    std::vector<std::uint16_t> count(n, 0);
    for (const auto& link : links) {
      if (!missing_group.has(link)) {
        for (auto& c : count) ++c;
        continue;
      }
      check("params_missing", link, missing_group.length(link));
      for_slices(n, slice, [&](std::size_t off, std::size_t cnt) {
        const auto missing = missing_group.read_i8(link, off, cnt);
        for (std::size_t i = 0; i < cnt; ++i) count[off + i] += missing[i] ? 0 : 1;
      });
    }
    for (std::size_t i = 0; i < n; ++i) ts[i].params.reserve(count[i]);
  }
  for (const auto& link : links) {
    const std::string name = params.attr_string("name", link).value_or(h5::decode_name(link));
    const std::string type = params.attr_string("type", link).value_or("");
    if (type != "int" && type != "bool" && type != "string" && type != "json" &&
        type != "float" && !type.empty())
      throw std::runtime_error(file + ": /trials/params/" + link + " has unknown type '" + type +
                               "' (expected float, int, bool, string or json)");
    check("params", link, params.length(link));
    const bool has_missing = missing_group.has(link);
    for_slices(n, slice, [&](std::size_t off, std::size_t cnt) {
      const std::vector<std::int8_t> missing =
          has_missing ? missing_group.read_i8(link, off, cnt) : std::vector<std::int8_t>(cnt, 0);
      if (type == "int") {
        const auto v = params.read_i64(link, off, cnt);
        for (std::size_t i = 0; i < cnt; ++i)
          if (!missing[i]) ts[off + i].params.emplace(name, v[i]);
      } else if (type == "bool") {
        const auto v = params.read_i8(link, off, cnt);
        for (std::size_t i = 0; i < cnt; ++i)
          if (!missing[i]) ts[off + i].params.emplace(name, v[i] != 0);
      } else if (type == "string" || type == "json") {
        auto v = params.read_strings(link, off, cnt);
        for (std::size_t i = 0; i < cnt; ++i) {
          if (missing[i]) continue;
          if (type == "string") {
            ts[off + i].params.emplace(name, std::move(v[i]));
            continue;
          }
          try {
            ts[off + i].params.emplace(name, param_from_json(json::parse(v[i])));
          } catch (const std::exception& e) {
            throw std::runtime_error(file + ": /trials/params/" + link + " row " +
                                     std::to_string(off + i) + ": " + e.what());
          }
        }
      } else {  // float (or untyped, read as float)
        const auto v = params.read_f64(link, off, cnt);
        for (std::size_t i = 0; i < cnt; ++i)
          if (!missing[i]) ts[off + i].params.emplace(name, v[i]);
      }
    });
  }
}

// How many rows of a `trial_row` column name each trial (for exact reservations); rows naming
// no trial are left for the caller's own check.
std::vector<std::uint32_t> rows_per_trial(const h5::Group& g, std::size_t m, std::size_t n,
                                          std::size_t slice) {
  std::vector<std::uint32_t> count(n, 0);
  for_slices(m, slice, [&](std::size_t off, std::size_t cnt) {
    const auto row = g.read_i64("trial_row", off, cnt);
    for (std::int64_t r : row)
      if (r >= 0 && static_cast<std::size_t>(r) < n) ++count[static_cast<std::size_t>(r)];
  });
  return count;
}

}  // namespace

StudySnapshot read_study_h5(const std::filesystem::path& path, const StudyReadOptions& options) {
  h5::ErrorSilencer quiet;
  const std::size_t slice = std::max<std::size_t>(options.slice_rows, 1);
  const std::string file_name = path.string();
  h5::File file = h5::File::open_read(path);
  h5::Group root = file.root();
  StudySnapshot snap;
  StudyInfo& info = snap.info;
  const auto version = root.attr_int("schema_version");
  if (!version) throw std::runtime_error(file_name + ": not an ecohpo study file (no schema_version)");
  if (*version > kStudyFileSchemaVersion)
    throw std::runtime_error(file_name + ": schema_version " + std::to_string(*version) +
                             " is newer than this ecohpo reads (" +
                             std::to_string(kStudyFileSchemaVersion) + ")");
  info.name = root.attr_string("name").value_or("");
  info.ecohpo_version = root.attr_string("ecohpo_version").value_or("");
  info.host = root.attr_string("host").value_or("");
  info.created_unix_s = root.attr_double("created_unix_s").value_or(0.0);
  info.source_text = root.attr_string("source_text").value_or("");
  info.source_path = root.attr_string("source_path").value_or("");
  info.spec = parse_attr_json(root, "spec_json", file_name);
  try {
    info.objectives = objectives_from_json(parse_attr_json(root, "objectives_json", file_name));
    info.param_names =
        parse_attr_json(root, "param_names_json", file_name).get<std::vector<std::string>>();
    json stop = parse_attr_json(root, "stop_json", file_name);
    if (!stop.is_null()) snap.stop = stop_from_json(stop);
  } catch (const std::runtime_error&) {
    throw;
  } catch (const std::exception& e) {
    throw std::runtime_error(file_name + ": bad root attribute: " + e.what());
  }
  snap.attributes = parse_attr_json(root, "attributes_json", file_name);
  snap.journal_generation = root.attr_int("journal_generation").value_or(0);

  h5::Group g = root.open_group("trials");
  const std::size_t n = g.length("number");
  auto rows = [&](std::size_t got, const std::string& what) {
    if (got != n)
      throw std::runtime_error(file_name + ": " + what + " has " + std::to_string(got) +
                               " rows, /trials/number has " + std::to_string(n));
  };
  std::vector<Trial>& ts = snap.trials;
  ts.reserve(n + options.extra_capacity);
  ts.resize(n);
  // One column of /trials, slice by slice: read(name, offset, count) then set(trial, value).
  auto column = [&](const char* name, auto read, auto set) {
    rows(g.length(name), std::string("/trials/") + name);
    for_slices(n, slice, [&](std::size_t off, std::size_t cnt) {
      auto v = read(name, off, cnt);
      for (std::size_t i = 0; i < cnt; ++i) set(ts[off + i], std::move(v[i]), off + i);
    });
  };
  auto i64 = [&](const char* c, std::size_t o, std::size_t k) { return g.read_i64(c, o, k); };
  auto i32 = [&](const char* c, std::size_t o, std::size_t k) { return g.read_i32(c, o, k); };
  auto i8 = [&](const char* c, std::size_t o, std::size_t k) { return g.read_i8(c, o, k); };
  auto f64 = [&](const char* c, std::size_t o, std::size_t k) { return g.read_f64(c, o, k); };
  auto str = [&](const char* c, std::size_t o, std::size_t k) { return g.read_strings(c, o, k); };
  auto rf = [&](const char* name, auto set) {
    column(name, f64, [&set](Trial& t, double x, std::size_t) { set(t, x); });
  };
  auto rs = [&](const char* name, auto set) {
    column(name, str, [&set](Trial& t, std::string s, std::size_t) { set(t, std::move(s)); });
  };

  column("number", i64, [](Trial& t, std::int64_t x, std::size_t) { t.number = x; });
  column("attempt", i32, [](Trial& t, std::int32_t x, std::size_t) { t.attempt = x; });
  column("exit_code", i32, [](Trial& t, std::int32_t x, std::size_t) { t.exit_code = x; });
  column("term_signal", i32, [](Trial& t, std::int32_t x, std::size_t) { t.term_signal = x; });
  column("estimated", i8,
         [](Trial& t, std::int8_t x, std::size_t) { t.energy.estimated = x != 0; });
  column("state", str, [&](Trial& t, std::string s, std::size_t i) {
    if (!parse_trial_state(s, &t.state))
      throw std::runtime_error(file_name + ": /trials/state row " + std::to_string(i) +
                               ": unknown state '" + s + "'");
  });
  rs("reason", [](Trial& t, std::string s) { t.reason = std::move(s); });
  rf("duration_s", [](Trial& t, double x) { t.duration_s = x; });
  rf("queue_s", [](Trial& t, double x) { t.queue_s = x; });
  rf("cpu_s", [](Trial& t, double x) { t.cpu_s = x; });
  rf("start_unix_s", [](Trial& t, double x) { t.start_unix_s = x; });
  rf("end_unix_s", [](Trial& t, double x) { t.end_unix_s = x; });
  rf("sampler_s", [](Trial& t, double x) { t.sampler_s = x; });
  rf("sampler_cpu_s", [](Trial& t, double x) { t.sampler_cpu_s = x; });
  rf("sampler_kwh", [](Trial& t, double x) { t.sampler_kwh = x; });
  rf("energy_kwh", [](Trial& t, double x) { t.energy.energy_kwh = x; });
  rf("energy_cpu_kwh", [](Trial& t, double x) { t.energy.cpu_kwh = x; });
  rf("energy_dram_kwh", [](Trial& t, double x) { t.energy.dram_kwh = x; });
  rf("energy_gpu_kwh", [](Trial& t, double x) { t.energy.gpu_kwh = x; });
  rf("energy_other_kwh", [](Trial& t, double x) { t.energy.other_kwh = x; });
  rf("co2e_kg", [](Trial& t, double x) { t.energy.co2e_kg = x; });
  rf("embodied_kg", [](Trial& t, double x) { t.energy.embodied_kg = x; });
  rf("energy_scheduler_kwh", [](Trial& t, double x) { t.energy.scheduler_energy_kwh = x; });
  rf("intensity_g_per_kwh", [](Trial& t, double x) { t.energy.intensity_g_per_kwh = x; });
  rs("intensity_source", [](Trial& t, std::string s) { t.energy.intensity_source = std::move(s); });
  rf("pue", [](Trial& t, double x) { t.energy.pue = x; });
  rs("energy_source", [](Trial& t, std::string s) { t.energy.energy_source = std::move(s); });

  read_params(g, ts, file_name, slice);

  const std::size_t n_obj = info.objectives.size();
  if (n_obj > 0) {
    h5::Group values = g.open_group("values");
    std::vector<std::string> links;
    for (const auto& o : info.objectives) {
      links.push_back(h5::encode_name(o.name));
      rows(values.length(links.back()), "/trials/values/" + links.back());
    }
    for_slices(n, slice, [&](std::size_t off, std::size_t cnt) {
      std::vector<std::vector<double>> cols;
      for (const auto& link : links) cols.push_back(values.read_f64(link, off, cnt));
      for (std::size_t i = 0; i < cnt; ++i) {
        std::vector<double> v(n_obj);
        for (std::size_t k = 0; k < n_obj; ++k) v[k] = cols[k][i];
        if (!all_nan(v)) ts[off + i].values = std::move(v);
      }
    });
  }
  {
    h5::Group metrics = g.open_group("metrics");
    const std::vector<std::string> links = metrics.children();
    std::vector<std::uint16_t> count(n, 0);  // exact reservation, as for the parameters
    for (const auto& link : links) {
      rows(metrics.length(link), "/trials/metrics/" + link);
      for_slices(n, slice, [&](std::size_t off, std::size_t cnt) {
        const auto v = metrics.read_f64(link, off, cnt);
        for (std::size_t i = 0; i < cnt; ++i) count[off + i] += std::isnan(v[i]) ? 0 : 1;
      });
    }
    for (std::size_t i = 0; i < n; ++i) ts[i].metrics.reserve(count[i]);
    for (const auto& link : links) {
      const std::string name = metrics.attr_string("name", link).value_or(h5::decode_name(link));
      for_slices(n, slice, [&](std::size_t off, std::size_t cnt) {
        const auto v = metrics.read_f64(link, off, cnt);
        for (std::size_t i = 0; i < cnt; ++i)
          if (!std::isnan(v[i])) ts[off + i].metrics.emplace(name, v[i]);
      });
    }
  }
  column("record_json", str, [&](Trial& t, std::string rec, std::size_t i) {
    if (rec.empty() || rec == "{}") return;
    try {
      json r = json::parse(rec);
      t.stderr_tail = r.value("stderr_tail", std::string());
      t.log_path = r.value("log_path", std::string());
      t.executor_id = r.value("executor_id", std::string());
      if (auto it = r.find("values"); it != r.end()) {
        t.values.clear();
        t.values.reserve(it->size());
        for (const auto& x : *it) t.values.push_back(double_from_json(x, "values"));
      }
      if (auto it = r.find("nan_metrics"); it != r.end())
        for (const auto& m : *it) t.metrics[m.get<std::string>()] = kNaN;
    } catch (const std::exception& e) {
      throw std::runtime_error(file_name + ": /trials/record_json row " + std::to_string(i) +
                               ": " + e.what());
    }
  });
  auto row_index = [&](std::int64_t r, const std::string& what) -> Trial& {
    if (r < 0 || static_cast<std::size_t>(r) >= n)
      throw std::runtime_error(file_name + ": " + what + " names trial_row " +
                               std::to_string(r) + ", but there are " + std::to_string(n) +
                               " trials");
    return ts[static_cast<std::size_t>(r)];
  };
  {
    h5::Group c = g.open_group("components");
    const std::size_t m = c.length("trial_row");
    if (c.length("component") != m || c.length("source") != m || c.length("energy_j") != m ||
        c.length("estimated") != m)
      throw std::runtime_error(file_name + ": /trials/components columns differ in length");
    const auto count = rows_per_trial(c, m, n, slice);
    for (std::size_t i = 0; i < n; ++i)
      if (count[i] > 0) ts[i].energy.components.reserve(count[i]);
    for_slices(m, slice, [&](std::size_t off, std::size_t cnt) {
      const auto row = c.read_i64("trial_row", off, cnt);
      auto component = c.read_strings("component", off, cnt);
      auto source = c.read_strings("source", off, cnt);
      const auto joules = c.read_f64("energy_j", off, cnt);
      const auto est = c.read_i8("estimated", off, cnt);
      for (std::size_t k = 0; k < cnt; ++k)
        row_index(row[k], "/trials/components")
            .energy.components.push_back(
                {std::move(component[k]), std::move(source[k]), joules[k], est[k] != 0});
    });
  }
  {
    h5::Group rg = root.open_group("reports");
    const std::size_t m = rg.length("trial_row");
    for (const char* col : {"report_index", "step", "elapsed_s", "energy_kwh", "metric", "value"})
      if (rg.length(col) != m)
        throw std::runtime_error(file_name + ": /reports columns differ in length");
    {  // reserve exactly: each report's rows are consecutive, so count index changes
      std::vector<std::int32_t> count(n, 0);
      for_slices(m, slice, [&](std::size_t off, std::size_t cnt) {
        const auto row = rg.read_i64("trial_row", off, cnt);
        const auto index = rg.read_i32("report_index", off, cnt);
        for (std::size_t k = 0; k < cnt; ++k)
          if (row[k] >= 0 && static_cast<std::size_t>(row[k]) < n) {
            auto& c = count[static_cast<std::size_t>(row[k])];
            c = std::max(c, index[k] + 1);
          }
      });
      for (std::size_t i = 0; i < n; ++i)
        if (count[i] > 0) ts[i].reports.reserve(static_cast<std::size_t>(count[i]));
    }
    for_slices(m, slice, [&](std::size_t off, std::size_t cnt) {
      const auto row = rg.read_i64("trial_row", off, cnt);
      const auto index = rg.read_i32("report_index", off, cnt);
      const auto step = rg.read_i64("step", off, cnt);
      const auto elapsed = rg.read_f64("elapsed_s", off, cnt);
      const auto energy = rg.read_f64("energy_kwh", off, cnt);
      auto metric = rg.read_strings("metric", off, cnt);
      const auto value = rg.read_f64("value", off, cnt);
      for (std::size_t k = 0; k < cnt; ++k) {
        Trial& t = row_index(row[k], "/reports");
        if (index[k] < 0)
          throw std::runtime_error(file_name + ": /reports: negative report_index");
        const auto r = static_cast<std::size_t>(index[k]);
        if (t.reports.size() <= r) {
          t.reports.resize(r + 1);
          t.reports[r].step = step[k];
          t.reports[r].elapsed_s = elapsed[k];
          t.reports[r].energy_kwh = energy[k];
        }
        if (!(metric[k].empty() && std::isnan(value[k])))
          t.reports[r].metrics.emplace(std::move(metric[k]), value[k]);
      }
    });
  }
  {
    h5::Group tg = root.open_group("traces");
    const std::size_t m = tg.length("trial_row");
    if (tg.length("t_s") != m || tg.length("power_w") != m)
      throw std::runtime_error(file_name + ": /traces columns differ in length");
    const auto count = rows_per_trial(tg, m, n, slice);
    for (std::size_t i = 0; i < n; ++i)
      if (count[i] > 0) ts[i].energy.trace.reserve(count[i]);
    for_slices(m, slice, [&](std::size_t off, std::size_t cnt) {
      const auto row = tg.read_i64("trial_row", off, cnt);
      const auto t_s = tg.read_f64("t_s", off, cnt);
      const auto power = tg.read_f64("power_w", off, cnt);
      for (std::size_t k = 0; k < cnt; ++k)
        row_index(row[k], "/traces").energy.trace.push_back({t_s[k], power[k]});
    });
  }
  // Maps that grew past their reservation (a NaN metric from record_json, reports with
  // several metrics) give their slack back.
  for (auto& t : ts) {
    if (t.params.capacity() > t.params.size()) t.params.shrink_to_fit();
    if (t.metrics.capacity() > t.metrics.size()) t.metrics.shrink_to_fit();
    for (auto& r : t.reports)
      if (r.metrics.capacity() > r.metrics.size()) r.metrics.shrink_to_fit();
  }
  return snap;
}

}  // namespace hpo
