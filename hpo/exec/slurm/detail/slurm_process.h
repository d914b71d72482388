// Running the Slurm client commands (sbatch, squeue, sacct, scancel, srun) from the
// coordinator: without a shell, stdin from /dev/null, stdout and stderr captured, a hard
// time limit (a hung slurmctld must not hang the study loop).
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace hpo {

struct CommandOutput {
  int exit_code = -1;     // -1: could not start or killed (see `error`)
  std::string out;
  std::string err;
  std::string error;      // "cannot run 'sbatch': No such file or directory", "timed out"
  bool ok() const { return error.empty() && exit_code == 0; }
};

// Runs argv (argv[0] through PATH) and waits at most timeout_s.
CommandOutput run_command(const std::vector<std::string>& argv, double timeout_s);

// Starts argv in its own process group with stdout/stderr to /dev/null and returns its pid
// (or -1 with `error` set). The caller reaps it (waitpid WNOHANG).
pid_t spawn_background(const std::vector<std::string>& argv, std::string* error);

}  // namespace hpo
