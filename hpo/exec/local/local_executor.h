// LocalExecutor: runs each trial as a child process in its own process group on this machine,
// with `parallel` slots (the Executor interface, hpo/executor.h).
//
// - Launch: posix_spawn (vfork-fast; exec failures such as "command not found" come back
//   synchronously and are reported as an ExitKind::kLaunchError exit), setpgid to a new group,
//   stdin from /dev/null, stdout and stderr through close-on-exec pipes read with poll(2).
//   The signal mask and dispositions are reset in the child, so a coordinator that blocks
//   SIGINT/SIGTERM does not hand that on to its trials.
// - Output: stdout lines that are reports (hpo/report_parser.h) become kReport events (with the
//   meter read at that moment); lines meant as reports that do not parse become kBadOutput;
//   every other line, and all of stderr, goes to the trial log. The last lines of stderr are
//   kept for the exit event.
// - Exit: detected through a pidfd (Linux >= 5.3; a 10 ms WNOHANG poll otherwise). Processes
//   the trial left behind in its group are killed with SIGKILL before the leader is reaped.
// - Stop: timeout or cancel() sends SIGTERM to the group, then SIGKILL after the grace period.
// - CPU seconds of the whole tree: wait4() rusage of the leader (which includes every
//   descendant it waited for) or, when larger, the last /proc scan of the group (which sees
//   live descendants that were never waited for). The scan runs every `cpu_scan_interval_s`
//   while trials run, never on the launch path.
// - Energy: meter->begin() right after launch with the child's pgid, read() at each report,
//   end() after exit; without a meter the Measurement is empty.
// - cgroup v2 per trial (`cgroups: auto`, the default; hpo/cgroup.h): each attempt gets
//   <own cgroup>/ecohpo-<pid>-<k>/trial-<n>-<attempt>, entered race-free with
//   clone3(CLONE_INTO_CGROUP) (falls back to posix_spawn + a write of the pid into
//   cgroup.procs, which leaves a window of microseconds in which a child forked by the trial
//   before the move stays outside). The meter then reads the cgroup's cpu.stat, which also
//   sees processes that left the group with setsid; the executor's cpu_s is the largest of
//   rusage, the /proc scan and the cgroup. When the leader exits, or the SIGKILL of a
//   timeout/cancel is due, cgroup.kill kills every member (escapees included); the leaf is
//   removed once empty, the parent when the executor is destroyed. When cgroups cannot be
//   created, one note (cgroup_note(), and the notes of the first trial's Measurement) says
//   why and CPU time comes from /proc as before.
//
// Registered as executor type "local": `executor: {type: local, grace_s: 5}`.
#pragma once

#include <sys/resource.h>
#include <sys/types.h>

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "hpo/exec/local/detail/cgroup.h"
#include "hpo/core/executor.h"
#include "hpo/core/registry.h"
#include "meters/meter.h"

namespace hpo {

class LocalExecutor final : public Executor {
 public:
  struct Options {
    int slots = 1;                     // trials in flight (the study's `parallel`)
    double grace_s = 5.0;              // SIGTERM -> SIGKILL delay on timeout
    double cpu_scan_interval_s = 0.5;  // /proc scan period for CPU time of live trees
    int stderr_tail_lines = 20;        // lines of stderr kept for a failed trial
    std::string cgroups = "auto";      // auto: a cgroup v2 per trial when possible; off
    std::string cgroup_root;           // "" = own cgroup on the cgroup2 mount (tests override)
    bool clone_into_cgroup = true;     // false: posix_spawn + cgroup.procs write (tests)
    std::string validate() const;      // "" or the problem
  };

  // `meter` may be null; it is not owned and must outlive the executor.
  LocalExecutor(Options options, meters::Meter* meter);
  ~LocalExecutor() override;  // kills whatever is still running (SIGKILL) and reaps it

  int slots() const override { return options_.slots; }
  Result<std::string> submit(const LaunchRequest& request) override;
  std::vector<ExecutorEvent> poll(double max_wait_s) override;
  void cancel(std::int64_t trial_number, double grace_s) override;

  int running() const { return static_cast<int>(children_.size()); }
  // Process group of a running trial, or 0.
  pid_t pgid_of(std::int64_t trial_number) const;
  // cgroup directory of a running trial, or "" (no cgroup).
  std::string cgroup_of(std::int64_t trial_number) const;
  // "" when every trial gets a cgroup; else the one line saying why CPU time comes from /proc.
  const std::string& cgroup_note() const;
  // The ecohpo-<pid>-<k> directory holding the trials' cgroups, or "".
  std::string cgroup_parent() const;

  // Factory for the registry: slots from the study's `parallel`, the meter from the context.
  static std::unique_ptr<Executor> create(const ComponentSpec& spec, const FactoryContext& ctx);

 private:
  struct Child;
  void handle_output(Child& c, bool is_stderr, std::vector<ExecutorEvent>& out);
  void handle_line(Child& c, bool is_stderr, std::string_view line,
                   std::vector<ExecutorEvent>& out);
  void drain(Child& c, std::vector<ExecutorEvent>& out);
  void finish(Child& c, int wait_status, const ::rusage& usage,
              std::vector<ExecutorEvent>& out);
  void check_deadlines(double now);
  void scan_cpu();

  void end_cgroup(Child& c, double* cpu_s);

  Options options_;
  meters::Meter* meter_;
  std::unique_ptr<TrialCgroups> cgroups_;  // null when cgroups are off
  bool cgroup_note_given_ = false;
  std::map<std::int64_t, std::unique_ptr<Child>> children_;
  std::vector<ExecutorEvent> pending_;  // events produced outside poll (launch errors, starts)
  double next_scan_s_ = 0.0;
};

// Adds executor type "local".
void register_local_executor(Registry& registry);

}  // namespace hpo
