// Executor: runs trial processes and tells the study loop what happened to them.
// The study loop only knows this interface: the local executor (process groups on this
// machine) and the Slurm executor (one job per trial) plug in behind it.
//
//   submit(request)  start (or queue) a trial; returns an executor id (pid, Slurm job id)
//   poll(max_wait_s) events since the last poll: started, report lines, exits
//   cancel(number)   stop a trial (SIGTERM to its group, SIGKILL after the grace period; or
//                    scancel); its exit arrives later through poll() as usual
//   reattach(...)    after a coordinator restart, follow a trial that is still alive
//                    (Slurm); executors that cannot return false and the trial is re-run
//
// Energy: the executor meters each trial (through a meters::Meter locally, through the
// node-side wrapper on Slurm) and hands the Measurement over with the exit event; reports
// carry the energy used so far.
// Thread-safety: called from the coordinator thread only.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "hpo/base/result.h"
#include "meters/measurement.h"

namespace hpo {

struct LaunchRequest {
  std::int64_t trial_number = 0;
  int attempt = 0;
  std::vector<std::string> argv;  // already substituted; argv[0] resolved through PATH
  bool use_shell = false;         // run argv[0] through /bin/sh -c (study `shell: true`)
  std::vector<std::pair<std::string, std::string>> env;  // added to the environment
  std::filesystem::path log_path;   // stdout+stderr of the trial are kept here
  std::filesystem::path work_dir;   // cwd of the trial ("" = coordinator's cwd)
  double timeout_s = 0.0;           // 0 = none; counts run time only, never queue wait
  std::vector<int> gpu_indices;     // metered GPUs; exported as CUDA_VISIBLE_DEVICES when non-empty
                                    // and `env` does not set that variable itself
};

enum class ExitKind {
  kExited,       // the process ended by itself (any exit status)
  kSignaled,     // killed by a signal it did not ask for
  kTimedOut,     // killed by the executor after timeout_s
  kCancelled,    // stopped through cancel()
  kLaunchError,  // could not start (command not found, sbatch refused)
  kLost,         // the node or job died without a final record (preemption, node failure)
};

struct TrialExit {
  ExitKind kind = ExitKind::kExited;
  int exit_code = -1;
  int term_signal = 0;
  double start_unix_s = 0.0;
  double end_unix_s = 0.0;
  double duration_s = 0.0;  // run time only
  double queue_s = 0.0;     // pending time (Slurm)
  double cpu_s = 0.0;       // whole process tree
  std::string message;      // launch error text, Slurm reason, ...
  std::string stderr_tail;  // last lines of the trial's stderr
  meters::Measurement energy;
  std::optional<double> scheduler_energy_j;  // e.g. Slurm ConsumedEnergy, stored beside ours
};

struct ExecutorEvent {
  enum class Kind { kStarted, kReport, kBadOutput, kExited };
  Kind kind = Kind::kStarted;
  std::int64_t trial_number = 0;
  int attempt = 0;
  // kStarted: run time begins now (after any queue wait). kReport: `report` is the parsed
  // JSON object, `elapsed_s` and `energy_so_far` as of the report. kBadOutput: `line` is a
  // line that looked like JSON but did not parse (kept for the failure reason).
  nlohmann::json report;
  std::string line;
  double elapsed_s = 0.0;
  meters::Measurement energy_so_far;
  TrialExit exit;  // kExited
  std::string executor_id;
};

class Executor {
 public:
  virtual ~Executor() = default;
  Executor() = default;
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;

  // How many trials may be in flight at once.
  virtual int slots() const = 0;
  // Starts or queues the trial; returns its executor id. An error here is a launch error.
  virtual Result<std::string> submit(const LaunchRequest& request) = 0;
  // Waits at most max_wait_s for something to happen; never blocks longer.
  virtual std::vector<ExecutorEvent> poll(double max_wait_s) = 0;
  virtual void cancel(std::int64_t trial_number, double grace_s) = 0;
  // Follow a trial submitted by an earlier coordinator. Local processes die with their
  // coordinator's process group only if they were in it; the local executor returns false.
  virtual bool reattach(const LaunchRequest& request, const std::string& executor_id) {
    return false;
  }
};

}  // namespace hpo
