#include "hpo/exec/local/detail/cgroup.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

namespace hpo {
namespace {

constexpr long kCgroup2Magic = 0x63677270;  // CGROUP2_SUPER_MAGIC (linux/magic.h)

bool read_file(const std::string& path, std::string* out) {
  std::ifstream in(path);
  if (!in) return false;
  std::stringstream ss;
  ss << in.rdbuf();
  *out = ss.str();
  return true;
}

bool write_file(const std::string& path, const std::string& text, int* err) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) {
    *err = errno;
    return false;
  }
  const ssize_t n = ::write(fd, text.data(), text.size());
  *err = n < 0 ? errno : 0;
  ::close(fd);
  return n == static_cast<ssize_t>(text.size());
}

// mountinfo escapes space, tab, newline and backslash as \ooo.
std::string unescape_octal(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size() &&
        std::isdigit(static_cast<unsigned char>(s[i + 1]))) {
      out.push_back(static_cast<char>(std::stoi(s.substr(i + 1, 3), nullptr, 8)));
      i += 3;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

}  // namespace

std::string TrialCgroups::cgroup2_mount(const std::string& mountinfo) {
  std::istringstream in(mountinfo);
  std::string line;
  while (std::getline(in, line)) {
    // id parent major:minor root mount-point options [optional...] - fstype source super
    const auto sep = line.find(" - ");
    if (sep == std::string::npos) continue;
    std::istringstream tail(line.substr(sep + 3));
    std::string fstype;
    tail >> fstype;
    if (fstype != "cgroup2") continue;
    std::istringstream head(line.substr(0, sep));
    std::string id, parent, dev, root, mount;
    if (head >> id >> parent >> dev >> root >> mount) return unescape_octal(mount);
  }
  return "";
}

std::string TrialCgroups::unified_path(const std::string& proc_self_cgroup) {
  std::istringstream in(proc_self_cgroup);
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("0::", 0) == 0) return line.substr(3);
  return "";
}

void TrialCgroups::disable(const std::string& why) {
  parent_.clear();
  note_ = "cgroups: " + why +
          "; CPU time of trials is read from /proc (processes that leave the trial's "
          "process tree are not seen)";
}

TrialCgroups::TrialCgroups(Options options) : options_(std::move(options)) {
  if (!options_.enabled) {
    note_ = "cgroups: off; CPU time of trials is read from /proc";
    return;
  }
  std::string root = options_.root;
  if (root.empty()) {
    std::string mountinfo, self;
    if (!read_file(options_.proc_root + "/self/mountinfo", &mountinfo)) {
      disable("cannot read " + options_.proc_root + "/self/mountinfo");
      return;
    }
    const std::string mount = cgroup2_mount(mountinfo);
    if (mount.empty()) {
      disable("no cgroup2 filesystem is mounted");
      return;
    }
    if (!read_file(options_.proc_root + "/self/cgroup", &self)) {
      disable("cannot read " + options_.proc_root + "/self/cgroup");
      return;
    }
    const std::string own = unified_path(self);
    if (own.empty()) {
      disable("no cgroup v2 entry (0::) in " + options_.proc_root + "/self/cgroup");
      return;
    }
    root = own == "/" ? mount : mount + own;
  }
  struct statfs fs{};
  if (::statfs(root.c_str(), &fs) != 0) {
    disable("cannot use " + root + ": " + std::strerror(errno));
    return;
  }
  if (static_cast<long>(fs.f_type) != kCgroup2Magic) {
    disable(root + " is not a cgroup v2 filesystem");
    return;
  }
  removed_stale_ = remove_stale(root);
  const std::string base = root + "/ecohpo-" + std::to_string(::getpid()) + "-";
  for (int k = 0; k < 1000; ++k) {
    const std::string dir = base + std::to_string(k);
    if (::mkdir(dir.c_str(), 0755) == 0) {
      parent_ = dir;
      break;
    }
    if (errno != EEXIST) {
      const int err = errno;
      disable("cannot create " + dir + ": " + std::strerror(err) +
              (err == EACCES || err == EPERM
                   ? " (a non-root user needs a delegated cgroup, e.g. run under "
                     "`systemd-run --user --scope -p Delegate=yes`)"
                   : ""));
      return;
    }
  }
  if (parent_.empty()) {
    disable("cannot create " + base + "N: all names taken");
    return;
  }
  if (::access((parent_ + "/cpu.stat").c_str(), R_OK) != 0) {
    const std::string dir = parent_;
    ::rmdir(dir.c_str());
    disable(dir + " has no readable cpu.stat");
  }
}

TrialCgroups::~TrialCgroups() {
  if (!parent_.empty()) remove(parent_);
}

Result<std::string> TrialCgroups::create(std::int64_t trial_number, int attempt) {
  if (parent_.empty()) return make_error(note_);
  const std::string base =
      parent_ + "/trial-" + std::to_string(trial_number) + "-" + std::to_string(attempt);
  for (int k = 0; k < 100; ++k) {
    const std::string dir = k == 0 ? base : base + "." + std::to_string(k);
    if (::mkdir(dir.c_str(), 0755) == 0) return dir;
    if (errno != EEXIST) return make_error("cannot create " + dir + ": " + std::strerror(errno));
  }
  return make_error("cannot create " + base + ": name taken");
}

bool TrialCgroups::kill_all(const std::string& dir) {
  int err = 0;
  if (write_file(dir + "/cgroup.kill", "1", &err)) return true;
  if (err != ENOENT && err != EACCES) return false;
  // Kernels before 5.14: SIGKILL each member; a few rounds catch processes forked meanwhile.
  for (int round = 0; round < 3; ++round) {
    std::string procs;
    if (!read_file(dir + "/cgroup.procs", &procs)) return false;
    std::istringstream in(procs);
    pid_t pid = 0;
    bool any = false;
    while (in >> pid) {
      ::kill(pid, SIGKILL);
      any = true;
    }
    if (!any) break;
  }
  return true;
}

bool TrialCgroups::wait_empty(const std::string& dir, double timeout_s) {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  auto pause = std::chrono::microseconds(200);
  for (;;) {
    std::string events;
    if (!read_file(dir + "/cgroup.events", &events)) return true;  // gone
    if (events.find("populated 0") != std::string::npos) return true;
    if (std::chrono::steady_clock::now() >= give_up) return false;
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::microseconds(20000));
  }
}

int TrialCgroups::remove_stale(const std::string& root) {
  // A coordinator killed with SIGKILL leaves its ecohpo-<pid>-<k> directory behind. Remove
  // those of processes that no longer exist, leaves first; rmdir refuses any cgroup that
  // still holds processes (orphaned trials keep running and keep their cgroup).
  int removed = 0;
  DIR* d = ::opendir(root.c_str());
  if (!d) return 0;
  std::vector<std::string> stale;
  while (dirent* e = ::readdir(d)) {
    const std::string name = e->d_name;
    if (name.rfind("ecohpo-", 0) != 0) continue;
    const std::size_t dash = name.find('-', 7);
    if (dash == std::string::npos || dash == 7) continue;
    const std::string pid_text = name.substr(7, dash - 7);
    if (!std::all_of(pid_text.begin(), pid_text.end(),
                     [](unsigned char c) { return std::isdigit(c) != 0; }))
      continue;
    const pid_t pid = static_cast<pid_t>(std::stol(pid_text));
    if (pid == ::getpid() || ::kill(pid, 0) == 0 || errno != ESRCH) continue;  // alive
    stale.push_back(root + "/" + name);
  }
  ::closedir(d);
  for (const std::string& dir : stale) {
    if (DIR* sub = ::opendir(dir.c_str())) {
      std::vector<std::string> leaves;
      while (dirent* e = ::readdir(sub))
        if (std::string(e->d_name).rfind("trial-", 0) == 0) leaves.push_back(dir + "/" + e->d_name);
      ::closedir(sub);
      for (const auto& leaf : leaves) ::rmdir(leaf.c_str());
    }
    if (::rmdir(dir.c_str()) == 0) ++removed;
  }
  return removed;
}

void TrialCgroups::remove(const std::string& dir) {
  // rmdir fails with EBUSY for a moment after the last process exited (zombies being
  // released); retry briefly.
  for (int i = 0; i < 50; ++i) {
    if (::rmdir(dir.c_str()) == 0 || errno == ENOENT) return;
    if (errno != EBUSY) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

Result<void> TrialCgroups::add_process(const std::string& dir, pid_t pid) {
  int err = 0;
  if (write_file(dir + "/cgroup.procs", std::to_string(pid), &err)) return {};
  return make_error("cannot move pid " + std::to_string(pid) + " into " + dir + ": " +
                    std::strerror(err));
}

}  // namespace hpo
