#include "hpo/store/export_codecarbon.h"

#include <cstdio>
#include <ctime>
#include <functional>
#include <string>
#include <vector>

namespace hpo {

namespace {

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string num(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

std::string iso_time(double unix_s) {
  const std::time_t t = static_cast<std::time_t>(unix_s);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  return buf;
}

// A stable UUID-shaped id from the study name and trial (CodeCarbon's run_id is a UUID).
std::string run_id(const std::string& study, std::int64_t number, int attempt) {
  const std::size_t a = std::hash<std::string>{}(study + "#" + std::to_string(number));
  const std::size_t b = std::hash<std::string>{}(std::to_string(attempt) + "@" + study);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x-%04x-4%03x-8%03x-%012llx",
                static_cast<unsigned>(a >> 32), static_cast<unsigned>((a >> 16) & 0xFFFF),
                static_cast<unsigned>(a & 0xFFF), static_cast<unsigned>(b >> 52 & 0xFFF),
                static_cast<unsigned long long>(b & 0xFFFFFFFFFFFFULL));
  return buf;
}

std::string spec_string(const nlohmann::json& spec, const char* pointer) {
  try {
    const auto& v = spec.at(nlohmann::json::json_pointer(pointer));
    return v.is_string() ? v.get<std::string>() : "";
  } catch (...) {
    return "";
  }
}

}  // namespace

void export_codecarbon_csv(const StudyStore& store, std::ostream& out) {
  static const char* const kColumns[] = {
      "timestamp", "project_name", "run_id", "experiment_id", "duration", "emissions",
      "emissions_rate", "cpu_power", "gpu_power", "ram_power", "cpu_energy", "gpu_energy",
      "ram_energy", "energy_consumed", "water_consumed", "country_name", "country_iso_code",
      "region", "cloud_provider", "cloud_region", "os", "python_version", "codecarbon_version",
      "cpu_count", "cpu_model", "gpu_count", "gpu_model", "longitude", "latitude",
      "ram_total_size", "tracking_mode", "cpu_utilization_percent", "gpu_utilization_percent",
      "ram_utilization_percent", "ram_used_gb", "on_cloud", "pue", "wue",
      // ecohpo additions
      "trial_number", "attempt", "state", "energy_source", "estimated", "intensity_g_per_kwh",
      "intensity_source", "sampler_kwh", "embodied_kg"};
  bool first = true;
  for (const char* c : kColumns) {
    out << (first ? "" : ",") << c;
    first = false;
  }
  out << "\n";
  const StudyInfo& info = store.info();
  const std::string region = spec_string(info.spec, "/carbon/region");
  for (const Trial& t : store.trials()) {
    if (t.state == TrialState::kRunning) continue;
    const TrialEnergy& e = t.energy;
    const double pue = e.pue > 0 ? e.pue : 1.0;
    const double d = t.duration_s;
    auto power_w = [&](double kwh) { return d > 0 ? kwh * 3.6e6 / d : 0.0; };
    const double ram_kwh = e.dram_kwh + e.other_kwh;
    int gpus = 0;
    for (const auto& c : e.components) gpus += c.component.rfind("gpu", 0) == 0;
    const double cpu_util = d > 0 ? 100.0 * t.cpu_s / d : 0.0;  // of one core
    std::vector<std::string> row = {
        iso_time(t.end_unix_s), info.name, run_id(info.name, t.number, t.attempt), info.name,
        num(d), num(e.co2e_kg), num(d > 0 ? e.co2e_kg / d : 0.0), num(power_w(e.cpu_kwh)),
        num(power_w(e.gpu_kwh)), num(power_w(ram_kwh)), num(e.cpu_kwh * pue),
        num(e.gpu_kwh * pue), num(ram_kwh * pue), num(e.energy_kwh * pue), "0", "", "",
        region, "", "", "Linux", "", "", "", "", std::to_string(gpus), "", "", "", "", "process",
        num(cpu_util), "", "", "", "N", num(pue), "0",
        std::to_string(t.number), std::to_string(t.attempt), std::string(to_string(t.state)),
        e.energy_source, e.estimated ? "1" : "0", num(e.intensity_g_per_kwh),
        e.intensity_source, num(t.sampler_kwh), num(e.embodied_kg)};
    for (std::size_t i = 0; i < row.size(); ++i) out << (i ? "," : "") << csv_field(row[i]);
    out << "\n";
  }
}

}  // namespace hpo
