// spawn_process: start one trial command as the leader of a new process group, stdin from
// /dev/null, stdout/stderr into the given pipe ends, every signal reset to its default and
// unblocked, in `work_dir` when one is given. When `cgroup_dir` is given the child is born
// inside that cgroup v2 with clone3(CLONE_INTO_CGROUP | CLONE_PIDFD) (Linux 5.7+; glibc 2.36
// has no posix_spawnattr_setcgroup_np), so nothing it forks can be outside; where clone3
// refuses, it falls back to posix_spawnp and says so (born_in_cgroup false), and the caller
// moves the pid into the cgroup itself. Used by the local executor (hpo/local_executor.cc).
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace hpo {

struct SpawnedProcess {
  int error = 0;                // 0, or the errno of a command that cannot start
  pid_t pid = -1;
  int pidfd = -1;               // from clone3; -1 after posix_spawnp (open one with pidfd_open)
  bool born_in_cgroup = false;  // clone3 put it into cgroup_dir
};

SpawnedProcess spawn_process(std::vector<std::string> argv, std::vector<std::string> env,
                             const std::string& work_dir, int out_w, int err_w,
                             const std::string& cgroup_dir);

}  // namespace hpo
