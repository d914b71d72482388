#include "hpo/exec/local/local_executor.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <limits>
#include <set>

#include "hpo/core/options_reader.h"
#include "hpo/exec/local/detail/process_spawn.h"
#include "hpo/exec/report_parser.h"
#include "hpo/core/study_spec.h"
#include "meters/process_cpu.h"

extern char** environ;

namespace hpo {
namespace {

constexpr double kNever = std::numeric_limits<double>::infinity();
constexpr std::size_t kMaxLineBytes = 1 << 20;

double mono_now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int open_pidfd(pid_t pid) {
#ifdef SYS_pidfd_open
  return static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
#else
  (void)pid;
  return -1;
#endif
}

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

std::string join_words(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

// The environment of the child: ours, with the request's variables replacing same-named ones.
std::vector<std::string> child_environment(const LaunchRequest& r) {
  std::vector<std::pair<std::string, std::string>> extra = r.env;
  const bool has_visible = std::any_of(extra.begin(), extra.end(), [](const auto& kv) {
    return kv.first == "CUDA_VISIBLE_DEVICES";
  });
  if (!r.gpu_indices.empty() && !has_visible) {  // the study loop sets it from its GpuPool
    std::string list;
    for (int g : r.gpu_indices) list += (list.empty() ? "" : ",") + std::to_string(g);
    extra.emplace_back("CUDA_VISIBLE_DEVICES", list);
  }
  std::set<std::string> replaced;
  for (const auto& [k, v] : extra) replaced.insert(k);
  std::vector<std::string> env;
  for (char** e = environ; e && *e; ++e) {
    const char* eq = std::strchr(*e, '=');
    std::string key = eq ? std::string(*e, static_cast<std::size_t>(eq - *e)) : std::string(*e);
    if (!replaced.count(key)) env.emplace_back(*e);
  }
  for (const auto& [k, v] : extra) env.push_back(k + "=" + v);
  return env;
}

}  // namespace

struct LocalExecutor::Child {
  std::int64_t number = 0;
  int attempt = 0;
  pid_t pid = -1;
  int pidfd = -1;
  int out_fd = -1;
  int err_fd = -1;
  std::string out_buf, err_buf;
  std::FILE* log = nullptr;
  std::deque<std::string> stderr_tail;
  double start_mono = 0.0;
  double start_unix = 0.0;
  double deadline = kNever;  // timeout
  double kill_at = kNever;   // SIGKILL after the grace period
  enum class Stop { kNone, kTimeout, kCancel } stop = Stop::kNone;
  bool metered = false;
  meters::MeterHandle handle = 0;
  double scan_cpu_s = 0.0;
  std::string id;
  std::string cgroup_dir;   // "" when the trial has no cgroup
  std::string cgroup_note;  // why this trial has none although cgroups are on
};

std::string LocalExecutor::Options::validate() const {
  if (slots < 1) return "parallel must be at least 1, got " + std::to_string(slots);
  if (!(grace_s >= 0.0)) return "grace_s must be >= 0";
  if (!(cpu_scan_interval_s > 0.0)) return "cpu_scan_interval_s must be > 0";
  if (stderr_tail_lines < 0) return "stderr_tail_lines must be >= 0";
  if (cgroups != "auto" && cgroups != "off")
    return "cgroups must be auto or off, got '" + cgroups + "'";
  return "";
}

LocalExecutor::LocalExecutor(Options options, meters::Meter* meter)
    : options_(options), meter_(meter) {
  if (auto problem = options_.validate(); !problem.empty()) throw std::invalid_argument(problem);
  if (options_.cgroups == "auto") {
    TrialCgroups::Options co;
    co.root = options_.cgroup_root;
    cgroups_ = std::make_unique<TrialCgroups>(co);
  }
}

const std::string& LocalExecutor::cgroup_note() const {
  static const std::string kOff = "cgroups: off; CPU time of trials is read from /proc";
  return cgroups_ ? cgroups_->note() : kOff;
}

std::string LocalExecutor::cgroup_parent() const { return cgroups_ ? cgroups_->parent() : ""; }

std::string LocalExecutor::cgroup_of(std::int64_t trial_number) const {
  auto it = children_.find(trial_number);
  return it == children_.end() ? "" : it->second->cgroup_dir;
}

// After the leader is reaped: kill what is left in the cgroup (setsid escapees), wait for it
// to empty, take its CPU time (which includes every process that ever ran in it) and remove it.
void LocalExecutor::end_cgroup(Child& c, double* cpu_s) {
  if (c.cgroup_dir.empty()) return;
  TrialCgroups::kill_all(c.cgroup_dir);
  if (!TrialCgroups::wait_empty(c.cgroup_dir, 2.0)) {
    c.cgroup_note = "cgroup " + c.cgroup_dir + " did not empty within 2 s; left in place";
  }
  if (auto cg = meters::cgroup_cpu_s(c.cgroup_dir)) *cpu_s = std::max(*cpu_s, *cg);
  TrialCgroups::remove(c.cgroup_dir);
}

LocalExecutor::~LocalExecutor() {
  for (auto& [number, c] : children_) {
    ::kill(-c->pid, SIGKILL);
    if (!c->cgroup_dir.empty()) TrialCgroups::kill_all(c->cgroup_dir);
    int status = 0;
    while (::waitpid(c->pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (!c->cgroup_dir.empty()) {
      TrialCgroups::wait_empty(c->cgroup_dir, 2.0);
      TrialCgroups::remove(c->cgroup_dir);
    }
    close_fd(c->pidfd);
    close_fd(c->out_fd);
    close_fd(c->err_fd);
    if (c->log) std::fclose(c->log);
    if (c->metered && meter_) (void)meter_->end(c->handle);
  }
}

pid_t LocalExecutor::pgid_of(std::int64_t trial_number) const {
  auto it = children_.find(trial_number);
  return it == children_.end() ? 0 : it->second->pid;
}

Result<std::string> LocalExecutor::submit(const LaunchRequest& request) {
  if (request.argv.empty() || request.argv[0].empty()) return make_error("empty command");
  if (children_.count(request.trial_number)) {
    return make_error("trial " + std::to_string(request.trial_number) + " is already running");
  }
  std::vector<std::string> argv;
  if (request.use_shell) {
    argv = {"/bin/sh", "-c",
            request.argv.size() == 1 ? request.argv[0] : join_words(request.argv)};
  } else {
    argv = request.argv;
  }
  std::vector<std::string> env = child_environment(request);

  int out[2], err[2];
  if (::pipe2(out, O_CLOEXEC) != 0) return make_error(std::string("pipe: ") + std::strerror(errno));
  if (::pipe2(err, O_CLOEXEC) != 0) {
    ::close(out[0]);
    ::close(out[1]);
    return make_error(std::string("pipe: ") + std::strerror(errno));
  }
  // A cgroup for this attempt when cgroups are on; the child is born in it (clone3), or moved
  // into it right after posix_spawn when clone3 cannot do that here.
  std::string cgroup_dir, cgroup_note;
  if (cgroups_ && cgroups_->available()) {
    auto dir = cgroups_->create(request.trial_number, request.attempt);
    if (dir) {
      cgroup_dir = *dir;
    } else {
      cgroup_note = "cgroups: " + dir.error() + "; CPU time of this trial is read from /proc";
    }
  }
  SpawnedProcess spawned =
      spawn_process(argv, env, request.work_dir.string(), out[1], err[1],
                    options_.clone_into_cgroup ? cgroup_dir : std::string());
  const int rc = spawned.error;
  const pid_t pid = spawned.pid;
  const int pidfd = spawned.pidfd;
  const bool move_after_spawn = !spawned.born_in_cgroup && !cgroup_dir.empty();
  ::close(out[1]);
  ::close(err[1]);
  if (rc == 0 && move_after_spawn) {
    // The window: a child the trial forks before this write stays outside the cgroup (the
    // /proc tree still sees it while its parent lives).
    auto moved = TrialCgroups::add_process(cgroup_dir, pid);
    if (!moved) {
      cgroup_note = "cgroups: " + moved.error() + "; CPU time of this trial is read from /proc";
      TrialCgroups::remove(cgroup_dir);
      cgroup_dir.clear();
    }
  }

  const double now_unix = unix_now();
  if (rc != 0) {
    if (!cgroup_dir.empty()) TrialCgroups::remove(cgroup_dir);
    ::close(out[0]);
    ::close(err[0]);
    ExecutorEvent ev;
    ev.kind = ExecutorEvent::Kind::kExited;
    ev.trial_number = request.trial_number;
    ev.attempt = request.attempt;
    ev.exit.kind = ExitKind::kLaunchError;
    ev.exit.start_unix_s = ev.exit.end_unix_s = now_unix;
    ev.exit.message = "cannot start '" + argv[0] + "': " + std::strerror(rc);
    if (!request.work_dir.empty() && rc == ENOENT) {
      ev.exit.message += " (or work_dir '" + request.work_dir.string() + "' does not exist)";
    }
    pending_.push_back(std::move(ev));
    return std::string("launch-error");
  }

  auto c = std::make_unique<Child>();
  c->number = request.trial_number;
  c->attempt = request.attempt;
  c->pid = pid;
  c->id = std::to_string(pid);
  c->out_fd = out[0];
  c->err_fd = err[0];
  ::fcntl(c->out_fd, F_SETFL, ::fcntl(c->out_fd, F_GETFL) | O_NONBLOCK);
  ::fcntl(c->err_fd, F_SETFL, ::fcntl(c->err_fd, F_GETFL) | O_NONBLOCK);
  c->pidfd = pidfd >= 0 ? pidfd : open_pidfd(pid);
  c->cgroup_dir = cgroup_dir;
  c->cgroup_note = cgroup_note;
  c->start_mono = mono_now();
  c->start_unix = now_unix;
  if (request.timeout_s > 0.0) c->deadline = c->start_mono + request.timeout_s;
  if (meter_) {
    meters::MeterTarget target;
    target.pgid = pid;
    target.cgroup_dir = cgroup_dir;
    target.gpu_indices = request.gpu_indices;
    target.label = "trial " + std::to_string(request.trial_number);
    c->handle = meter_->begin(target);
    c->metered = true;
  }
  if (!request.log_path.empty()) c->log = std::fopen(request.log_path.c_str(), "w");

  ExecutorEvent ev;
  ev.kind = ExecutorEvent::Kind::kStarted;
  ev.trial_number = c->number;
  ev.attempt = c->attempt;
  ev.executor_id = c->id;
  pending_.push_back(std::move(ev));
  std::string id = c->id;
  children_.emplace(request.trial_number, std::move(c));
  return id;
}

void LocalExecutor::handle_line(Child& c, bool is_stderr, std::string_view line,
                                std::vector<ExecutorEvent>& out) {
  if (is_stderr) {
    if (c.log) {
      std::fwrite(line.data(), 1, line.size(), c.log);
      std::fputc('\n', c.log);
    }
    if (options_.stderr_tail_lines > 0) {
      c.stderr_tail.emplace_back(line.substr(0, 1000));
      while (static_cast<int>(c.stderr_tail.size()) > options_.stderr_tail_lines) {
        c.stderr_tail.pop_front();
      }
    }
    return;
  }
  ParsedLine p = parse_report_line(line);
  if (p.kind == ParsedLine::Kind::kNotReport) {
    if (c.log) {
      std::fwrite(line.data(), 1, line.size(), c.log);
      std::fputc('\n', c.log);
    }
    return;
  }
  ExecutorEvent ev;
  ev.trial_number = c.number;
  ev.attempt = c.attempt;
  ev.executor_id = c.id;
  ev.elapsed_s = mono_now() - c.start_mono;
  if (p.kind == ParsedLine::Kind::kReport) {
    ev.kind = ExecutorEvent::Kind::kReport;
    ev.report = std::move(p.object);
    if (c.metered) ev.energy_so_far = meter_->read(c.handle);
  } else {
    ev.kind = ExecutorEvent::Kind::kBadOutput;
    ev.line = std::string(line.substr(0, 1000));
    if (c.log) std::fprintf(c.log, "%.*s\n", static_cast<int>(line.size()), line.data());
  }
  out.push_back(std::move(ev));
}

void LocalExecutor::handle_output(Child& c, bool is_stderr, std::vector<ExecutorEvent>& out) {
  int& fd = is_stderr ? c.err_fd : c.out_fd;
  std::string& buf = is_stderr ? c.err_buf : c.out_buf;
  char chunk[65536];
  while (fd >= 0) {
    const ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n > 0) {
      buf.append(chunk, static_cast<std::size_t>(n));
      std::size_t start = 0;
      for (std::size_t nl; (nl = buf.find('\n', start)) != std::string::npos; start = nl + 1) {
        handle_line(c, is_stderr, std::string_view(buf).substr(start, nl - start), out);
      }
      buf.erase(0, start);
      if (buf.size() > kMaxLineBytes) {
        handle_line(c, is_stderr, buf, out);
        buf.clear();
      }
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    close_fd(fd);  // EOF or error
  }
}

void LocalExecutor::drain(Child& c, std::vector<ExecutorEvent>& out) {
  handle_output(c, false, out);
  handle_output(c, true, out);
}

void LocalExecutor::finish(Child& c, int status, const ::rusage& usage,
                           std::vector<ExecutorEvent>& out) {
  // Whatever is still in the pipes (descendants were killed, so this ends quickly).
  drain(c, out);
  if (!c.out_buf.empty()) handle_line(c, false, c.out_buf, out);
  if (!c.err_buf.empty()) handle_line(c, true, c.err_buf, out);
  c.out_buf.clear();
  c.err_buf.clear();
  close_fd(c.out_fd);
  close_fd(c.err_fd);
  close_fd(c.pidfd);
  if (c.log) {
    std::fclose(c.log);
    c.log = nullptr;
  }

  ExecutorEvent ev;
  ev.kind = ExecutorEvent::Kind::kExited;
  ev.trial_number = c.number;
  ev.attempt = c.attempt;
  ev.executor_id = c.id;
  TrialExit& x = ev.exit;
  if (WIFEXITED(status)) x.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) x.term_signal = WTERMSIG(status);
  if (c.stop == Child::Stop::kTimeout) {
    x.kind = ExitKind::kTimedOut;
  } else if (c.stop == Child::Stop::kCancel) {
    x.kind = ExitKind::kCancelled;
  } else {
    x.kind = WIFSIGNALED(status) ? ExitKind::kSignaled : ExitKind::kExited;
  }
  x.start_unix_s = c.start_unix;
  x.duration_s = mono_now() - c.start_mono;
  x.end_unix_s = c.start_unix + x.duration_s;
  const double rusage_s = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                          1e-6 * static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec);
  x.cpu_s = std::max(rusage_s, c.scan_cpu_s);
  end_cgroup(c, &x.cpu_s);
  for (const auto& line : c.stderr_tail) x.stderr_tail += line + "\n";
  if (c.metered) {
    meter_->set_final_cpu_s(c.handle, x.cpu_s);
    x.energy = meter_->end(c.handle);
    c.metered = false;
  }
  // Provenance: why this trial's CPU time comes from /proc although cgroups are on (every
  // time), or why cgroups are unavailable at all (once, on the first trial).
  if (!c.cgroup_note.empty()) {
    x.energy.notes.push_back(c.cgroup_note);
  } else if (cgroups_ && !cgroups_->available() && !cgroup_note_given_) {
    x.energy.notes.push_back(cgroups_->note());
    cgroup_note_given_ = true;
  }
  x.energy.duration_s = x.duration_s;
  if (x.energy.cpu_s <= 0.0) x.energy.cpu_s = x.cpu_s;
  out.push_back(std::move(ev));
}

void LocalExecutor::check_deadlines(double now) {
  for (auto& [number, c] : children_) {
    if (c->stop == Child::Stop::kNone && now >= c->deadline) {
      c->stop = Child::Stop::kTimeout;
      ::kill(-c->pid, SIGTERM);
      c->kill_at = now + options_.grace_s;
    }
    if (now >= c->kill_at) {
      ::kill(-c->pid, SIGKILL);
      if (!c->cgroup_dir.empty()) TrialCgroups::kill_all(c->cgroup_dir);
      c->kill_at = kNever;
    }
  }
}

void LocalExecutor::scan_cpu() {
  std::map<pid_t, double> by_group;
  for (const auto& [number, c] : children_) by_group[c->pid] = 0.0;
  static const double ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
  DIR* dir = ::opendir("/proc");
  if (!dir) return;
  char path[300];
  char text[1024];
  while (dirent* e = ::readdir(dir)) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    std::snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
    const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    const ssize_t n = ::read(fd, text, sizeof text - 1);
    ::close(fd);
    if (n <= 0) continue;
    text[n] = '\0';
    const char* p = std::strrchr(text, ')');
    if (!p) continue;
    // Fields after the command: state ppid pgrp session tty tpgid flags minflt cminflt majflt
    // cmajflt utime stime cutime cstime.
    char state;
    long ppid, pgrp;
    unsigned long long skip, utime, stime;
    long long cutime, cstime;
    if (std::sscanf(p + 2, "%c %ld %ld %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %lld %lld",
                    &state, &ppid, &pgrp, &skip, &skip, &skip, &skip, &skip, &skip, &skip, &skip,
                    &utime, &stime, &cutime, &cstime) != 15) {
      continue;
    }
    auto it = by_group.find(static_cast<pid_t>(pgrp));
    if (it == by_group.end()) continue;
    it->second += static_cast<double>(utime + stime) / ticks +
                  static_cast<double>(cutime + cstime) / ticks;
  }
  ::closedir(dir);
  for (auto& [number, c] : children_) {
    c->scan_cpu_s = std::max(c->scan_cpu_s, by_group[c->pid]);
  }
}

std::vector<ExecutorEvent> LocalExecutor::poll(double max_wait_s) {
  std::vector<ExecutorEvent> out = std::move(pending_);
  pending_.clear();
  double now = mono_now();
  check_deadlines(now);
  if (children_.empty()) {
    if (out.empty() && max_wait_s > 0) {
      ::poll(nullptr, 0, static_cast<int>(std::ceil(max_wait_s * 1000)));
    }
    return out;
  }
  double wait = out.empty() ? std::max(0.0, max_wait_s) : 0.0;
  bool need_fallback = false;
  std::vector<pollfd> fds;
  std::vector<std::pair<Child*, int>> owners;  // (child, 0 stdout / 1 stderr / 2 pidfd)
  for (auto& [number, c] : children_) {
    if (c->out_fd >= 0) { fds.push_back({c->out_fd, POLLIN, 0}); owners.emplace_back(c.get(), 0); }
    if (c->err_fd >= 0) { fds.push_back({c->err_fd, POLLIN, 0}); owners.emplace_back(c.get(), 1); }
    if (c->pidfd >= 0) {
      fds.push_back({c->pidfd, POLLIN, 0});
      owners.emplace_back(c.get(), 2);
    } else {
      need_fallback = true;
    }
    wait = std::min(wait, std::max(0.0, std::min(c->deadline, c->kill_at) - now));
  }
  if (need_fallback) wait = std::min(wait, 0.01);
  if (next_scan_s_ == 0.0) next_scan_s_ = now + options_.cpu_scan_interval_s;
  wait = std::min(wait, std::max(0.0, next_scan_s_ - now));

  int ready = ::poll(fds.data(), fds.size(), static_cast<int>(std::ceil(wait * 1000)));
  if (ready < 0 && errno != EINTR) ready = 0;
  std::vector<Child*> exited;
  for (std::size_t i = 0; ready > 0 && i < fds.size(); ++i) {
    if (fds[i].revents == 0) continue;
    auto [c, what] = owners[i];
    if (what == 2) {
      exited.push_back(c);
    } else {
      handle_output(*c, what == 1, out);
    }
  }
  if (need_fallback) {
    for (auto& [number, c] : children_) {
      if (c->pidfd < 0) exited.push_back(c.get());  // checked with WNOHANG below
    }
  }
  std::vector<std::int64_t> done;
  for (Child* c : exited) {
    drain(*c, out);
    siginfo_t info{};
    // Peek first: the leader may not have exited (fallback path).
    if (::waitid(P_PID, static_cast<id_t>(c->pid), &info, WEXITED | WNOHANG | WNOWAIT) != 0 ||
        info.si_pid != c->pid) {
      continue;
    }
    ::kill(-c->pid, SIGKILL);  // leftovers in the trial's group
    if (!c->cgroup_dir.empty()) TrialCgroups::kill_all(c->cgroup_dir);  // and escapees
    int status = 0;
    ::rusage usage{};
    pid_t r;
    while ((r = ::wait4(c->pid, &status, 0, &usage)) < 0 && errno == EINTR) {
    }
    finish(*c, status, usage, out);
    done.push_back(c->number);
  }
  for (auto n : done) children_.erase(n);

  now = mono_now();
  check_deadlines(now);
  if (!children_.empty() && now >= next_scan_s_) {
    scan_cpu();
    next_scan_s_ = now + options_.cpu_scan_interval_s;
  }
  if (children_.empty()) next_scan_s_ = 0.0;
  return out;
}

void LocalExecutor::cancel(std::int64_t trial_number, double grace_s) {
  auto it = children_.find(trial_number);
  if (it == children_.end()) return;
  Child& c = *it->second;
  if (c.stop == Child::Stop::kNone) c.stop = Child::Stop::kCancel;
  if (grace_s <= 0.0) {
    ::kill(-c.pid, SIGKILL);
    if (!c.cgroup_dir.empty()) TrialCgroups::kill_all(c.cgroup_dir);
    c.kill_at = kNever;
    return;
  }
  ::kill(-c.pid, SIGTERM);
  c.kill_at = std::min(c.kill_at, mono_now() + grace_s);
}

std::unique_ptr<Executor> LocalExecutor::create(const ComponentSpec& spec,
                                                const FactoryContext& ctx) {
  OptionsReader r(spec.options, spec.key);
  Options o;
  o.slots = ctx.study ? ctx.study->parallel : 1;
  o.grace_s = r.number("grace_s", o.grace_s);
  o.cpu_scan_interval_s = r.number("cpu_scan_interval_s", o.cpu_scan_interval_s);
  o.stderr_tail_lines =
      static_cast<int>(r.integer("stderr_tail_lines", o.stderr_tail_lines));
  o.cgroups = r.string("cgroups", o.cgroups);
  o.cgroup_root = r.string("cgroup_root", o.cgroup_root);
  r.finish();
  if (o.cgroups != "auto" && o.cgroups != "off") {
    throw ConfigError(r.key("cgroups"), "cgroups must be auto or off, got '" + o.cgroups + "'");
  }
  if (!(o.grace_s >= 0.0)) throw ConfigError(r.key("grace_s"), "grace_s must be >= 0 (seconds)");
  if (!(o.cpu_scan_interval_s > 0.0)) {
    throw ConfigError(r.key("cpu_scan_interval_s"), "cpu_scan_interval_s must be > 0 (seconds)");
  }
  if (o.stderr_tail_lines < 0) {
    throw ConfigError(r.key("stderr_tail_lines"), "stderr_tail_lines must be >= 0");
  }
  if (o.slots < 1) throw ConfigError("/parallel", "parallel must be at least 1");
  return std::make_unique<LocalExecutor>(o, ctx.meter);
}

void register_local_executor(Registry& registry) {
  registry.executors["local"] = &LocalExecutor::create;
}

}  // namespace hpo
