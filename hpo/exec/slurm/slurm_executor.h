// SlurmExecutor: each trial is one Slurm job (sbatch), or a job step (srun) inside the
// allocation the coordinator runs in when `use_allocation: true`. The job runs the trial
// under `ecohpo slurm-wrapper` on the compute node, which meters it there and writes its
// reports and final record into a per-attempt record directory on the shared filesystem
// (formats: hpo/slurm_job.h). The coordinator collects through that directory and asks
// Slurm (squeue) only for what the files cannot say: whether a job is still alive.
// Design and set-up: docs/slurm.md.
//
//   submit   writes DIR/job.sh, runs sbatch --parsable, records DIR/job.id and submit time
//   poll     new lines of each DIR/reports.jsonl -> kReport (energy so far from the wrapper);
//            DIR/started.json or squeue RUNNING -> kStarted (queue_s = start - submit);
//            DIR/final.json -> kExited with the node-side energy (+ sacct ConsumedEnergyRaw);
//            job gone from squeue without final.json for lost_grace_s -> kLost, keeping the
//            energy of the last report. squeue runs once per poll_interval_s for all jobs.
//   cancel   scancel --batch --signal=TERM (the wrapper stops the trial and still writes its
//            final record), plain scancel after the grace period or while still pending
//   reattach after a coordinator restart: follows a job still queued/running (or already
//            finished with a final record) instead of submitting it again
//
// Queue wait never counts as run time: the wrapper enforces trial_timeout_s itself.
// Registered as executor type "slurm"; options: see Options and docs/slurm.md.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hpo/core/executor.h"
#include "hpo/core/registry.h"
#include "hpo/exec/slurm/slurm_job.h"

namespace hpo {

class SlurmExecutor final : public Executor {
 public:
  struct Options {
    int slots = 1;                   // trials in flight (the study's `parallel`)
    std::string study_name = "study";
    SlurmJobOptions job;             // partition, time, cpus/gpus per task, mem, extra_args
    bool use_allocation = false;     // srun steps inside $SLURM_JOB_ID instead of sbatch
    double poll_interval_s = 1.0;    // how often squeue is asked (once for all jobs)
    double lost_grace_s = 10.0;      // job gone without final.json this long -> lost
    double command_timeout_s = 60.0; // limit for one sbatch/squeue/sacct/scancel call
    double grace_s = 5.0;            // wrapper's SIGTERM -> SIGKILL for timeouts and cancels
    std::filesystem::path shared_dir;  // record directories (absolute, shared with nodes)
    std::string sbatch = "sbatch", squeue = "squeue", sacct = "sacct", scancel = "scancel",
                srun = "srun";
    std::string ecohpo_binary;       // "" = this binary (/proc/self/exe)
    std::vector<std::string> meters{"auto"};  // node-side meter sources (the study's meters)
    double meter_interval_s = 1.0;
    std::string scheduler_energy = "auto";  // auto | on | off: sacct ConsumedEnergyRaw
    std::string validate() const;    // "" or the problem
  };

  explicit SlurmExecutor(Options options);  // no side effects (validation builds one)
  ~SlurmExecutor() override;                // reaps srun children; leaves jobs running

  int slots() const override { return options_.slots; }
  Result<std::string> submit(const LaunchRequest& request) override;
  std::vector<ExecutorEvent> poll(double max_wait_s) override;
  void cancel(std::int64_t trial_number, double grace_s) override;
  bool reattach(const LaunchRequest& request, const std::string& executor_id) override;

  // The record directory of one attempt.
  std::filesystem::path record_dir(std::int64_t number, int attempt) const;
  int running() const { return static_cast<int>(jobs_.size()); }
  // sbatch invocations so far (tests, benchmarks).
  std::int64_t submissions() const { return submissions_; }

  static std::unique_ptr<Executor> create(const ComponentSpec& spec, const FactoryContext& ctx);

 private:
  struct Job;
  Result<void> prepare();
  void scan(Job& job, std::vector<ExecutorEvent>& out, bool* done);
  void read_reports(Job& job, std::vector<ExecutorEvent>& out);
  void query_queue(std::vector<ExecutorEvent>& out);
  void finish_from_record(Job& job, std::vector<ExecutorEvent>& out);
  void finish_lost(Job& job, const std::string& why, std::vector<ExecutorEvent>& out);
  void started(Job& job, double start_unix_s, std::vector<ExecutorEvent>& out);
  void copy_log(const Job& job) const;
  std::optional<double> scheduler_energy(const std::string& job_id);

  Options options_;
  bool prepared_ = false;
  std::string prepare_error_;
  bool sacct_enabled_ = false;
  std::string user_;
  std::map<std::int64_t, std::unique_ptr<Job>> jobs_;
  std::vector<ExecutorEvent> pending_;
  double next_queue_check_ = 0.0;
  std::int64_t submissions_ = 0;
};

// Adds executor type "slurm".
void register_slurm_executor(Registry& registry);

}  // namespace hpo
