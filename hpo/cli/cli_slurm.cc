// `ecohpo slurm-wrapper --record DIR [options] -- CMD...`: the node-side half of the Slurm
// executor (hpo/slurm_executor.h). It runs inside the trial's Slurm job, launches the trial
// through the local executor (own process group, report parsing, timeout, CPU time of the
// whole tree) under a meter on this node, and writes the record directory the coordinator
// follows (formats: hpo/slurm_job.h):
//   DIR/started.json   as soon as the trial runs (host, start time, job id)
//   DIR/reports.jsonl  each report line with the energy so far, flushed per line
//   DIR/log            the trial's other stdout and its stderr
//   DIR/final.json     exit status/signal, duration_s, cpu_s, energy by component, notes;
//                      written atomically (tmp + rename), also after SIGTERM (scancel,
//                      time limit, preemption): the trial's group gets SIGTERM, then SIGKILL
//                      after the grace period, and the energy used so far is recorded.
// Exit status: the trial's (128+N when killed by signal N).
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "hpo/cli/commands.h"
#include "hpo/exec/local/local_executor.h"
#include "hpo/exec/slurm/slurm_job.h"
#include "meters/meter_factory.h"

namespace cli {
namespace {

namespace fs = std::filesystem;

const char* const kWrapperHelp =
    "usage: ecohpo slurm-wrapper --record DIR [options] -- CMD [ARGS...]\n"
    "\n"
    "Runs one trial on a Slurm compute node (the job scripts of `executor: {type: slurm}` call\n"
    "it; you do not run it by hand). Meters the trial on this node, streams its report lines\n"
    "to DIR/reports.jsonl, keeps its other output in DIR/log and writes DIR/final.json when it\n"
    "ends, also when the job is cancelled (SIGTERM).\n"
    "\n"
    "options:\n"
    "  --record DIR          record directory on the shared filesystem (required)\n"
    "  --timeout S           stop the trial after S seconds of run time (0 = none)\n"
    "  --grace S             SIGTERM -> SIGKILL delay when stopping the trial (default 5)\n"
    "  --meters LIST         auto (default) or rapl,perf,msr,nvml,estimate\n"
    "  --meter-interval S    meter sampling interval (default 1)\n"
    "\n"
    "example:\n"
    "  ecohpo slurm-wrapper --record runs/s.h5.slurm/trial-3-0 --timeout 600 -- ./train --lr 0.1\n";

double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool write_atomic(const fs::path& p, const std::string& text) {
  const fs::path tmp = p.string() + ".tmp";
  std::FILE* f = std::fopen(tmp.c_str(), "w");
  if (!f) return false;
  const bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size() &&
                  std::fflush(f) == 0 && ::fsync(::fileno(f)) == 0;
  std::fclose(f);
  std::error_code ec;
  if (ok) fs::rename(tmp, p, ec);
  return ok && !ec;
}

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    std::size_t c = s.find(',', start);
    if (c == std::string::npos) c = s.size();
    if (c > start) out.push_back(s.substr(start, c - start));
    start = c + 1;
  }
  return out;
}

// GPUs Slurm gave this job (physical indices, as NVML numbers them).
std::vector<int> slurm_gpus() {
  std::vector<int> out;
  for (const char* var : {"SLURM_STEP_GPUS", "SLURM_JOB_GPUS"}) {
    const char* v = std::getenv(var);
    if (!v || !*v) continue;
    for (const auto& w : split_list(v)) {
      try {
        out.push_back(std::stoi(w));
      } catch (const std::exception&) {
      }
    }
    break;
  }
  return out;
}

std::string host_name() {
  char host[256] = {0};
  ::gethostname(host, sizeof host - 1);
  return host;
}

struct WrapperArgs {
  fs::path record;
  double timeout_s = 0.0;
  double grace_s = 5.0;
  std::vector<std::string> meters{"auto"};
  double meter_interval_s = 1.0;
  std::vector<std::string> command;
};

// Returns "" or the problem.
std::string parse_args(const std::vector<std::string>& args, WrapperArgs* a) {
  std::size_t i = 0;
  auto number = [&](const std::string& flag, double* out) -> std::string {
    if (i + 1 >= args.size()) return flag + " needs a value";
    try {
      *out = std::stod(args[++i]);
    } catch (const std::exception&) {
      return flag + ": expected a number, got '" + args[i] + "'";
    }
    return *out >= 0 ? "" : flag + " must be >= 0";
  };
  for (; i < args.size(); ++i) {
    const std::string& s = args[i];
    std::string problem;
    if (s == "--") {
      a->command.assign(args.begin() + static_cast<std::ptrdiff_t>(i) + 1, args.end());
      break;
    } else if (s == "--record") {
      if (i + 1 >= args.size()) return "--record needs a directory";
      a->record = args[++i];
    } else if (s == "--timeout") {
      problem = number(s, &a->timeout_s);
    } else if (s == "--grace") {
      problem = number(s, &a->grace_s);
    } else if (s == "--meter-interval") {
      problem = number(s, &a->meter_interval_s);
    } else if (s == "--meters") {
      if (i + 1 >= args.size()) return "--meters needs a list";
      a->meters = split_list(args[++i]);
    } else {
      return "unknown option '" + s + "'";
    }
    if (!problem.empty()) return problem;
  }
  if (a->record.empty()) return "--record DIR is required";
  if (a->command.empty()) return "no command after --";
  return "";
}

std::string kind_name(hpo::ExitKind k) {
  switch (k) {
    case hpo::ExitKind::kExited: return "exited";
    case hpo::ExitKind::kSignaled: return "signaled";
    case hpo::ExitKind::kTimedOut: return "timed_out";
    case hpo::ExitKind::kCancelled: return "terminated";
    case hpo::ExitKind::kLaunchError: return "launch_error";
    case hpo::ExitKind::kLost: return "terminated";
  }
  return "exited";
}

int cmd_slurm_wrapper(const std::vector<std::string>& args) {
  for (const auto& a : args) {
    if (a == "--") break;
    if (a == "--help" || a == "-h") {
      std::cout << kWrapperHelp;
      return 0;
    }
  }
  WrapperArgs w;
  if (auto problem = parse_args(args, &w); !problem.empty()) {
    std::cerr << "ecohpo slurm-wrapper: " << problem << "\n" << kWrapperHelp;
    return 2;
  }
  std::error_code ec;
  fs::create_directories(w.record, ec);
  if (ec) {
    std::cerr << "ecohpo slurm-wrapper: --record: cannot create '" << w.record.string()
              << "': " << ec.message() << "\n";
    return 2;
  }
  // SIGTERM/SIGINT are read from a signalfd; blocked before the meter thread starts.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  const int sig_fd = ::signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);

  std::vector<std::string> notes;
  meters::MeterOptions mo;
  mo.sources = w.meters;
  mo.interval_s = w.meter_interval_s;
  meters::MeterSetup meter;
  try {
    meter = meters::make_meter(mo);
  } catch (const std::exception& e) {
    notes.push_back(std::string("meters: ") + e.what() + "; used auto");
    mo.sources = {"auto"};
    try {
      meter = meters::make_meter(mo);
    } catch (const std::exception& e2) {
      notes.push_back(std::string("meters: ") + e2.what());
    }
  }
  for (const auto& m : meter.messages) notes.push_back(m);
  if (!meter.meter) notes.push_back("no meter on this node: energy not measured");

  hpo::LocalExecutor::Options lo;
  lo.slots = 1;
  lo.grace_s = w.grace_s;
  // Slurm's own cgroup already bounds the job step; sub-cgroups inside it could outlive a
  // killed wrapper and block Slurm's cleanup, so the step's trial is read through /proc.
  lo.cgroups = "off";
  hpo::LocalExecutor executor(lo, meter.meter.get());
  hpo::LaunchRequest req;
  req.argv = w.command;
  req.log_path = w.record / "log";
  req.timeout_s = w.timeout_s;
  req.gpu_indices = slurm_gpus();
  if (!req.gpu_indices.empty() && std::getenv("CUDA_VISIBLE_DEVICES")) {
    // Slurm already set CUDA_VISIBLE_DEVICES for the trial; keep its value, meter the GPUs.
    const std::string cvd = std::getenv("CUDA_VISIBLE_DEVICES");
    req.env.emplace_back("CUDA_VISIBLE_DEVICES", cvd);
  }
  const std::string host = host_name();
  const char* job_id = std::getenv("SLURM_JOB_ID");
  const double start_unix = unix_now();
  (void)write_atomic(w.record / "started.json",
                     nlohmann::json{{"start_unix_s", start_unix},
                                    {"host", host},
                                    {"job_id", job_id ? job_id : ""},
                                    {"pid", static_cast<int>(::getpid())}}
                             .dump() + "\n");
  std::FILE* reports = std::fopen((w.record / "reports.jsonl").c_str(), "a");
  (void)executor.submit(req);

  bool terminated = false;
  hpo::FinalRecord final_record;
  bool have_final = false;
  while (!have_final) {
    signalfd_siginfo info;
    while (sig_fd >= 0 && ::read(sig_fd, &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
      if (!terminated) executor.cancel(0, w.grace_s);
      terminated = true;
    }
    for (auto& ev : executor.poll(0.2)) {
      if (ev.kind == hpo::ExecutorEvent::Kind::kReport ||
          ev.kind == hpo::ExecutorEvent::Kind::kBadOutput) {
        nlohmann::json line{{"elapsed_s", ev.elapsed_s}};
        if (ev.kind == hpo::ExecutorEvent::Kind::kReport) {
          line["report"] = ev.report;
          line["energy"] = hpo::measurement_to_json(ev.energy_so_far);
        } else {
          line["bad_output"] = ev.line;
        }
        if (reports) {
          const std::string text = line.dump() + "\n";
          std::fwrite(text.data(), 1, text.size(), reports);
          std::fflush(reports);
        }
      } else if (ev.kind == hpo::ExecutorEvent::Kind::kExited) {
        const hpo::TrialExit& x = ev.exit;
        // Slurm signals every process of the job at once (scancel, time limit, preemption):
        // when the trial died of SIGTERM, the wrapper's own SIGTERM may be a moment behind.
        if (!terminated && sig_fd >= 0 && x.kind == hpo::ExitKind::kSignaled) {
          pollfd pfd{sig_fd, POLLIN, 0};
          if (::poll(&pfd, 1, 1000) > 0 &&
              ::read(sig_fd, &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
            terminated = true;
          }
        }
        final_record.kind = terminated ? "terminated" : kind_name(x.kind);
        final_record.exit_code = x.exit_code;
        final_record.term_signal = x.term_signal;
        final_record.start_unix_s = x.start_unix_s;
        final_record.end_unix_s = x.end_unix_s;
        final_record.duration_s = x.duration_s;
        final_record.cpu_s = x.cpu_s;
        final_record.host = host;
        final_record.message = terminated ? "stopped by SIGTERM (scancel, time limit or "
                                            "preemption)"
                                          : x.message;
        final_record.stderr_tail = x.stderr_tail;
        final_record.energy = x.energy;
        have_final = true;
      }
    }
  }
  if (reports) std::fclose(reports);
  for (const auto& n : notes) final_record.energy.notes.push_back(n);
  if (!write_atomic(w.record / "final.json", hpo::final_to_json(final_record).dump() + "\n")) {
    std::cerr << "ecohpo slurm-wrapper: cannot write " << (w.record / "final.json").string()
              << "\n";
    return 1;
  }
  if (final_record.kind == "launch_error") {
    std::cerr << "ecohpo slurm-wrapper: " << final_record.message << "\n";
    return 127;
  }
  if (final_record.term_signal > 0) return 128 + final_record.term_signal;
  return final_record.exit_code >= 0 ? final_record.exit_code : 1;
}

}  // namespace

void add_slurm_commands(std::vector<Command>& out) {
  out.push_back({"slurm-wrapper", "run one trial inside a Slurm job (used by executor: slurm)",
                 cmd_slurm_wrapper});
}

}  // namespace cli
