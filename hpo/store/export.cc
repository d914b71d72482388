#include "hpo/store/export.h"

#include <cmath>
#include <set>

#include <nlohmann/json.hpp>

#include "hpo/front/pareto.h"
#include "hpo/store/trial_json.h"

namespace hpo {

ExportRows::ExportRows(const StudyInfo& info, std::span<const Trial> trials)
    : trials_(trials), objectives_(info.objectives), params_(info.param_names) {
  std::set<std::string> known(params_.begin(), params_.end());
  std::set<std::string> extra_params, metric_names;
  std::set<std::string> objective_names;
  for (const auto& o : objectives_) objective_names.insert(o.name);
  for (const auto& t : trials_) {
    for (const auto& [k, v] : t.params)
      if (!known.count(k)) extra_params.insert(k);
    for (const auto& [k, v] : t.metrics)
      if (!objective_names.count(k)) metric_names.insert(k);
  }
  params_.insert(params_.end(), extra_params.begin(), extra_params.end());
  metrics_.assign(metric_names.begin(), metric_names.end());

  on_front_.assign(trials_.size(), 0);
  if (!objectives_.empty()) {
    std::vector<std::size_t> index;
    const auto points = minimization_matrix(trials_, objectives_, &index);
    for (std::size_t p : pareto_front(points)) {
      const std::size_t i = index[p];
      if (trials_[i].state == TrialState::kComplete) on_front_[i] = 1;
    }
  }

  columns_ = {"number", "attempt", "state"};
  for (const auto& p : params_) columns_.push_back("params." + p);
  for (const auto& o : objectives_) columns_.push_back("values." + o.name);
  for (const auto& m : metrics_) columns_.push_back("metrics." + m);
  for (const char* c : {"duration_s", "cpu_s", "sampler_s", "energy_kwh", "co2e_kg", "pareto",
                        "energy_cpu_kwh", "energy_dram_kwh", "energy_gpu_kwh", "sampler_kwh",
                        "energy_source", "intensity_g_per_kwh", "intensity_source", "pue",
                        "reason"})
    columns_.emplace_back(c);
}

namespace {

ExportCell real(double x) {
  if (std::isnan(x)) return std::monostate{};
  return x;
}

ExportCell text(const std::string& s) {
  if (s.empty()) return std::monostate{};
  return s;
}

}  // namespace

std::vector<ExportCell> ExportRows::row(std::size_t i) const {
  const Trial& t = trials_[i];
  std::vector<ExportCell> r;
  r.reserve(columns_.size());
  r.emplace_back(t.number);
  r.emplace_back(static_cast<std::int64_t>(t.attempt));
  r.emplace_back(std::string(to_string(t.state)));
  for (const auto& p : params_) {
    auto it = t.params.find(p);
    if (it == t.params.end()) {
      r.emplace_back(std::monostate{});
      continue;
    }
    std::visit([&r](const auto& v) { r.emplace_back(v); }, it->second);
  }
  for (std::size_t k = 0; k < objectives_.size(); ++k)
    r.push_back(k < t.values.size() ? real(t.values[k]) : ExportCell{});
  for (const auto& m : metrics_) {
    auto it = t.metrics.find(m);
    r.push_back(it == t.metrics.end() ? ExportCell{} : real(it->second));
  }
  const TrialEnergy& e = t.energy;
  r.push_back(real(t.duration_s));
  r.push_back(real(t.cpu_s));
  r.push_back(real(t.sampler_s));
  r.push_back(real(e.energy_kwh));
  r.push_back(real(e.co2e_kg));
  r.emplace_back(static_cast<std::int64_t>(on_front_[i]));
  r.push_back(real(e.cpu_kwh));
  r.push_back(real(e.dram_kwh));
  r.push_back(real(e.gpu_kwh));
  r.push_back(real(t.sampler_kwh));
  r.push_back(text(e.energy_source));
  r.push_back(real(e.intensity_g_per_kwh));
  r.push_back(text(e.intensity_source));
  r.push_back(real(e.pue));
  r.push_back(text(t.reason));
  return r;
}

std::string csv_field(std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string csv_cell(const ExportCell& cell) {
  struct Visitor {
    std::string operator()(std::monostate) const { return ""; }
    std::string operator()(std::int64_t i) const { return std::to_string(i); }
    std::string operator()(double d) const { return format_double(d); }
    std::string operator()(bool b) const { return b ? "true" : "false"; }
    std::string operator()(const std::string& s) const { return csv_field(s); }
  };
  return std::visit(Visitor{}, cell);
}

void export_csv(const ExportRows& rows, std::ostream& out) {
  const auto& cols = rows.columns();
  for (std::size_t c = 0; c < cols.size(); ++c) out << (c ? "," : "") << csv_field(cols[c]);
  out << '\n';
  std::string line;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    line.clear();
    const auto r = rows.row(i);
    for (std::size_t c = 0; c < r.size(); ++c) {
      if (c) line += ',';
      line += csv_cell(r[c]);
    }
    line += '\n';
    out << line;
  }
}

void export_json(const ExportRows& rows, std::ostream& out) {
  const auto& cols = rows.columns();
  out << '[';
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto r = rows.row(i);
    nlohmann::ordered_json o = nlohmann::ordered_json::object();
    for (std::size_t c = 0; c < r.size(); ++c) {
      struct Visitor {
        nlohmann::ordered_json operator()(std::monostate) const { return nullptr; }
        nlohmann::ordered_json operator()(std::int64_t v) const { return v; }
        nlohmann::ordered_json operator()(double v) const {
          if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
          return v;
        }
        nlohmann::ordered_json operator()(bool v) const { return v; }
        nlohmann::ordered_json operator()(const std::string& v) const { return v; }
      };
      o[cols[c]] = std::visit(Visitor{}, r[c]);
    }
    out << (i ? ",\n " : "\n ") << o.dump();
  }
  out << (rows.size() ? "\n]\n" : "]\n");
}

void export_csv(const StudyStore& store, std::ostream& out) {
  export_csv(ExportRows(store.info(), store.trials()), out);
}

void export_json(const StudyStore& store, std::ostream& out) {
  export_json(ExportRows(store.info(), store.trials()), out);
}

}  // namespace hpo
