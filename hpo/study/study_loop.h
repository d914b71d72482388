// The study loop: ask a sampler, launch the trial through an Executor, listen to its reports,
// tell the study file what happened, and stop when a budget, a stop rule, the sampler, or the
// user says so. It knows only interfaces (Sampler, Pruner, StopRule, Executor, Meter,
// StudyStore), so a new sampler, executor or stop rule never touches this file.
//
// Per trial it records what docs/trial-protocol.md lists: values, reports (final and
// intermediate, each with the energy so far), state and reason, wall times, CPU seconds of
// the whole tree, exit status, stderr tail, energy and carbon, and the wall and CPU seconds
// and energy the sampler spent proposing it (sampler_s, sampler_cpu_s, sampler_kwh).
//
// Failures: exit status != 0, a signal, a timeout, an unparsable report line, a missing
// objective metric: each ends the attempt as kFailed with a stated reason; `retries` re-runs
// the same values as attempt+1. A command that cannot start stops the study (every trial
// runs the same program, so retrying cannot help).
//
// Resume (RunOptions::resume): records left kRunning by a killed coordinator become
// kInterrupted ("coordinator stopped") and are re-run with the same values and the next
// attempt number; trials interrupted by the user, and failed trials that still had retries,
// are re-run too; finished trials are kept and numbering continues. Budgets count trial
// numbers, so nothing is charged twice.
//
// Interrupts (RunOptions::interrupts, e.g. a SignalWatcher): the first stops launching and
// lets running trials finish; the second cancels them (recorded as kInterrupted). Either way
// every record reaches the study file.
//
// Single-threaded: everything runs on the caller's thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hpo/carbon/carbon.h"
#include "hpo/core/executor.h"
#include "hpo/exec/gpu/gpu_pool.h"
#include "hpo/core/pruner.h"
#include "hpo/core/registry.h"
#include "hpo/core/sampler.h"
#include "hpo/core/stop_rule.h"
#include "hpo/core/study_spec.h"
#include "hpo/core/study_store.h"
#include "meters/gpu_power_limits.h"
#include "meters/meter.h"

namespace hpo {

// The components a study runs with, built once from the spec through the Registry.
struct StudyParts {
  std::unique_ptr<Sampler> sampler;
  std::unique_ptr<Pruner> pruner;                  // null: no pruning
  std::vector<std::unique_ptr<StopRule>> stop_rules;
  std::unique_ptr<Executor> executor;
  meters::Meter* meter = nullptr;                  // not owned; null: no energy figures
  const CarbonAccountant* carbon = nullptr;        // not owned; null: no CO2e
  // GPUs to hand out when gpus_per_trial > 0 (GpuPool::make); empty: indices 0..N-1.
  std::optional<GpuPool> gpus;
  // Sets `hardware.gpu_power_limit_w` on the trials' GPUs; null: the knob is not used.
  std::unique_ptr<meters::GpuPowerLimits> gpu_power;
};

// Throws ConfigError (from the factories) on bad component options.
StudyParts make_study_parts(const StudySpec& spec, const Registry& registry,
                            meters::Meter* meter, const CarbonAccountant* carbon);

// Why a study ended.
enum class Termination {
  kBudget,       // a budget (trials, energy, carbon, wall time) is used up
  kStopRule,     // an early_stop rule fired
  kExhausted,    // the sampler has nothing left (grid)
  kInterrupted,  // Ctrl-C / SIGTERM
  kLaunchError,  // the trial command cannot start
};
std::string_view to_string(Termination t);

// Counters the progress display shows; updated as trials finish.
struct StudyProgress {
  std::int64_t total = -1;        // budget.trials, or -1 when the study has no trial budget
  std::int64_t done = 0;          // trial numbers with a final record (not re-run)
  std::int64_t running = 0;
  std::int64_t complete = 0;      // attempts, by state
  std::int64_t pruned = 0;
  std::int64_t failed = 0;
  std::int64_t interrupted = 0;
  std::int64_t front_size = 0;    // non-dominated complete trials
  double energy_kwh = 0.0;        // trials + optimizer so far
  double elapsed_s = 0.0;         // this run plus earlier runs of a resumed study
  bool stopping = false;          // no new launches (stop reason reached or interrupt)
};

struct StudySummary {
  Termination termination = Termination::kBudget;
  StopRecord stop;
  StudyProgress progress;
  double trial_kwh = 0.0;
  double sampler_kwh = 0.0;   // optimizer's own energy (per-trial sampler_kwh + coordinator)
  double co2e_kg = 0.0;
  std::int64_t resumed_reruns = 0;
  std::string brief_report() const;  // a few lines for the terminal
};

// Told about progress; the terminal display (hpo/progress.h) implements it.
class StudyObserver {
 public:
  virtual ~StudyObserver() = default;
  virtual void on_begin(const StudySpec& spec, const StudyProgress& p) {}
  virtual void on_trial_started(const Trial& trial, const StudyProgress& p) {}
  virtual void on_trial_finished(const Trial& trial, const StudyProgress& p) {}
  virtual void on_tick(const StudyProgress& p) {}  // about every poll (<= 10 Hz)
  virtual void on_stopping(const std::string& why, const StudyProgress& p) {}
  virtual void on_end(const StudySummary& summary) {}
};

struct RunOptions {
  bool resume = false;
  // Number of interrupts (SIGINT/SIGTERM) received so far; null: never interrupted.
  std::function<int()> interrupts;
  double poll_s = 0.1;           // longest wait for executor events
  double cancel_grace_s = 5.0;   // SIGTERM -> SIGKILL for pruned and interrupted trials
  std::filesystem::path log_dir;  // trial logs (trial-N-A.log); "" = no logs
};

// Runs (or resumes) the study until it ends; throws only on programming errors.
StudySummary run_study(const StudySpec& spec, StudyParts& parts, StudyStore& store,
                       StudyObserver* observer, const RunOptions& options);

// The StudyInfo a new study file is created with.
StudyInfo make_study_info(const StudySpec& spec);

}  // namespace hpo
