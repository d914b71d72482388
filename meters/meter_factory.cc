#include "meters/meter_factory.h"

#include <unistd.h>

#include <cstdio>
#include <stdexcept>

#include "meters/attributing_meter.h"
#include "meters/estimate_source.h"
#include "meters/msr_source.h"
#include "meters/nvml_source.h"
#include "meters/perf_source.h"
#include "meters/rapl_source.h"

namespace meters {

namespace {

const char* const kKnown[] = {"auto", "rapl", "perf", "msr", "nvml", "estimate"};

bool is_cpu_source(const std::string& s) { return s == "rapl" || s == "perf" || s == "msr"; }

hpo::Result<std::unique_ptr<EnergySource>> open_source(const std::string& name,
                                                       const MeterOptions& o,
                                                       std::vector<std::string>* notes) {
  auto lift = [](auto r) -> hpo::Result<std::unique_ptr<EnergySource>> {
    if (!r) return hpo::make_error(r.error());
    return std::unique_ptr<EnergySource>(std::move(r).value());
  };
  if (name == "rapl")
    return lift(RaplSource::open(o.powercap_root.empty() ? RaplSource::default_root()
                                                         : o.powercap_root, notes));
  if (name == "perf")
    return lift(PerfSource::open(o.perf_root.empty() ? PerfSource::default_root() : o.perf_root,
                                 notes));
  if (name == "msr") {
    MsrSource::Options mo;
    mo.root = o.msr_root;
    return lift(MsrSource::open(mo, notes));
  }
  if (name == "nvml")
    return lift(NvmlSource::open(
        o.nvml_library.empty() ? NvmlSource::default_library() : o.nvml_library, notes));
  EstimateSource::Options eo;
  eo.cpu_w_per_thread = o.cpu_w_per_thread;
  eo.memory_w_per_gb = o.memory_w_per_gb;
  return std::unique_ptr<EnergySource>(std::make_unique<EstimateSource>(eo));
}

// A counter on the real system path that does not move within a few ms is not a counter
// (an emulated PMU in a VM reads 0 forever): never let it give a silent zero. Override
// roots (tests, bind mounts) are trusted.
hpo::Result<void> check_advancing(EnergySource& s, bool system_path) {
  if (!system_path) return {};
  auto first = s.read_j();
  if (!first) return hpo::make_error(first.error());
  for (int i = 0; i < 15; ++i) {
    usleep(2000);
    auto now = s.read_j();
    if (!now) return hpo::make_error(now.error());
    for (std::size_t k = 0; k < now->size(); ++k)
      if ((*now)[k] != (*first)[k]) return {};
  }
  return hpo::make_error(s.name() + ": counters did not advance in 30 ms (emulated or "
                         "disabled RAPL, e.g. in a VM); not used");
}

bool on_system_path(const std::string& name, const MeterOptions& o) {
  if (name == "rapl")
    return (o.powercap_root.empty() ? RaplSource::default_root() : o.powercap_root) ==
           "/sys/class/powercap";
  if (name == "perf")
    return (o.perf_root.empty() ? PerfSource::default_root() : o.perf_root) ==
           "/sys/bus/event_source/devices/power";
  if (name == "msr") return (o.msr_root.empty() ? MsrSource::default_root() : o.msr_root) == "/dev/cpu";
  return false;
}

hpo::Result<std::unique_ptr<EnergySource>> open_checked(const std::string& name,
                                                        const MeterOptions& o,
                                                        std::vector<std::string>* notes) {
  auto s = open_source(name, o, notes);
  if (!s || !is_cpu_source(name)) return s;
  auto ok = check_advancing(**s, on_system_path(name, o));
  if (!ok) return hpo::make_error(ok.error());
  return s;
}

}  // namespace

std::string MeterOptions::validate() const {
  if (sources.empty()) return "meters: the list of sources is empty (use [auto])";
  for (const auto& s : sources) {
    bool ok = false;
    for (const char* k : kKnown) ok |= s == k;
    if (!ok)
      return "meters: unknown source '" + s + "' (allowed: auto, rapl, perf, msr, nvml, estimate)";
    if (s == "auto" && sources.size() > 1)
      return "meters: 'auto' cannot be combined with other sources";
  }
  int cpu = 0;
  for (const auto& s : sources) cpu += is_cpu_source(s) || s == "estimate";
  if (cpu > 1)
    return "meters: more than one CPU source listed (rapl, perf, msr and estimate all measure "
           "the CPU package; list one)";
  for (std::size_t i = 0; i < sources.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (sources[i] == sources[j]) return "meters: source '" + sources[i] + "' listed twice";
  if (!(interval_s >= 0.01 && interval_s <= 3600)) {
    char buf[128];
    std::snprintf(buf, sizeof buf, "meters: interval_s must be in [0.01, 3600], got %g", interval_s);
    return buf;
  }
  if (cpu_w_per_thread < 0) return "meters: cpu_w_per_thread must be >= 0";
  if (memory_w_per_gb < 0) return "meters: memory_w_per_gb must be >= 0";
  return "";
}

MeterSetup make_meter(const MeterOptions& options) {
  if (auto err = options.validate(); !err.empty()) throw std::invalid_argument(err);
  MeterSetup setup;
  std::vector<std::unique_ptr<EnergySource>> sources;
  std::vector<std::string> notes;
  if (options.sources.size() == 1 && options.sources[0] == "auto") {
    bool have_cpu = false;
    for (const char* name : {"rapl", "perf", "msr"}) {
      auto s = open_checked(name, options, &notes);
      if (s) {
        sources.push_back(std::move(s).value());
        have_cpu = true;
        break;
      }
      setup.messages.push_back(s.error() + "; trying the next source");
    }
    if (!have_cpu) {
      sources.push_back(open_source("estimate", options, &notes).value());
      setup.messages.push_back("estimate: no CPU energy counter is readable here; CPU and "
                               "memory energy are ESTIMATED from CPU time and TDP");
    }
    auto g = open_source("nvml", options, &notes);
    if (g)
      sources.push_back(std::move(g).value());
    else
      setup.messages.push_back(g.error() + "; GPU energy not metered");
  } else {
    for (const auto& name : options.sources) {
      auto s = open_checked(name, options, &notes);
      if (!s)
        throw std::invalid_argument("meters: requested source '" + name +
                                    "' is not usable: " + s.error());
      sources.push_back(std::move(s).value());
    }
  }
  setup.messages.insert(setup.messages.end(), notes.begin(), notes.end());
  AttributingMeter::Options mo;
  mo.interval_s = options.interval_s;
  mo.sampling_thread = options.sampling_thread;
  std::vector<std::string> mnotes;
  for (const auto& s : sources)
    if (s->name() == "estimate") mnotes.push_back("energy estimated: " + s->describe());
  setup.meter = std::make_unique<AttributingMeter>(std::move(sources), mo, std::move(mnotes));
  return setup;
}

std::vector<SourceStatus> probe_sources(const MeterOptions& options) {
  std::vector<SourceStatus> out;
  for (const char* name : {"rapl", "perf", "msr", "nvml", "estimate"}) {
    std::vector<std::string> notes;
    auto s = open_checked(name, options, &notes);
    SourceStatus st{name, static_cast<bool>(s), ""};
    if (s) {
      st.detail = (*s)->describe();
      for (const auto& n : notes) st.detail += "; " + n;
    } else {
      st.detail = s.error();
    }
    out.push_back(st);
  }
  return out;
}

}  // namespace meters
