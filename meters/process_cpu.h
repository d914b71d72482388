// CPU time of what a meter attributes energy to: a process group and all its descendants
// (from /proc/PID/stat, whose cutime/cstime already hold reaped children), a cgroup v2
// directory (cpu.stat usage_usec, which keeps exited processes), a single thread
// (pthread_getcpuclockid), and the whole machine's busy time (/proc/stat).
// These are the weights of the CPU-time attribution described in docs/metering.md.
#pragma once

#include <sys/types.h>
#include <time.h>

#include <string>
#include <vector>

#include "hpo/base/result.h"

namespace meters {

struct TreeUsage {
  double cpu_s = 0.0;      // user+system of live members plus their reaped children
  double rss_bytes = 0.0;  // resident memory of the live members
  int processes = 0;       // 0: the tree has exited (or never existed)
};

// One snapshot of /proc: every process with its parent, group and CPU time.
class ProcessTable {
 public:
  explicit ProcessTable(std::string proc_root = "/proc");
  // Re-reads every /proc/N/stat. Processes that vanish while scanning are skipped.
  void scan();
  // The process group `pgid` plus every descendant of its members (whatever their group).
  TreeUsage tree(pid_t pgid) const;
  std::size_t size() const { return entries_.size(); }
  // Cheaper path for one tree: from the group leader down through
  // /proc/PID/task/TID/children, without scanning /proc. False when the leader is gone or
  // the kernel has no children files; then use scan() + tree().
  bool walk(pid_t leader, TreeUsage* out) const;

 private:
  struct Entry {
    pid_t pid = 0, ppid = 0, pgrp = 0;
    double cpu_s = 0.0, rss_bytes = 0.0;
  };
  std::string root_;
  std::vector<Entry> entries_;
  double ticks_per_s_;
  double page_bytes_;
};

// Parses one /proc/PID/stat line; false when malformed. Exposed for tests.
bool parse_proc_stat(const std::string& line, double ticks_per_s, double page_bytes, pid_t* pid,
                     pid_t* ppid, pid_t* pgrp, double* cpu_s, double* rss_bytes);

// cpu.stat usage_usec of a cgroup v2 directory, in seconds.
hpo::Result<double> cgroup_cpu_s(const std::string& cgroup_dir);
// Resident memory and number of the live processes of a cgroup v2 directory (cgroup.procs,
// then <proc_root>/PID/stat of each; processes that vanish meanwhile are skipped).
TreeUsage cgroup_members(const std::string& cgroup_dir, const std::string& proc_root = "/proc");
// Busy CPU seconds of the whole machine (all CPUs) from <proc_root>/stat.
hpo::Result<double> machine_busy_cpu_s(const std::string& proc_root = "/proc");
// CPU seconds of a thread clock (pthread_getcpuclockid); error once the thread has exited.
hpo::Result<double> clock_cpu_s(clockid_t clock);
// User+system seconds of this process's reaped children (getrusage RUSAGE_CHILDREN).
double reaped_children_cpu_s();
// Resident memory in use on the machine, bytes (MemTotal - MemAvailable).
double machine_used_memory_bytes(const std::string& proc_root = "/proc");

}  // namespace meters
