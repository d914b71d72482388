#include "meters/process_cpu.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <unordered_map>

#include "meters/energy_source.h"

namespace meters {

ProcessTable::ProcessTable(std::string proc_root)
    : root_(std::move(proc_root)),
      ticks_per_s_(static_cast<double>(sysconf(_SC_CLK_TCK))),
      page_bytes_(static_cast<double>(sysconf(_SC_PAGESIZE))) {}

bool parse_proc_stat(const std::string& line, double ticks_per_s, double page_bytes, pid_t* pid,
                     pid_t* ppid, pid_t* pgrp, double* cpu_s, double* rss_bytes) {
  const auto close = line.rfind(')');
  if (close == std::string::npos || close + 2 > line.size()) return false;
  char* end = nullptr;
  *pid = static_cast<pid_t>(std::strtol(line.c_str(), &end, 10));
  if (end == line.c_str()) return false;
  // Fields after "(comm)": state is field 3; token k holds field k + 3.
  const char* p = line.c_str() + close + 2;
  unsigned long long f[22] = {};
  // field 3 (state) is a character; skip it.
  while (*p == ' ') ++p;
  if (!*p) return false;
  ++p;
  for (int k = 4; k <= 24; ++k) {
    while (*p == ' ') ++p;
    if (!*p) return false;
    char* e = nullptr;
    const long long v = std::strtoll(p, &e, 10);
    if (e == p) return false;
    f[k - 4] = static_cast<unsigned long long>(v < 0 ? 0 : v);
    p = e;
  }
  *ppid = static_cast<pid_t>(f[4 - 4]);
  *pgrp = static_cast<pid_t>(f[5 - 4]);
  const double ticks = static_cast<double>(f[14 - 4] + f[15 - 4] + f[16 - 4] + f[17 - 4]);
  *cpu_s = ticks / ticks_per_s;
  *rss_bytes = static_cast<double>(f[24 - 4]) * page_bytes;
  return true;
}

void ProcessTable::scan() {
  entries_.clear();
  DIR* dir = opendir(root_.c_str());
  if (!dir) return;
  char path[512];
  char buf[1024];
  while (dirent* de = readdir(dir)) {
    const char* n = de->d_name;
    if (n[0] < '0' || n[0] > '9') continue;
    std::snprintf(path, sizeof path, "%s/%s/stat", root_.c_str(), n);
    const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    const ssize_t len = ::read(fd, buf, sizeof buf - 1);
    ::close(fd);
    if (len <= 0) continue;
    Entry e;
    if (parse_proc_stat(std::string(buf, static_cast<std::size_t>(len)), ticks_per_s_,
                        page_bytes_, &e.pid, &e.ppid, &e.pgrp, &e.cpu_s, &e.rss_bytes))
      entries_.push_back(e);
  }
  closedir(dir);
}

TreeUsage ProcessTable::tree(pid_t pgid) const {
  TreeUsage u;
  if (pgid <= 0) return u;
  std::unordered_map<pid_t, std::vector<std::size_t>> children;
  std::vector<std::size_t> stack;
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    children[entries_[i].ppid].push_back(i);
    if (entries_[i].pgrp == pgid) stack.push_back(i);
  }
  std::vector<char> seen(entries_.size(), 0);
  while (!stack.empty()) {
    const std::size_t i = stack.back();
    stack.pop_back();
    if (seen[i]) continue;
    seen[i] = 1;
    u.cpu_s += entries_[i].cpu_s;
    u.rss_bytes += entries_[i].rss_bytes;
    ++u.processes;
    auto it = children.find(entries_[i].pid);
    if (it != children.end())
      for (std::size_t c : it->second) stack.push_back(c);
  }
  return u;
}

namespace {

bool read_small(const char* path, std::string* out) {
  const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  char buf[4096];
  out->clear();
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    out->append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return true;
}

}  // namespace

bool ProcessTable::walk(pid_t leader, TreeUsage* out) const {
  *out = TreeUsage{};
  if (leader <= 0) return false;
  std::vector<pid_t> stack{leader};
  std::vector<pid_t> seen;
  char path[512];
  std::string text;
  bool first = true;
  while (!stack.empty()) {
    const pid_t pid = stack.back();
    stack.pop_back();
    if (std::find(seen.begin(), seen.end(), pid) != seen.end()) continue;
    seen.push_back(pid);
    std::snprintf(path, sizeof path, "%s/%d/stat", root_.c_str(), static_cast<int>(pid));
    Entry e;
    if (!read_small(path, &text) ||
        !parse_proc_stat(text, ticks_per_s_, page_bytes_, &e.pid, &e.ppid, &e.pgrp, &e.cpu_s,
                         &e.rss_bytes)) {
      if (first) return false;  // leader gone
      continue;                 // a child exited meanwhile
    }
    out->cpu_s += e.cpu_s;
    out->rss_bytes += e.rss_bytes;
    ++out->processes;
    // Children of every thread of this process.
    std::snprintf(path, sizeof path, "%s/%d/task", root_.c_str(), static_cast<int>(pid));
    DIR* dir = opendir(path);
    if (!dir) {
      if (first) return false;
      continue;
    }
    bool any_children_file = false;
    while (dirent* de = readdir(dir)) {
      if (de->d_name[0] < '0' || de->d_name[0] > '9') continue;
      std::snprintf(path, sizeof path, "%s/%d/task/%s/children", root_.c_str(),
                    static_cast<int>(pid), de->d_name);
      if (!read_small(path, &text)) continue;
      any_children_file = true;
      const char* p = text.c_str();
      char* end = nullptr;
      for (long c = std::strtol(p, &end, 10); end != p; c = std::strtol(p, &end, 10)) {
        stack.push_back(static_cast<pid_t>(c));
        p = end;
      }
    }
    closedir(dir);
    if (first && !any_children_file) return false;  // kernel without CONFIG_PROC_CHILDREN
    first = false;
  }
  return true;
}

hpo::Result<double> cgroup_cpu_s(const std::string& cgroup_dir) {
  const std::string path = cgroup_dir + "/cpu.stat";
  auto text = detail::read_text(path);
  if (!text) return hpo::make_error(text.error());
  std::istringstream in(*text);
  std::string key;
  unsigned long long v = 0;
  while (in >> key >> v)
    if (key == "usage_usec") return static_cast<double>(v) * 1e-6;
  return hpo::make_error(path + ": no usage_usec line");
}

TreeUsage cgroup_members(const std::string& cgroup_dir, const std::string& proc_root) {
  TreeUsage u;
  std::string procs, text;
  if (!read_small((cgroup_dir + "/cgroup.procs").c_str(), &procs)) return u;
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
  std::istringstream in(procs);
  long pid = 0;
  while (in >> pid) {
    if (!read_small((proc_root + "/" + std::to_string(pid) + "/stat").c_str(), &text)) continue;
    pid_t p = 0, pp = 0, pg = 0;
    double cpu = 0, rss = 0;
    if (!parse_proc_stat(text, ticks, page, &p, &pp, &pg, &cpu, &rss)) continue;
    u.cpu_s += cpu;
    u.rss_bytes += rss;
    ++u.processes;
  }
  return u;
}

hpo::Result<double> machine_busy_cpu_s(const std::string& proc_root) {
  const std::string path = proc_root + "/stat";
  auto text = detail::read_text(path);
  if (!text) return hpo::make_error(text.error());
  std::istringstream in(*text);
  std::string cpu;
  unsigned long long user = 0, nice = 0, sys = 0, idle = 0, iowait = 0, irq = 0, softirq = 0,
                     steal = 0;
  if (!(in >> cpu >> user >> nice >> sys >> idle >> iowait >> irq >> softirq) || cpu != "cpu")
    return hpo::make_error(path + ": malformed first line");
  in >> steal;  // absent on very old kernels
  const double ticks = static_cast<double>(user + nice + sys + irq + softirq + steal);
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

hpo::Result<double> clock_cpu_s(clockid_t clock) {
  timespec ts{};
  if (clock_gettime(clock, &ts) != 0)
    return hpo::make_error(std::string("thread CPU clock: ") + std::strerror(errno));
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

double reaped_children_cpu_s() {
  rusage ru{};
  getrusage(RUSAGE_CHILDREN, &ru);
  auto sec = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) * 1e-6;
  };
  return sec(ru.ru_utime) + sec(ru.ru_stime);
}

double machine_used_memory_bytes(const std::string& proc_root) {
  auto text = detail::read_text(proc_root + "/meminfo");
  if (!text) return 0.0;
  std::istringstream in(*text);
  std::string key, unit;
  double v = 0, total = 0, avail = -1;
  while (in >> key >> v) {
    std::getline(in, unit);
    if (key == "MemTotal:") total = v;
    if (key == "MemAvailable:") avail = v;
  }
  return avail < 0 ? 0.0 : (total - avail) * 1024.0;
}

}  // namespace meters
