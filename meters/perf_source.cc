#include "meters/perf_source.h"

#include <dirent.h>
#include <linux/perf_event.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace meters {

std::vector<int> parse_cpu_list(const std::string& text) {
  std::vector<int> out;
  std::string t = detail::trim(text);
  std::size_t p = 0;
  while (p < t.size()) {
    std::size_t q = t.find(',', p);
    if (q == std::string::npos) q = t.size();
    const std::string part = t.substr(p, q - p);
    const auto dash = part.find('-');
    if (dash == std::string::npos) {
      if (!part.empty()) out.push_back(std::atoi(part.c_str()));
    } else {
      const int a = std::atoi(part.substr(0, dash).c_str());
      const int b = std::atoi(part.substr(dash + 1).c_str());
      for (int c = a; c <= b; ++c) out.push_back(c);
    }
    p = q + 1;
  }
  return out;
}

std::string PerfSource::default_root() {
  return detail::env_or("ECOHPO_PERF_SYSFS_ROOT", "/sys/bus/event_source/devices/power");
}

hpo::Result<PerfPmu> read_power_pmu(const std::string& root) {
  PerfPmu pmu;
  auto type = detail::read_u64(root + "/type", "perf");
  if (!type) return hpo::make_error("perf: no power PMU: " + type.error());
  pmu.type = static_cast<int>(*type);
  auto mask = detail::read_text(root + "/cpumask", "perf");
  pmu.cpus = mask ? parse_cpu_list(*mask) : std::vector<int>{0};
  if (pmu.cpus.empty()) return hpo::make_error("perf: " + root + "/cpumask is empty");
  DIR* dir = opendir((root + "/events").c_str());
  if (!dir) return hpo::make_error("perf: cannot list " + root + "/events");
  std::vector<std::string> names;
  while (dirent* de = readdir(dir)) {
    const std::string n = de->d_name;
    if (n.rfind("energy-", 0) == 0 && n.find('.') == std::string::npos) names.push_back(n);
  }
  closedir(dir);
  std::sort(names.begin(), names.end());
  for (const auto& n : names) {
    const std::string path = root + "/events/" + n;
    auto text = detail::read_text(path, "perf");
    if (!text) return hpo::make_error("perf: " + text.error());
    const std::string t = detail::trim(*text);
    const auto at = t.find("event=");
    if (at == std::string::npos)
      return hpo::make_error("perf: " + path + ": expected 'event=0x..', found '" + t + "'");
    char* end = nullptr;
    const char* start = t.c_str() + at + 6;
    const unsigned long long config = std::strtoull(start, &end, 0);
    if (end == start)
      return hpo::make_error("perf: " + path + ": bad event number in '" + t + "'");
    auto scale_text = detail::read_text(path + ".scale", "perf");
    if (!scale_text) return hpo::make_error("perf: " + scale_text.error());
    const std::string s = detail::trim(*scale_text);
    const double scale = std::strtod(s.c_str(), &end);
    if (s.empty() || end != s.c_str() + s.size() || !(scale > 0))
      return hpo::make_error("perf: " + path + ".scale: expected a positive number, found '" +
                             s + "'");
    pmu.events.push_back({n, config, scale});
  }
  if (pmu.events.empty()) return hpo::make_error("perf: " + root + "/events has no energy-* event");
  return pmu;
}

PerfEventOps PerfEventOps::system() {
  PerfEventOps ops;
  ops.open_event = [](int type, unsigned long long config, int cpu) {
    perf_event_attr attr{};
    attr.type = static_cast<__u32>(type);
    attr.size = sizeof attr;
    attr.config = config;
    const long fd = syscall(SYS_perf_event_open, &attr, -1, cpu, -1, PERF_FLAG_FD_CLOEXEC);
    return fd < 0 ? -errno : static_cast<int>(fd);
  };
  ops.read_count = [](int fd, unsigned long long* count) {
    ssize_t n;
    while ((n = ::read(fd, count, sizeof *count)) < 0 && errno == EINTR) {
    }
    if (n == static_cast<ssize_t>(sizeof *count)) return true;
    if (n >= 0) errno = EIO;
    return false;
  };
  ops.close_event = [](int fd) { ::close(fd); };
  return ops;
}

hpo::Result<std::unique_ptr<PerfSource>> PerfSource::open(const std::string& root,
                                                         std::vector<std::string>* notes) {
  return open(root, notes, Options{});
}

hpo::Result<std::unique_ptr<PerfSource>> PerfSource::open(const std::string& root,
                                                         std::vector<std::string>* notes,
                                                         const Options& options) {
  auto pmu = read_power_pmu(root);
  if (!pmu) return hpo::make_error(pmu.error());
  auto has = [&](const std::string& n) {
    for (const auto& e : pmu->events)
      if (e.name == n) return true;
    return false;
  };
  // psys (the platform) contains the package: only when there is no package counter.
  const bool use_psys = !has("energy-pkg") && has("energy-psys");
  std::unique_ptr<PerfSource> src(new PerfSource());
  src->ops_ = options.ops;
  std::vector<std::string> what;
  for (const auto& e : pmu->events) {
    std::string base;
    ChannelKind kind = ChannelKind::kCpu;
    if (e.name == "energy-pkg") base = "cpu-package-";
    else if (e.name == "energy-ram") base = "dram-", kind = ChannelKind::kDram;
    else if (e.name == "energy-psys" && use_psys) base = "platform-", kind = ChannelKind::kOther;
    else continue;  // cores/gpu are inside the package
    for (std::size_t k = 0; k < pmu->cpus.size(); ++k) {
      const int fd = src->ops_.open_event(pmu->type, e.config, pmu->cpus[k]);
      if (fd < 0)
        return hpo::make_error("perf: perf_event_open(" + e.name + ", cpu " +
                               std::to_string(pmu->cpus[k]) + "): " +
                               detail::explain_errno("power PMU", -fd, "perf"));
      src->fds_.push_back(fd);
      src->scale_.push_back(e.scale_j);
      Channel ch;
      ch.component = base + std::to_string(k);
      ch.source = "perf";
      ch.kind = kind;
      src->channels_.push_back(ch);
      what.push_back(e.name + " (cpu " + std::to_string(pmu->cpus[k]) + ")");
    }
  }
  if (src->fds_.empty())
    return hpo::make_error("perf: the power PMU has no energy-pkg, energy-ram or energy-psys event");
  src->first_.clear();
  for (int fd : src->fds_) {
    unsigned long long v = 0;
    if (!src->ops_.read_count(fd, &v))
      return hpo::make_error(std::string("perf: read: ") + std::strerror(errno));
    src->first_.push_back(v);
  }
  if (options.probe_s > 0) {
    auto ok = src->probe(options.probe_s, what);
    if (!ok) return hpo::make_error(ok.error());
  }
  if (use_psys && notes)
    notes->push_back("perf: no energy-pkg event; using energy-psys (whole platform) as the "
                     "CPU-side counter");
  return src;
}

// Spins this thread (so a real package counter must move) and reads every ~0.5 ms until all
// counters have advanced or probe_s is over.
hpo::Result<void> PerfSource::probe(double probe_s, const std::vector<std::string>& what) {
  std::vector<char> moved(fds_.size(), 0);
  const auto start = std::chrono::steady_clock::now();
  const auto limit = start + std::chrono::duration<double>(probe_s);
  volatile double sink = 1.0;
  for (;;) {
    for (int i = 0; i < 20000; ++i) sink = sink * 1.0000001 + 1e-9;
    std::size_t done = 0;
    for (std::size_t i = 0; i < fds_.size(); ++i) {
      unsigned long long v = 0;
      if (!moved[i] && ops_.read_count(fds_[i], &v) && v != first_[i]) moved[i] = 1;
      done += moved[i] ? 1 : 0;
    }
    if (done == fds_.size()) return {};
    if (std::chrono::steady_clock::now() >= limit) break;
  }
  std::string idle;
  for (std::size_t i = 0; i < fds_.size(); ++i)
    if (!moved[i]) idle += (idle.empty() ? "" : ", ") + what[i];
  char ms[32];
  std::snprintf(ms, sizeof ms, "%.0f ms", probe_s * 1000);
  return hpo::make_error("perf: " + idle + " opened but not counting over a " + ms +
                         " busy probe (emulated PMU?); not used");
}

PerfSource::~PerfSource() {
  for (int fd : fds_) ops_.close_event(fd);
}

hpo::Result<std::vector<double>> PerfSource::read_j() {
  std::vector<double> out(fds_.size());
  for (std::size_t i = 0; i < fds_.size(); ++i) {
    unsigned long long v = 0;
    if (!ops_.read_count(fds_[i], &v))
      return hpo::make_error(std::string("perf: read: ") + std::strerror(errno));
    const unsigned long long base = i < first_.size() ? first_[i] : v;
    out[i] = static_cast<double>(v - base) * scale_[i];
  }
  return out;
}

}  // namespace meters
