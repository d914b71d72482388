#include "hpo/exec/local/detail/process_spawn.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>

namespace hpo {

namespace {

#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x00001000
#endif
constexpr std::uint64_t kCloneIntoCgroup = 0x200000000ULL;  // CLONE_INTO_CGROUP, Linux 5.7

// struct clone_args up to CLONE_ARGS_SIZE_VER2 (linux/sched.h), spelled out so that
// <linux/sched.h> and glibc's <sched.h> need not meet.
struct CloneArgs {
  std::uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls,
      set_tid, set_tid_size, cgroup;
};

// What a spawn needs; every pointer stays valid until spawn_into_cgroup returns.
struct SpawnPlan {
  char* const* argv = nullptr;
  char* const* envp = nullptr;
  const char* work_dir = nullptr;  // null: stay
  int out_w = -1, err_w = -1;
};

// Child side of the clone3 spawn: only async-signal-safe calls (the parent may have threads;
// no CLONE_VM, so this is a copy of the parent's memory). Reports errno through `report_w`.
[[noreturn]] void exec_child(const SpawnPlan& p, int report_w) {
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; ++sig)
    if (sig != SIGKILL && sig != SIGSTOP) ::sigaction(sig, &dfl, nullptr);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  int err = 0;
  if (::setpgid(0, 0) != 0) err = errno;
  const int null_fd = err ? -1 : ::open("/dev/null", O_RDONLY);
  if (!err && null_fd < 0) err = errno;
  if (!err && (::dup2(null_fd, 0) < 0 || ::dup2(p.out_w, 1) < 0 || ::dup2(p.err_w, 2) < 0))
    err = errno;
  if (!err && p.work_dir && ::chdir(p.work_dir) != 0) err = errno;
  if (!err) {
    ::execvpe(p.argv[0], p.argv, p.envp);
    err = errno;
  }
  while (::write(report_w, &err, sizeof err) < 0 && errno == EINTR) {
  }
  ::_exit(127);
}

// clone3(CLONE_INTO_CGROUP | CLONE_PIDFD): the child starts inside the cgroup, so nothing it
// forks can be outside. Returns 0 with *pid/*pidfd set, the exec errno (child reaped), or
// -1 when clone3 itself is refused (old kernel, cgroup not usable): then use posix_spawn.
int spawn_into_cgroup(const SpawnPlan& p, int cgroup_fd, pid_t* pid, int* pidfd,
                      int* clone_errno) {
#ifdef SYS_clone3
  int report[2];
  if (::pipe2(report, O_CLOEXEC) != 0) {
    *clone_errno = errno;
    return -1;
  }
  int fd = -1;
  CloneArgs args{};
  args.flags = CLONE_PIDFD | kCloneIntoCgroup;
  args.pidfd = reinterpret_cast<std::uint64_t>(&fd);
  args.exit_signal = SIGCHLD;
  args.cgroup = static_cast<std::uint64_t>(cgroup_fd);
  const long r = ::syscall(SYS_clone3, &args, sizeof args);
  if (r == 0) exec_child(p, report[1]);
  const int saved = errno;
  ::close(report[1]);
  if (r < 0) {
    ::close(report[0]);
    *clone_errno = saved;
    return -1;
  }
  int child_err = 0;
  ssize_t n;
  while ((n = ::read(report[0], &child_err, sizeof child_err)) < 0 && errno == EINTR) {
  }
  ::close(report[0]);
  if (n == sizeof child_err) {  // exec failed: reap the child, report like posix_spawn
    int status = 0;
    while (::waitpid(static_cast<pid_t>(r), &status, 0) < 0 && errno == EINTR) {
    }
    if (fd >= 0) ::close(fd);
    return child_err;
  }
  *pid = static_cast<pid_t>(r);
  *pidfd = fd;
  return 0;
#else
  (void)p, (void)cgroup_fd, (void)pid, (void)pidfd;
  *clone_errno = ENOSYS;
  return -1;
#endif
}

std::vector<char*> c_array(std::vector<std::string>& words) {
  std::vector<char*> out;
  out.reserve(words.size() + 1);
  for (auto& w : words) out.push_back(w.data());
  out.push_back(nullptr);
  return out;
}

}  // namespace

SpawnedProcess spawn_process(std::vector<std::string> argv, std::vector<std::string> env,
                             const std::string& work_dir, int out_w, int err_w,
                             const std::string& cgroup_dir) {
  std::vector<char*> c_argv = c_array(argv);
  std::vector<char*> c_env = c_array(env);
  SpawnedProcess s;
  int rc = -1;
  if (!cgroup_dir.empty()) {
    const int cg_fd = ::open(cgroup_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (cg_fd >= 0) {
      SpawnPlan plan;
      plan.argv = c_argv.data();
      plan.envp = c_env.data();
      plan.work_dir = work_dir.empty() ? nullptr : work_dir.c_str();
      plan.out_w = out_w;
      plan.err_w = err_w;
      int clone_errno = 0;
      rc = spawn_into_cgroup(plan, cg_fd, &s.pid, &s.pidfd, &clone_errno);
      ::close(cg_fd);
    }
  }
  if (rc != -1) {  // clone3 ran: started in the cgroup, or the command cannot start
    s.error = rc;
    s.born_in_cgroup = rc == 0;
    return s;
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, out_w, 1);
  posix_spawn_file_actions_adddup2(&fa, err_w, 2);
  if (!work_dir.empty()) posix_spawn_file_actions_addchdir_np(&fa, work_dir.c_str());
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none, defaults;
  sigemptyset(&none);
  sigfillset(&defaults);
  sigdelset(&defaults, SIGKILL);
  sigdelset(&defaults, SIGSTOP);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
                                      POSIX_SPAWN_SETSIGDEF);
  s.error = ::posix_spawnp(&s.pid, c_argv[0], &fa, &attr, c_argv.data(), c_env.data());
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  return s;
}

}  // namespace hpo
