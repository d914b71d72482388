// Overhead of the meter's sampling thread: the CPU time this process spends while the main
// thread sleeps and the meter samples at 10 Hz with one metered target (a sleeping child
// process group), once with the estimate and once with a fake powercap tree; then, where a
// cgroup v2 can be created (root, or a delegated subtree), with the estimate reading the
// target's CPU time from its cgroup's cpu.stat instead of the /proc tree.
// usage: meter_overhead [seconds=20]
#include <sys/resource.h>
#include <sys/wait.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "meters/meter_factory.h"

namespace {

double self_cpu_s() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec * 1e-6 + ru.ru_stime.tv_sec +
         ru.ru_stime.tv_usec * 1e-6;
}

void measure(const char* label, meters::MeterOptions o, double seconds,
             const std::string& cgroup_dir = "") {
  o.interval_s = 0.1;
  auto setup = meters::make_meter(o);
  const pid_t child = fork();
  if (child == 0) {
    setpgid(0, 0);
    if (!cgroup_dir.empty()) std::ofstream(cgroup_dir + "/cgroup.procs") << getpid() << std::flush;
    execlp("sleep", "sleep", "3600", static_cast<char*>(nullptr));
    _exit(127);
  }
  setpgid(child, child);
  meters::MeterTarget t;
  t.pgid = child;
  t.cgroup_dir = cgroup_dir;
  const auto h = setup.meter->begin(t);
  const double c0 = self_cpu_s();
  const auto w0 = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  const double c1 = self_cpu_s();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - w0).count();
  const auto m = setup.meter->end(h);
  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);
  std::printf("%-28s %s: %.1f s, %zu samples, sampling thread CPU %.4f s = %.3f%% of one core\n",
              label, setup.meter->describe().c_str(), wall, m.trace.size(), c1 - c0,
              100.0 * (c1 - c0) / wall);
}

}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 20.0;
  meters::MeterOptions est;
  est.sources = {"estimate"};
  measure("estimate, 10 Hz", est, seconds);

  const auto root = std::filesystem::temp_directory_path() / "ecohpo-bench-powercap";
  for (const char* z : {"intel-rapl:0", "intel-rapl:0:0", "intel-rapl:1", "intel-rapl:1:0"}) {
    std::filesystem::create_directories(root / z);
    const bool dram = std::string(z).size() > 12;
    std::ofstream(root / z / "name") << (dram ? "dram" : (z[11] == '0' ? "package-0" : "package-1"))
                                     << "\n";
    std::ofstream(root / z / "energy_uj") << "123456\n";
    std::ofstream(root / z / "max_energy_range_uj") << "262143328850\n";
  }
  meters::MeterOptions rapl;
  rapl.sources = {"rapl"};
  rapl.powercap_root = root.string();
  measure("fake powercap (4 zones), 10 Hz", rapl, seconds);
  std::filesystem::remove_all(root);

  // The same estimate meter with the target read through a cgroup v2 (hybrid hierarchy
  // first, then unified); skipped where none can be created.
  for (const char* mount : {"/sys/fs/cgroup/unified", "/sys/fs/cgroup"}) {
    const std::string dir = std::string(mount) + "/ecohpo-bench-" + std::to_string(getpid());
    std::error_code ec;
    if (!std::filesystem::exists(std::string(mount) + "/cgroup.procs") ||
        !std::filesystem::create_directory(dir, ec))
      continue;
    measure("estimate, cgroup target, 10 Hz", est, seconds, dir);
    rmdir(dir.c_str());
    return 0;
  }
  std::printf("estimate, cgroup target: skipped (cannot create a cgroup v2 here)\n");
  return 0;
}
