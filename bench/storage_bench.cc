// Storage benchmark (issue 2, "Done means"): store 100,000 trials (6 parameters, 2
// objectives, 3 metrics, 3 intermediate reports each) through the batch API and through the
// per-trial durable path, then open and resume the 100,000-trial study in a fresh process and
// report its time and peak RSS (VmHWM). A plain timed program; results in docs/benchmarks.md.
//
// With --crash N, a second study of the same size is left as a SIGKILLed coordinator leaves
// it, with its last N trials only in the journal, and its resume is measured the same way.
//
//   storage_bench [--trials N] [--durable N] [--batch N] [--dir DIR] [--crash N]
//   storage_bench --open STUDY.h5 [--read-only]   (the child mode used for the open timing)
#include <malloc.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "hpo/store/study_file.h"

namespace {

namespace fs = std::filesystem;

double now_s() {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

// User + system CPU seconds of this process: the machine is shared, so wall time alone
// mostly measures the neighbours.
double cpu_s() {
  rusage r{};
  ::getrusage(RUSAGE_SELF, &r);
  return r.ru_utime.tv_sec + r.ru_utime.tv_usec * 1e-6 + r.ru_stime.tv_sec +
         r.ru_stime.tv_usec * 1e-6;
}

long vm_hwm_kb() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
  return -1;
}

hpo::StudyInfo bench_info() {
  hpo::StudyInfo info;
  info.name = "storage-bench";
  info.source_text = "name: storage-bench\n";
  info.objectives = {{"accuracy", hpo::Direction::kMaximize},
                     {"energy_kwh", hpo::Direction::kMinimize}};
  info.param_names = {"lr", "width", "depth", "act", "optimizer", "batch_norm"};
  return info;
}

hpo::Trial bench_trial(std::int64_t n, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> u(0.0, 1.0);
  hpo::Trial t;
  t.number = n;
  t.params["lr"] = std::pow(10.0, -4.0 + 3.0 * u(rng));
  t.params["width"] = static_cast<std::int64_t>(16 + 496 * u(rng));
  t.params["depth"] = static_cast<std::int64_t>(1 + 4 * u(rng));
  t.params["act"] = std::string(u(rng) < 0.5 ? "relu" : "tanh");
  t.params["optimizer"] = std::string(u(rng) < 0.5 ? "adam" : "sgd");
  t.params["batch_norm"] = u(rng) < 0.5;
  t.state = hpo::TrialState::kComplete;
  const double acc = u(rng);
  t.metrics = {{"accuracy", acc}, {"loss", 1.0 - acc}, {"train_accuracy", acc * 1.01}};
  for (int s = 0; s < 3; ++s)
    t.reports.push_back(hpo::Report{s, {{"accuracy", acc * (s + 1) / 3.0}}, s * 1.0, s * 1e-6});
  t.energy.energy_kwh = 1e-5 * u(rng);
  t.energy.cpu_kwh = t.energy.energy_kwh * 0.8;
  t.energy.dram_kwh = t.energy.energy_kwh * 0.2;
  t.energy.co2e_kg = t.energy.energy_kwh * 0.475;
  t.energy.intensity_g_per_kwh = 475;
  t.energy.intensity_source = "world-default";
  t.energy.energy_source = "estimate";
  t.energy.estimated = true;
  t.energy.components = {{"cpu-package-0", "estimate", t.energy.cpu_kwh * 3.6e6, true}};
  t.values = {acc, t.energy.energy_kwh};
  t.start_unix_s = 1.7e9 + n;
  t.end_unix_s = t.start_unix_s + 2.0;
  t.duration_s = 2.0;
  t.cpu_s = 1.9;
  t.exit_code = 0;
  t.sampler_s = 1e-4;
  t.log_path = "logs/" + std::to_string(n) + ".log";
  return t;
}

void remove_study(const fs::path& p) {
  fs::remove(p);
  fs::remove(p.string() + ".journal");
  fs::remove(p.string() + ".tmp");
}

int open_child(const fs::path& path, bool read_only) {
  const double t0 = now_s();
  const double c0 = cpu_s();
  std::size_t n = 0, running = 0;
  {
    auto store = read_only ? hpo::open_study_file_read_only(path)
                           : hpo::open_study_file(path, nullptr);
    n = store->trials().size();
    for (const auto& t : store->trials()) running += t.state == hpo::TrialState::kRunning;
    const double t1 = now_s();
    // Heap in use after the open (malloc's own count, mmapped blocks included): the in-memory
    // trials; the peak RSS adds transient buffers of the read and the libraries.
    const struct mallinfo2 mi = ::mallinfo2();
    const double heap_mb = static_cast<double>(mi.uordblks + mi.hblkhd) / (1024.0 * 1024.0);
    std::printf("%s open: %zu trials (%zu running) in %.3f s wall, %.3f s CPU, peak RSS %.1f MB "
                "(heap in use after the open %.1f MB; sizeof(hpo::Trial) %zu B)\n",
                read_only ? "read-only" : "resume", n, running, t1 - t0, cpu_s() - c0,
                vm_hwm_kb() / 1024.0, heap_mb, sizeof(hpo::Trial));
  }
  return 0;
}

int run_open(const fs::path& self, const fs::path& path, bool read_only) {
  const std::string cmd = "'" + self.string() + "' --open '" + path.string() + "'" +
                          (read_only ? " --read-only" : "");
  std::fflush(stdout);  // keep our lines before the child's
  return std::system(cmd.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  std::int64_t trials = 100000, durable = 2000, batch = 1000, crash = 0;
  hpo::StoreOptions options;  // defaults: checkpoint after max(256, 10% of trials) finishes
  fs::path dir = fs::temp_directory_path();
  fs::path open_path;
  bool read_only = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "storage_bench: %s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--trials") trials = std::stoll(next());
    else if (a == "--durable") durable = std::stoll(next());
    else if (a == "--batch") batch = std::stoll(next());
    else if (a == "--dir") dir = next();
    else if (a == "--fraction") options.checkpoint_fraction = std::stod(next());
    else if (a == "--open") open_path = next();
    else if (a == "--read-only") read_only = true;
    else if (a == "--crash") crash = std::stoll(next());
    else {
      std::fprintf(stderr,
                   "usage: storage_bench [--trials N] [--durable N] [--batch N] [--fraction F] [--dir DIR] "
                   "[--crash N]\n");
      return 2;
    }
  }
  try {
    if (!open_path.empty()) return open_child(open_path, read_only);
    const fs::path self = fs::read_symlink("/proc/self/exe");
    const fs::path big = dir / ("storage-bench-" + std::to_string(::getpid()) + ".h5");
    const fs::path small = dir / ("storage-bench-durable-" + std::to_string(::getpid()) + ".h5");
    remove_study(big);
    remove_study(small);
    hpo::StudyInfo info = bench_info();
    std::mt19937_64 rng(42);

    {  // 1. batch API: trials_finished() with `batch` trials per call (one fsync each)
      std::vector<hpo::Trial> pending;
      double generate_s = 0, generate_cpu_s = 0;
      const double t0 = now_s();
      const double c0 = cpu_s();
      auto store = hpo::open_study_file(big, &info, options);
      for (std::int64_t n = 0; n < trials;) {
        const double g0 = now_s(), gc0 = cpu_s();
        pending.clear();
        for (std::int64_t k = 0; k < batch && n < trials; ++k, ++n)
          pending.push_back(bench_trial(n, rng));
        generate_s += now_s() - g0;
        generate_cpu_s += cpu_s() - gc0;
        store->trials_finished(pending);
      }
      const double t1 = now_s();
      store.reset();  // final checkpoint
      const double t2 = now_s() - generate_s;
      const double cpu = cpu_s() - c0 - generate_cpu_s;
      std::printf("batch API (%lld per call, checkpoint_fraction %.2f): %lld trials in %.3f s "
                  "wall = %.0f trials/s (%.0f trials/s including the final checkpoint); "
                  "CPU %.3f s = %.0f trials/s per CPU-second\n",
                  static_cast<long long>(batch), options.checkpoint_fraction,
                  static_cast<long long>(trials), t1 - t0 - generate_s,
                  trials / (t1 - t0 - generate_s), trials / (t2 - t0), cpu, trials / cpu);
      std::printf("study file: %.1f MB\n", fs::file_size(big) / 1e6);
    }
    {  // 2. per-trial durable path: start (fsync), 3 reports (write), finish (fsync)
      auto store = hpo::open_study_file(small, &info);
      std::vector<hpo::Trial> ts;
      for (std::int64_t n = 0; n < durable; ++n) ts.push_back(bench_trial(n, rng));
      const double t0 = now_s();
      for (auto& t : ts) {
        hpo::Trial started = t;
        started.reports.clear();
        store->trial_started(started);
        for (const auto& r : t.reports) store->trial_report(t.number, t.attempt, r);
        store->trial_finished(t);
      }
      const double t1 = now_s();
      std::printf("per-trial durable path (start + 3 reports + finish): %lld trials in %.3f s "
                  "= %.0f trials/s\n",
                  static_cast<long long>(durable), t1 - t0, durable / (t1 - t0));
    }
    // 3. open / resume in fresh processes, so VmHWM is the open's own peak.
    run_open(self, big, /*read_only=*/true);
    run_open(self, big, /*read_only=*/false);
    if (std::getenv("STORAGE_BENCH_KEEP") == nullptr) remove_study(big);
    remove_study(small);
    if (crash > 0) {  // 4. resume after a crash with `crash` trials only in the journal
      const fs::path live = dir / ("storage-bench-live-" + std::to_string(::getpid()) + ".h5");
      const fs::path crashed = dir / ("storage-bench-crashed-" + std::to_string(::getpid()) + ".h5");
      remove_study(live);
      remove_study(crashed);
      std::vector<hpo::Trial> pending;
      auto write = [&](hpo::StudyStore& store, std::int64_t from, std::int64_t to) {
        for (std::int64_t n = from; n < to;) {
          pending.clear();
          for (std::int64_t k = 0; k < batch && n < to; ++k, ++n)
            pending.push_back(bench_trial(n, rng));
          store.trials_finished(pending);
        }
      };
      const std::int64_t in_file = std::max<std::int64_t>(trials - crash, 0);
      hpo::StoreOptions journal_only;  // no automatic checkpoint: everything stays journaled
      journal_only.checkpoint_min_finished = trials + 1;
      journal_only.checkpoint_fraction = 1e9;
      {
        auto store = hpo::open_study_file(live, &info, journal_only);
        write(*store, 0, in_file);
        store->checkpoint();
        write(*store, in_file, trials);
        // What SIGKILL leaves on disk: the snapshot and the journal as they are now.
        fs::copy_file(live, crashed);
        fs::copy_file(live.string() + ".journal", crashed.string() + ".journal");
      }
      std::printf("crashed study: %lld trials in the file, %lld in the journal (%.1f MB)\n",
                  static_cast<long long>(in_file), static_cast<long long>(trials - in_file),
                  fs::file_size(crashed.string() + ".journal") / 1e6);
      run_open(self, crashed, /*read_only=*/false);
      remove_study(live);
      remove_study(crashed);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "storage_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
