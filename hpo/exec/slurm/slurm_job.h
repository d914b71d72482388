// Slurm job plumbing shared by the coordinator (hpo/slurm_executor.h) and the node-side
// wrapper (`ecohpo slurm-wrapper`, hpo/cli/cli_slurm.cc): the job script, the sbatch
// command line, the parsing of sbatch/squeue/sacct output, and the files a trial's record
// directory holds on the shared filesystem (docs/slurm.md):
//
//   DIR/job.sh         the batch script (written by the coordinator)
//   DIR/job.id         the Slurm job id, written as soon as sbatch answers
//   DIR/submit.json    {"submit_unix_s": ...}: queue wait is measured from here
//   DIR/started.json   written by the wrapper when the trial starts (host, start_unix_s)
//   DIR/reports.jsonl  one line per trial report, appended and flushed as they come:
//                      {"elapsed_s": 1.2, "report": {...}, "energy": {measurement}}
//                      or {"elapsed_s": 1.2, "bad_output": "the line"}
//   DIR/log            the trial's other stdout and its stderr
//   DIR/final.json     the final record, written atomically (tmp + rename) by the wrapper
//
// Pure functions: no process is started here, so everything is unit-tested on fixed text.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "hpo/core/executor.h"
#include "hpo/base/result.h"
#include "meters/measurement.h"

namespace hpo {

// What one trial's batch script does.
struct JobScript {
  std::string ecohpo_binary;  // absolute path of the ecohpo binary on the shared filesystem
  std::string record_dir;     // absolute
  std::vector<std::string> argv;  // the trial command (already wrapped for use_shell)
  std::vector<std::pair<std::string, std::string>> env;
  std::string work_dir;       // "" = the record directory's parent's cwd is not used: stay put
  double timeout_s = 0.0;     // enforced by the wrapper: run time only, never queue wait
  double grace_s = 5.0;       // SIGTERM -> SIGKILL inside the wrapper
  std::vector<std::string> meters{"auto"};
  double meter_interval_s = 1.0;
};

// A bash script: `#!/bin/bash`, exports, cd, then `exec ECOHPO slurm-wrapper ...`. Every
// word is shell-quoted; nothing of the trial is interpreted by the shell.
std::string job_script_text(const JobScript& script);

// The sbatch (or srun) options the user asked for, in the study's words.
struct SlurmJobOptions {
  std::string partition;
  std::string time;            // Slurm time limit, e.g. "00:30:00"
  int cpus_per_task = 0;       // 0 = not given
  int gpus_per_task = 0;
  std::string mem;             // e.g. "4G"
  std::vector<std::string> extra_args;  // passed through as given
};

// sbatch --parsable --job-name NAME --output OUT [user options] [--no-requeue] SCRIPT.
// --no-requeue is added unless the user passes --requeue: a requeued trial is re-run by
// ecohpo with the same values instead, so its partial energy stays on the first attempt.
std::vector<std::string> sbatch_argv(const std::string& sbatch, const SlurmJobOptions& o,
                                     const std::string& job_name, const std::string& output,
                                     const std::string& script);

// srun arguments for a job step inside the current allocation (use_allocation).
std::vector<std::string> srun_argv(const std::string& srun, const SlurmJobOptions& o,
                                   const std::string& job_name, const std::string& output,
                                   const std::string& script);

// Job names are "ecohpo-<study>-<number>"; characters Slurm or shells dislike become '_'.
std::string slurm_job_name(std::string_view study, std::int64_t number);

// `sbatch --parsable` prints "JOBID" or "JOBID;CLUSTER". Error when it is not a job id.
Result<std::string> parse_sbatch_output(std::string_view out);

// Turns sbatch's stderr into a message that names the study option at fault, e.g.
// "sbatch refused the job: invalid partition specified: gpux (executor option
// 'partition: gpux')".
std::string explain_sbatch_error(std::string_view err, const SlurmJobOptions& o);

// One row of `squeue -h -o '%i|%T|%r'`.
struct SqueueRow {
  std::string job_id;
  std::string state;   // PENDING, RUNNING, COMPLETING, COMPLETED, FAILED, ...
  std::string reason;  // Priority, Resources, None, ...
};
// Malformed lines are skipped (squeue may print warnings); the map key is the job id.
std::map<std::string, SqueueRow> parse_squeue(std::string_view out);
// squeue states meaning "still queued or running".
bool is_live_state(std::string_view state);

// `sacct -n -P -X -j ID -o JobID,State,ConsumedEnergyRaw`: the job's energy in joules, or
// nullopt when accounting has no figure (empty, "0" while the record is not complete).
std::optional<double> parse_sacct_energy(std::string_view out, std::string_view job_id);

// --- record files ---
nlohmann::json measurement_to_json(const meters::Measurement& m);
meters::Measurement measurement_from_json(const nlohmann::json& j);

// The wrapper's final record (DIR/final.json).
struct FinalRecord {
  std::string kind = "exited";  // exited | signaled | timed_out | terminated | launch_error
  int exit_code = -1;
  int term_signal = 0;
  double start_unix_s = 0.0;
  double end_unix_s = 0.0;
  double duration_s = 0.0;
  double cpu_s = 0.0;
  std::string host;
  std::string message;
  std::string stderr_tail;
  meters::Measurement energy;
};
nlohmann::json final_to_json(const FinalRecord& f);
Result<FinalRecord> final_from_json(const nlohmann::json& j);

// Maps the wrapper's kind to the executor's ExitKind ("terminated": the wrapper got SIGTERM
// from outside; the executor decides between cancelled, timed out and lost).
ExitKind exit_kind_of(const FinalRecord& f);

}  // namespace hpo
