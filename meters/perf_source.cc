#include "meters/perf_source.h"

#include <dirent.h>
#include <linux/perf_event.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
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

hpo::Result<std::unique_ptr<PerfSource>> PerfSource::open(const std::string& root,
                                                         std::vector<std::string>* notes) {
  auto pmu = read_power_pmu(root);
  if (!pmu) return hpo::make_error(pmu.error());
  auto has = [&](const std::string& n) {
    for (const auto& e : pmu->events)
      if (e.name == n) return true;
    return false;
  };
  std::unique_ptr<PerfSource> src(new PerfSource());
  for (const auto& e : pmu->events) {
    std::string base;
    ChannelKind kind = ChannelKind::kCpu;
    if (e.name == "energy-pkg") base = "cpu-package-";
    else if (e.name == "energy-ram") base = "dram-", kind = ChannelKind::kDram;
    else continue;  // psys contains the package; cores/gpu are inside it
    for (std::size_t k = 0; k < pmu->cpus.size(); ++k) {
      perf_event_attr attr{};
      attr.type = static_cast<__u32>(pmu->type);
      attr.size = sizeof attr;
      attr.config = e.config;
      const long fd = syscall(SYS_perf_event_open, &attr, -1, pmu->cpus[k], -1, 0);
      if (fd < 0)
        return hpo::make_error("perf: perf_event_open(" + e.name + ", cpu " +
                               std::to_string(pmu->cpus[k]) + "): " +
                               detail::explain_errno("power PMU", errno, "perf"));
      src->fds_.push_back(static_cast<int>(fd));
      src->scale_.push_back(e.scale_j);
      src->channels_.push_back({base + std::to_string(k), "perf", kind});
    }
  }
  if (src->fds_.empty())
    return hpo::make_error(std::string("perf: the power PMU has no energy-pkg or energy-ram event") +
                           (has("energy-psys") ? " (only energy-psys, the whole platform; a VM's "
                                                 "emulated PMU often shows only that)" : ""));
  auto first = src->read_j();
  if (!first) return hpo::make_error(first.error());
  src->first_.clear();
  for (int fd : src->fds_) {
    unsigned long long v = 0;
    if (::read(fd, &v, sizeof v) != sizeof v) return hpo::make_error("perf: read failed");
    src->first_.push_back(v);
  }
  (void)notes;
  return src;
}

PerfSource::~PerfSource() {
  for (int fd : fds_) ::close(fd);
}

hpo::Result<std::vector<double>> PerfSource::read_j() {
  std::vector<double> out(fds_.size());
  for (std::size_t i = 0; i < fds_.size(); ++i) {
    unsigned long long v = 0;
    if (::read(fds_[i], &v, sizeof v) != sizeof v)
      return hpo::make_error(std::string("perf: read: ") + std::strerror(errno));
    const unsigned long long base = i < first_.size() ? first_[i] : v;
    out[i] = static_cast<double>(v - base) * scale_[i];
  }
  return out;
}

}  // namespace meters
