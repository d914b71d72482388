#include "hpo/carbon/carbon.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <sstream>

#include "hpo/core/config_error.h"
#include "meters/cpu_tdp.h"
#include "meters/energy_source.h"
#include "meters/intensity_tables.h"

namespace hpo {

namespace {

constexpr double kSecondsPerYear = 365.25 * 86400.0;

// "2024-01-01T10:00:00Z", "2024-01-01 10:00", "2024-01-01T10:00:00+01:00" or unix seconds.
bool parse_timestamp(const std::string& text, double* unix_s) {
  const std::string t = meters::detail::trim(text);
  if (t.empty()) return false;
  char* end = nullptr;
  const double v = std::strtod(t.c_str(), &end);
  if (end == t.c_str() + t.size()) {
    *unix_s = v;
    return true;
  }
  std::tm tm{};
  int Y = 0, M = 0, D = 0, h = 0, m = 0, n = 0;
  double s = 0;
  n = std::sscanf(t.c_str(), "%4d-%2d-%2d%*1[T ]%2d:%2d", &Y, &M, &D, &h, &m);
  if (n == 3 && t.size() == 10) {
    h = m = 0;
  } else if (n != 5) {
    return false;
  }
  std::size_t pos = t.size() == 10 ? 10 : 16;
  if (pos < t.size() && t[pos] == ':') {
    char* e2 = nullptr;
    s = std::strtod(t.c_str() + pos + 1, &e2);
    pos = static_cast<std::size_t>(e2 - t.c_str());
  }
  double offset_s = 0;
  if (pos < t.size()) {
    const std::string tz = t.substr(pos);
    int oh = 0, om = 0;
    if (tz == "Z" || tz == "z") {
    } else if ((tz[0] == '+' || tz[0] == '-') &&
               (std::sscanf(tz.c_str() + 1, "%2d:%2d", &oh, &om) == 2 ||
                std::sscanf(tz.c_str() + 1, "%2d%2d", &oh, &om) == 2)) {
      offset_s = (tz[0] == '+' ? 1 : -1) * (oh * 3600.0 + om * 60.0);
    } else {
      return false;
    }
  }
  if (M < 1 || M > 12 || D < 1 || D > 31 || h > 23 || m > 59 || s >= 61) return false;
  tm.tm_year = Y - 1900;
  tm.tm_mon = M - 1;
  tm.tm_mday = D;
  tm.tm_hour = h;
  tm.tm_min = m;
  *unix_s = static_cast<double>(timegm(&tm)) + s - offset_s;
  return true;
}

}  // namespace

struct CarbonAccountant::Impl {
  enum class Kind { kFixed, kCsv, kRegion, kWorld } kind = Kind::kWorld;
  double fixed_g_per_kwh = 0.0;
  std::vector<std::pair<double, double>> series;  // (unix_s, g/kWh), sorted
  std::string source;       // intensity_source
  std::string provenance;   // for describe()
  double pue = 1.0;
  std::optional<CarbonSpec::Embodied> embodied;

  // Intensity in force at time t (step function: each row holds until the next).
  double at(double t) const {
    if (kind != Kind::kCsv) return fixed_g_per_kwh;
    auto it = std::upper_bound(series.begin(), series.end(), std::make_pair(t, 1e300));
    if (it == series.begin()) return series.front().second;
    return std::prev(it)->second;
  }
  // Time-average over [a, b].
  double mean(double a, double b) const {
    if (kind != Kind::kCsv || b <= a) return at(a);
    double acc = 0.0, t = a;
    auto it = std::upper_bound(series.begin(), series.end(), std::make_pair(a, 1e300));
    while (t < b) {
      const double next = (it == series.end()) ? b : std::min(b, it->first);
      acc += at(t) * (next - t);
      t = next;
      if (it != series.end()) ++it;
    }
    return acc / (b - a);
  }
  double embodied_kg(double duration_s) const {
    if (!embodied || duration_s <= 0) return 0.0;
    return embodied->hardware_kg * (duration_s / (embodied->lifetime_years * kSecondsPerYear)) *
           embodied->share;
  }
};

CarbonAccountant::CarbonAccountant(const CarbonSpec& spec) {
  auto impl = std::make_shared<Impl>();
  if (!(spec.pue >= 1.0 && spec.pue <= 5.0))
    throw ConfigError("/carbon/pue", "carbon.pue must be in [1, 5] (1.0 = no overhead, 1.58 = "
                                     "typical datacentre), got " + std::to_string(spec.pue));
  impl->pue = spec.pue;
  if (spec.embodied) {
    const auto& e = *spec.embodied;
    if (!(e.hardware_kg >= 0))
      throw ConfigError("/carbon/embodied/hardware_kg", "carbon.embodied.hardware_kg must be >= 0");
    if (!(e.lifetime_years > 0))
      throw ConfigError("/carbon/embodied/lifetime_years",
                        "carbon.embodied.lifetime_years must be > 0");
    if (!(e.share > 0 && e.share <= 1))
      throw ConfigError("/carbon/embodied/share", "carbon.embodied.share must be in (0, 1]");
    impl->embodied = e;
  }
  char buf[256];
  if (spec.intensity_g_per_kwh) {
    if (!(*spec.intensity_g_per_kwh >= 0))
      throw ConfigError("/carbon/intensity_g_per_kwh", "carbon.intensity_g_per_kwh must be >= 0");
    impl->kind = Impl::Kind::kFixed;
    impl->fixed_g_per_kwh = *spec.intensity_g_per_kwh;
    impl->source = "fixed";
    std::snprintf(buf, sizeof buf, "fixed %.1f g/kWh", impl->fixed_g_per_kwh);
    impl->provenance = buf;
  } else if (!spec.intensity_csv.empty()) {
    auto text = meters::detail::read_text(spec.intensity_csv);
    if (!text) throw ConfigError("/carbon/intensity_csv", "carbon.intensity_csv: " + text.error());
    std::istringstream in(*text);
    std::string line;
    int lineno = 0;
    while (std::getline(in, line)) {
      ++lineno;
      const std::string t = meters::detail::trim(line);
      if (t.empty() || t[0] == '#') continue;
      const auto comma = t.find(',');
      double ts = 0, g = 0;
      bool ok = comma != std::string::npos && parse_timestamp(t.substr(0, comma), &ts);
      if (ok) {
        const std::string v = meters::detail::trim(t.substr(comma + 1));
        char* end = nullptr;
        g = std::strtod(v.c_str(), &end);
        ok = !v.empty() && end == v.c_str() + v.size() && g >= 0 && std::isfinite(g);
      }
      if (!ok) {
        if (impl->series.empty() && lineno == 1 && t.find_first_of("0123456789") != 0)
          continue;  // header line "timestamp,g_per_kwh"
        throw ConfigError("/carbon/intensity_csv",
                          spec.intensity_csv + ":" + std::to_string(lineno) +
                              ": expected 'timestamp,g_per_kwh' (ISO 8601 or unix seconds, "
                              "then a number >= 0), found '" + t.substr(0, 80) + "'");
      }
      impl->series.emplace_back(ts, g);
    }
    if (impl->series.empty())
      throw ConfigError("/carbon/intensity_csv", spec.intensity_csv + ": no data rows");
    std::sort(impl->series.begin(), impl->series.end());
    impl->kind = Impl::Kind::kCsv;
    impl->source = "csv:" + spec.intensity_csv;
    std::snprintf(buf, sizeof buf, "csv:%s (%zu rows)", spec.intensity_csv.c_str(),
                  impl->series.size());
    impl->provenance = buf;
  } else if (!spec.region.empty()) {
    auto tables = meters::IntensityTables::load(meters::data_dir());
    if (!tables) throw ConfigError("/carbon/region", "carbon tables: " + tables.error());
    auto r = tables->lookup(spec.region);
    if (!r) throw ConfigError("/carbon/region", "carbon.region: " + r.error());
    impl->kind = Impl::Kind::kRegion;
    impl->fixed_g_per_kwh = r->g_per_kwh;
    impl->source = "region:" + spec.region;
    std::snprintf(buf, sizeof buf, "region:%s = %s (%s) %.1f g/kWh", spec.region.c_str(),
                  r->name.c_str(), r->provenance.c_str(), r->g_per_kwh);
    impl->provenance = buf;
  } else {
    impl->kind = Impl::Kind::kWorld;
    impl->fixed_g_per_kwh = meters::kWorldAverageGPerKwh;
    impl->source = "world-default";
    impl->provenance = "world average 475.0 g/kWh (IEA 2019)";
    warnings_.push_back("carbon: no region, intensity or CSV given; using the world average "
                        "475 g/kWh (set carbon.region, e.g. region: IE)");
  }
  impl_ = std::move(impl);
}

void CarbonAccountant::account(TrialEnergy& energy, double start_unix_s,
                               double end_unix_s) const {
  const Impl& im = *impl_;
  energy.pue = im.pue;
  energy.intensity_source = im.source;
  // Energy-weighted intensity: each trace sample is the mean power since the previous one.
  double weighted = 0.0, joules = 0.0, prev_t = 0.0;
  for (const auto& s : energy.trace) {
    const double dt = s.t_s - prev_t;
    if (dt > 0 && s.power_w > 0) {
      const double e = s.power_w * dt;
      weighted += e * im.mean(start_unix_s + prev_t, start_unix_s + s.t_s);
      joules += e;
    }
    prev_t = s.t_s;
  }
  energy.intensity_g_per_kwh =
      joules > 0 ? weighted / joules : im.mean(start_unix_s, end_unix_s);
  energy.embodied_kg = im.embodied_kg(end_unix_s - start_unix_s);
  energy.co2e_kg =
      energy.energy_kwh * im.pue * energy.intensity_g_per_kwh / 1000.0 + energy.embodied_kg;
}

double CarbonAccountant::co2e_kg(double energy_kwh, double start_unix_s,
                                 double end_unix_s) const {
  const Impl& im = *impl_;
  return energy_kwh * im.pue * im.mean(start_unix_s, end_unix_s) / 1000.0 +
         im.embodied_kg(end_unix_s - start_unix_s);
}

std::string CarbonAccountant::describe() const {
  char buf[160];
  std::snprintf(buf, sizeof buf, ", PUE %g", impl_->pue);
  std::string out = impl_->provenance + buf;
  if (impl_->embodied) {
    std::snprintf(buf, sizeof buf, ", embodied %g kg over %g years x %g", impl_->embodied->hardware_kg,
                  impl_->embodied->lifetime_years, impl_->embodied->share);
    out += buf;
  }
  return out;
}

TrialEnergy energy_from_measurement(const meters::Measurement& m) {
  TrialEnergy e;
  std::vector<std::string> sources;
  for (const auto& c : m.components) {
    const double kwh = c.energy_kwh();
    const std::string& n = c.component;
    if (n.rfind("cpu", 0) == 0 || n.rfind("psys", 0) == 0) e.cpu_kwh += kwh;
    else if (n.rfind("dram", 0) == 0) e.dram_kwh += kwh;
    else if (n.rfind("gpu", 0) == 0) e.gpu_kwh += kwh;
    else e.other_kwh += kwh;
    e.energy_kwh += kwh;
    e.estimated |= c.estimated;
    std::string base = c.source.substr(0, c.source.find('-'));  // nvml-energy -> nvml
    if (std::find(sources.begin(), sources.end(), base) == sources.end()) sources.push_back(base);
  }
  for (const auto& s : sources) e.energy_source += (e.energy_source.empty() ? "" : "+") + s;
  e.components = m.components;
  e.trace = m.trace;
  return e;
}

}  // namespace hpo
