// TrialCgroups: one cgroup v2 per trial, created by the local executor so the meter can read
// the CPU time of everything the trial started (cpu.stat usage_usec keeps exited processes
// and sees processes that left the trial's process group with setsid), and so a cancelled or
// timed-out trial can be killed whole (cgroup.kill, Linux 5.14+).
//
// Layout: <cgroup2 mount><own cgroup>/ecohpo-<pid>-<k>/trial-<n>-<attempt>. The mount comes
// from /proc/self/mountinfo (fstype cgroup2; /sys/fs/cgroup on unified systems,
// /sys/fs/cgroup/unified on hybrid ones), the own cgroup from the `0::` line of
// /proc/self/cgroup. Only leaves hold processes and no controller is enabled, so the "no
// internal processes" rule never applies; a non-root user needs a delegated subtree (systemd
// user slice) and otherwise gets EACCES. Whatever fails (no cgroup2, EACCES, EROFS, a root
// that is not a cgroup2 filesystem) turns cgroups off with ONE note (note()); it is never an
// error: CPU time then comes from /proc (meters/process_cpu.h).
//
// The child is put into its cgroup race-free with clone3(CLONE_INTO_CGROUP) (Linux 5.7+):
// see hpo/process_spawn.cc. Reference: Linux Documentation/admin-guide/cgroup-v2.rst
// ("Delegation", "cgroup.kill", "no internal process constraint").
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

#include "hpo/base/result.h"

namespace hpo {

class TrialCgroups {
 public:
  struct Options {
    bool enabled = true;      // `cgroups: auto` (true) or `off`
    std::string root;         // "" = <cgroup2 mount><own cgroup>; else a cgroup2 directory
    std::string proc_root = "/proc";
  };

  // Finds the cgroup2 mount and creates ecohpo-<pid>-<k> under the root. Never throws;
  // available() is false (and note() says why) when cgroups cannot be used.
  explicit TrialCgroups(Options options);
  ~TrialCgroups();  // removes the parent directory (leaves must be gone by then)
  TrialCgroups(const TrialCgroups&) = delete;
  TrialCgroups& operator=(const TrialCgroups&) = delete;

  bool available() const { return !parent_.empty(); }
  // "" or the one line that says why cgroups are not used.
  const std::string& note() const { return note_; }
  // The ecohpo-<pid>-<k> directory, or "".
  const std::string& parent() const { return parent_; }

  // Creates the leaf for one trial attempt; returns its path. The caller opens it for
  // CLONE_INTO_CGROUP or writes the pid into its cgroup.procs.
  Result<std::string> create(std::int64_t trial_number, int attempt);
  // Kills every process in the cgroup (cgroup.kill; SIGKILL of each pid in cgroup.procs on
  // kernels without it). Returns false when the cgroup is gone.
  static bool kill_all(const std::string& dir);
  // Waits until cgroup.events says `populated 0` (processes fully exited), at most
  // timeout_s; true when empty.
  static bool wait_empty(const std::string& dir, double timeout_s);
  // Removes the leaf (after kill_all + wait_empty). Errors are ignored: at worst an empty
  // directory remains (docs/metering.md).
  static void remove(const std::string& dir);
  // Moves `pid` into `dir` (writes cgroup.procs).
  static Result<void> add_process(const std::string& dir, pid_t pid);
  // Removes the empty ecohpo-<pid>-<k> trees under `root` whose coordinator process no longer
  // exists (left by a SIGKILL); cgroups that still hold processes stay. Returns how many.
  // The constructor runs it on the root it uses.
  static int remove_stale(const std::string& root);
  int removed_stale() const { return removed_stale_; }

  // Parsers, exposed for tests. The mount point of the cgroup2 filesystem from a
  // /proc/self/mountinfo text ("" when none); the path of the `0::` line of a
  // /proc/self/cgroup text ("" when none).
  static std::string cgroup2_mount(const std::string& mountinfo);
  static std::string unified_path(const std::string& proc_self_cgroup);

 private:
  void disable(const std::string& why);
  Options options_;
  std::string parent_;
  std::string note_;
  int removed_stale_ = 0;
};

}  // namespace hpo
