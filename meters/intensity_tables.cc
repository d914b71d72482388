#include "meters/intensity_tables.h"

#include <cctype>
#include <cstdio>
#include <sstream>

#include <nlohmann/json.hpp>

#include "meters/energy_source.h"

namespace meters {

namespace {

constexpr double kGPerKwhPerLbPerMwh = 0.45359237;

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}
std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::vector<std::string> split_csv(const std::string& line) {
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false;
  for (char c : line) {
    if (c == '"') quoted = !quoted;
    else if (c == ',' && !quoted) out.push_back(cur), cur.clear();
    else if (c != '\r') cur += c;
  }
  out.push_back(cur);
  return out;
}

hpo::Result<nlohmann::json> load_json(const std::string& path) {
  auto text = detail::read_text(path);
  if (!text) return hpo::make_error(text.error());
  try {
    return nlohmann::json::parse(*text);
  } catch (const std::exception& e) {
    return hpo::make_error(path + ": " + e.what());
  }
}

double num(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return (it != j.end() && it->is_number()) ? it->get<double>() : 0.0;
}

// Canadian province codes -> the table's names.
const std::map<std::string, std::string> kProvinces = {
    {"BC", "british columbia"}, {"AB", "alberta"}, {"SK", "saskatchewan"},
    {"MB", "manitoba"}, {"ON", "ontario"}, {"QC", "quebec"}, {"NB", "new brunswick"},
    {"NS", "nova scotia"}, {"PE", "prince edward island"}, {"NL", "newfoundland and labrador"},
    {"YT", "yukon"}, {"NT", "northwest territories"}, {"NU", "nunavut"}};

}  // namespace

hpo::Result<IntensityTables> IntensityTables::load(const std::string& dir) {
  IntensityTables t;
  auto per_source = load_json(dir + "/codecarbon_carbon_intensity_per_source.json");
  if (!per_source) return hpo::make_error(per_source.error());
  const auto& f = *per_source;
  t.world_average_ = num(f, "world_average") > 0 ? num(f, "world_average") : kWorldAverageGPerKwh;
  char buf[160];

  auto countries = load_json(dir + "/codecarbon_country_energy_mix.json");
  if (!countries) return hpo::make_error(countries.error());
  for (const auto& [code, c] : countries->items()) {
    double g = num(c, "carbon_intensity");
    std::string how = "OWID";
    if (g <= 0 && num(c, "total_TWh") > 0) {  // recompute from the mix (e.g. CAF)
      g = (num(c, "coal_TWh") * num(f, "coal") + num(c, "gas_TWh") * num(f, "natural_gas") +
           num(c, "oil_TWh") * num(f, "petroleum") + num(c, "nuclear_TWh") * num(f, "nuclear") +
           num(c, "hydroelectricity_TWh") * num(f, "hydroelectricity") +
           num(c, "solar_TWh") * num(f, "solar") + num(c, "wind_TWh") * num(f, "wind") +
           num(c, "other_renewable_TWh") * num(f, "geothermal")) /
          num(c, "total_TWh");
      how = "OWID mix x per-source factors";
    }
    if (g <= 0) continue;
    std::snprintf(buf, sizeof buf, "%s %d", how.c_str(), static_cast<int>(num(c, "year")));
    t.country_[upper(code)] = {g, upper(code), c.value("country_name", code), buf};
  }

  auto iso = detail::read_text(dir + "/iso3166_alpha2_alpha3.csv");
  if (!iso) return hpo::make_error(iso.error());
  std::istringstream in(*iso);
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    auto cols = split_csv(line);
    if (cols.size() >= 2) t.alpha2_[upper(cols[0])] = upper(cols[1]);
  }

  auto cloud = detail::read_text(dir + "/codecarbon_cloud_region_impact.csv");
  if (!cloud) return hpo::make_error(cloud.error());
  std::istringstream cin(*cloud);
  std::getline(cin, line);  // header (with BOM)
  int lineno = 1;
  while (std::getline(cin, line)) {
    ++lineno;
    if (detail::trim(line).empty()) continue;
    auto c = split_csv(line);
    if (c.size() < 10)
      return hpo::make_error(dir + "/codecarbon_cloud_region_impact.csv:" +
                             std::to_string(lineno) + ": expected 12 columns");
    const double g = std::strtod(c[9].c_str(), nullptr);
    const std::string name = c[1] + " " + c[3] + " (" + c[8] + ", " + c[5] + ")";
    t.cloud_[lower(c[3])] = {g, lower(c[3]), name, "Google Cloud"};
  }

  auto us = load_json(dir + "/codecarbon_usa_state_emissions_2016.json");
  if (!us) return hpo::make_error(us.error());
  for (const auto& [state, v] : us->items()) {
    if (!v.is_object() || !v.contains("regionCode")) continue;
    const std::string code = upper(v["regionCode"].get<std::string>());
    t.us_[code] = {num(v, "emissions") * kGPerKwhPerLbPerMwh, "US-" + code, state,
                   "EPA eGRID2016 (CO2 only)"};
  }

  auto ca = load_json(dir + "/codecarbon_canada_province_energy_mix_2023.json");
  if (!ca) return hpo::make_error(ca.error());
  for (const auto& [code, name] : kProvinces) {
    auto it = ca->find(name);
    if (it == ca->end()) continue;
    const double g = (num(*it, "coal") * num(f, "coal") + num(*it, "petroleum") * num(f, "petroleum") +
                      num(*it, "naturalGas") * num(f, "natural_gas")) / 100.0;
    t.canada_[code] = {g, "CA-" + code, name, "CodeCarbon Canada mix 2023 x fossil factors"};
  }

  auto nordic = load_json(dir + "/codecarbon_nordic_bidding_zone_emissions.json");
  if (!nordic) return hpo::make_error(nordic.error());
  if (nordic->contains("data"))
    for (const auto& [zone, v] : (*nordic)["data"].items()) {
      std::snprintf(buf, sizeof buf, "ENTSO-E averages %d", static_cast<int>(num(v, "year")));
      t.nordic_[upper(zone)] = {num(v, "emission_factor"), upper(zone),
                                v.value("description", zone), buf};
    }
  return t;
}

hpo::Result<RegionIntensity> IntensityTables::lookup(const std::string& region) const {
  const std::string r = detail::trim(region);
  std::string low = lower(r);
  if (low.rfind("gcp:", 0) == 0) low = low.substr(4);
  if (auto it = cloud_.find(low); it != cloud_.end()) return it->second;
  const std::string up = upper(r);
  // "<country>-<sub>" or "<country>:<sub>"
  const auto sep = up.find_first_of("-:/");
  if (sep != std::string::npos) {
    std::string cc = up.substr(0, sep);
    const std::string sub = up.substr(sep + 1);
    if (auto a = alpha2_.find(cc); a != alpha2_.end()) cc = a->second;
    if (cc == "USA") {
      if (auto it = us_.find(sub); it != us_.end()) return it->second;
      for (const auto& [code, v] : us_)
        if (upper(v.name) == sub) return v;
    } else if (cc == "CAN") {
      if (auto it = canada_.find(sub); it != canada_.end()) return it->second;
      for (const auto& [code, v] : canada_)
        if (upper(v.name) == sub) return v;
    } else if (cc == "SWE" || cc == "NOR" || cc == "FIN") {
      if (auto it = nordic_.find(sub); it != nordic_.end()) return it->second;
    }
  } else {
    if (up != "FI")
      if (auto it = nordic_.find(up); it != nordic_.end()) return it->second;
    std::string a3 = up;
    if (up.size() == 2)
      if (auto a = alpha2_.find(up); a != alpha2_.end()) a3 = a->second;
    if (auto it = country_.find(a3); it != country_.end()) return it->second;
  }
  return hpo::make_error("unknown region '" + r + "' (give an ISO 3166 country code such as "
                         "IE or IRL, a US state as US-CA, a Canadian province as CA-QC, a Nordic "
                         "bidding zone as SE3, or a Google Cloud region such as europe-west1)");
}

}  // namespace meters
