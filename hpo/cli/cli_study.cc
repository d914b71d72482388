// `ecohpo run | sweep | show | export`: the study commands. They turn YAML files or sweep
// flags into a validated StudySpec, build the components through one Registry, run the study
// loop with the terminal progress display, and read study files back.
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <set>
#include <sstream>

#include "hpo/carbon/carbon.h"
#include "hpo/cli/commands.h"
#include "hpo/core/command_template.h"
#include "hpo/core/config_error.h"
#include "hpo/store/export.h"
#include "hpo/store/export_codecarbon.h"
#include "hpo/exec/gpu/gpu_power.h"
#include "hpo/exec/local/local_executor.h"
#include "hpo/exec/slurm/slurm_executor.h"
#include "hpo/front/pareto.h"
#include "hpo/report/progress.h"
#include "hpo/spec/spec_json.h"
#include "hpo/stopping/pruners/pruner_registry.h"
#include "hpo/stopping/stop_rules/stop_rule_registry.h"
#include "hpo/study/study_loop.h"
#include "hpo/store/study_file.h"
#include "hpo/spec/study_yaml.h"
#include "hpo/spec/sweep_args.h"
#include "meters/gpu_power_limits.h"
#include "meters/meter_factory.h"
#include "meters/nvml_source.h"
#include "samplers/registry.h"

namespace cli {
namespace {

namespace fs = std::filesystem;

// SIGINT/SIGTERM as a counter read by the study loop: the signals are blocked and read from
// a signalfd, so no work happens in a signal handler. Must be created before any thread
// starts (threads inherit the blocked mask); trial processes get a clean mask at spawn.
class SignalWatcher {
 public:
  SignalWatcher() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, &old_);
    fd_ = ::signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
  }
  ~SignalWatcher() {
    if (fd_ >= 0) ::close(fd_);
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }
  SignalWatcher(const SignalWatcher&) = delete;
  SignalWatcher& operator=(const SignalWatcher&) = delete;
  int count() {
    signalfd_siginfo info;
    while (fd_ >= 0 && ::read(fd_, &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
      ++count_;
    }
    return count_;
  }

 private:
  int fd_ = -1;
  int count_ = 0;
  sigset_t old_;
};

hpo::Registry make_registry() {
  hpo::Registry registry;
  samplers::register_samplers(registry);
  hpo::register_pruners(registry);
  hpo::register_stop_rules(registry);
  hpo::register_local_executor(registry);
  hpo::register_slurm_executor(registry);  // Slurm (issue 7), hpo/slurm_executor.h
  return registry;
}

struct RunFlags {
  bool dry_run = false, resume = false, quiet = false, help = false;
};

// Takes the CLI's own flags out of `args`.
RunFlags take_run_flags(std::vector<std::string>& args) {
  RunFlags f;
  std::vector<std::string> rest;
  bool after_dashes = false;
  for (const auto& a : args) {
    if (after_dashes) {
      rest.push_back(a);
      continue;
    }
    if (a == "--") after_dashes = true;
    if (a == "--dry-run") f.dry_run = true;
    else if (a == "--resume") f.resume = true;
    else if (a == "--quiet" || a == "-q") f.quiet = true;
    else if (a == "--help" || a == "-h") f.help = true;
    else rest.push_back(a);
  }
  args = rest;
  return f;
}

const char* kRunHelp =
    "usage: ecohpo run [--dry-run] [--resume] [--quiet] STUDY.yaml\n"
    "\n"
    "Runs the study defined in STUDY.yaml (keys: docs/study-yaml.md) and keeps every trial\n"
    "in its study file (`storage:`).\n"
    "\n"
    "  --dry-run  validate, print the resolved study and the first three commands, run nothing\n"
    "  --resume   continue a study whose file exists (after Ctrl-C, kill -9, a crash): running\n"
    "             trials are re-run with the same values, finished ones are kept\n"
    "  --quiet    no progress output, only the final summary\n"
    "\n"
    "Ctrl-C once: no new trials, running ones finish. Twice: running ones are stopped and\n"
    "recorded as interrupted. Either way the study file is consistent; resume with --resume.\n"
    "\n"
    "examples:\n"
    "  ecohpo run --dry-run experiments/quickstart.yaml\n"
    "  ecohpo run experiments/quickstart.yaml\n"
    "  ecohpo run --resume experiments/quickstart.yaml\n";

const char* kShowHelp =
    "usage: ecohpo show STUDY.h5\n"
    "\n"
    "Prints the study's summary: trials by state, why it stopped, the Pareto front as a table\n"
    "(the knee marked with *), and the energy totals including the optimizer's own share.\n"
    "\n"
    "example:\n"
    "  ecohpo show runs/quickstart.h5\n";

const char* kExportHelp =
    "usage: ecohpo export STUDY.h5 [--format csv|json|codecarbon] [-o FILE]\n"
    "\n"
    "Writes one row per trial record: number, attempt, state, params.<name>, values.<objective>,\n"
    "metrics.<name>, duration_s, cpu_s, sampler_s, energy_kwh, co2e_kg, pareto (1 on the final\n"
    "front) and the energy/carbon columns (docs/storage.md). `codecarbon` writes CodeCarbon's\n"
    "emissions.csv columns. Default format csv, default output stdout.\n"
    "\n"
    "examples:\n"
    "  ecohpo export runs/s.h5 -o trials.csv\n"
    "  ecohpo export runs/s.h5 --format json -o trials.json\n"
    "  ecohpo export runs/s.h5 --format codecarbon -o emissions.csv\n";

std::string trial_command_text(const hpo::StudySpec& spec, const hpo::Params& params) {
  if (spec.shell) return "/bin/sh -c " + hpo::shell_quote(hpo::substitute_shell(spec.command.at(0), params));
  std::string out;
  for (const auto& w : hpo::substitute(spec.command, params)) {
    out += (out.empty() ? "" : " ") + hpo::shell_quote(w);
  }
  return out;
}

int dry_run(const hpo::StudySpec& spec, const hpo::Registry& registry) {
  std::cout << hpo::spec_to_json(spec).dump(2) << "\n\nfirst commands:\n";
  hpo::FactoryContext ctx{&spec, nullptr};
  auto sampler = registry.make_sampler(spec.sampler, ctx);
  std::vector<hpo::Trial> trials;
  for (std::int64_t n = 0; n < 3; ++n) {
    if (spec.budget.trials && n >= *spec.budget.trials) break;
    hpo::StudyView view{spec.space, spec.objectives, trials};
    hpo::Params p = sampler->suggest(view, n);
    spec.space.add_fixed(p);
    std::cout << "  [" << n << "] " << trial_command_text(spec, p) << "\n";
    hpo::Trial t;
    t.number = n;
    t.params = p;
    trials.push_back(t);
  }
  return 0;
}

// Compares what matters for resuming: the same space, objectives and command.
std::string resume_mismatch(const hpo::StudySpec& spec, const hpo::StudyInfo& info) {
  const nlohmann::json now = hpo::spec_to_json(spec);
  for (const char* key : {"space", "objectives", "command"}) {
    if (info.spec.contains(key) && now.contains(key) && info.spec[key] != now[key]) {
      return std::string("the study's ") + key + " differs from the one in the study file";
    }
  }
  return "";
}

int run_spec(const hpo::StudySpec& spec, const hpo::Registry& registry, const RunFlags& flags,
             SignalWatcher& signals) {
  if (flags.dry_run) return dry_run(spec, registry);
  if (spec.storage.empty()) {
    std::cerr << "ecohpo: " << spec.source_path << ": storage: no study file given\n";
    return 2;
  }
  const fs::path storage = spec.storage;
  const bool exists = fs::exists(storage) || fs::exists(storage.string() + ".journal");
  if (exists && !flags.resume) {
    std::cerr << "ecohpo: " << storage.string()
              << " exists; resume it with --resume, or remove it to start again\n";
    return 2;
  }
  if (storage.has_parent_path()) fs::create_directories(storage.parent_path());

  meters::MeterOptions mo;
  mo.sources = spec.meters;
  mo.interval_s = spec.meter_interval_s;
  meters::MeterSetup meter;
  try {
    meter = meters::make_meter(mo);
  } catch (const std::exception& e) {
    std::cerr << "ecohpo: " << spec.source_path << ": meters: " << e.what() << "\n";
    return 2;
  }
  if (!flags.quiet) {
    for (const auto& m : meter.messages) std::cerr << "ecohpo: meter: " << m << "\n";
  }
  hpo::CarbonAccountant carbon(spec.carbon);
  if (!flags.quiet) {
    for (const auto& w : carbon.warnings()) std::cerr << "ecohpo: " << w << "\n";
  }
  hpo::StudyParts parts = hpo::make_study_parts(spec, registry, meter.meter.get(), &carbon);
  if (spec.gpus_per_trial > 0 && spec.executor.type == "local") {
    // Slurm allocates GPUs itself (--gpus-per-task); here the coordinator hands them out.
    const char* visible = std::getenv("CUDA_VISIBLE_DEVICES");
    auto pool = hpo::GpuPool::make(
        spec.gpus_per_trial, meter.meter ? meter.meter->gpus() : std::vector<meters::GpuDevice>{},
        visible ? std::optional<std::string>(visible) : std::nullopt,
        parts.executor->slots() * spec.gpus_per_trial);
    if (!pool.ok()) {
      std::cerr << "ecohpo: " << spec.source_path << ": /gpus_per_trial: " << pool.error() << "\n";
      return 2;
    }
    if (!flags.quiet) {
      for (const auto& n : pool.value().notes()) std::cerr << "ecohpo: " << n << "\n";
      if (pool.value().max_concurrent_trials() < parts.executor->slots())
        std::cerr << "ecohpo: " << pool.value().size() << " GPU(s) for gpus_per_trial "
                  << spec.gpus_per_trial << ": at most " << pool.value().max_concurrent_trials()
                  << " trial(s) run at once\n";
    }
    parts.gpus = std::move(pool).value();
    if (!spec.hardware.gpu_power_limit_w.empty()) {
      const std::string key = "/hardware/gpu_power_limit_w";
      auto bad = [&](const std::string& why) {
        std::cerr << "ecohpo: " << hpo::StudyError(spec.locate(key), key, why).what() << "\n";
        return 2;
      };
      const auto gpus = hpo::GpuPool::meter_indices(parts.gpus->all());
      if (std::find(gpus.begin(), gpus.end(), -1) != gpus.end())
        return bad("GPU power limits need the nvml meter to know which GPU is which "
                   "(meters: [auto] or [nvml, ...] on a machine with NVIDIA GPUs)");
      auto limits = meters::GpuPowerLimits::open(meters::NvmlSource::default_library());
      if (!limits.ok()) return bad("cannot control GPU power limits: " + limits.error());
      if (auto r = hpo::check_power_range(spec, *limits.value(), gpus); !r.ok()) return bad(r.error());
      parts.gpu_power = std::move(limits).value();
    }
  }

  hpo::StudyInfo info = hpo::make_study_info(spec);
  auto store = hpo::open_study_file(storage, &info);
  if (exists) {
    for (const auto& note : store->notes()) std::cerr << "ecohpo: " << note << "\n";
    if (auto why = resume_mismatch(spec, store->info()); !why.empty()) {
      std::cerr << "ecohpo: cannot resume " << storage.string() << ": " << why << "\n";
      return 2;
    }
  }
  hpo::RunOptions ro;
  ro.resume = exists;
  ro.interrupts = [&signals] { return signals.count(); };
  ro.log_dir = storage.string() + ".logs";
  fs::create_directories(ro.log_dir);

  hpo::Progress::Options po;
  po.quiet = flags.quiet;
  hpo::Progress progress(po, stdout);
  if (!flags.quiet) {
    std::fprintf(stdout, "meter: %s; carbon: %s\n",
                 meter.meter ? meter.meter->describe().c_str() : "none",
                 carbon.describe().c_str());
  }
  hpo::StudySummary summary = hpo::run_study(spec, parts, *store, &progress, ro);
  parts.executor.reset();
  store.reset();
  std::fputs(summary.brief_report().c_str(), stdout);
  std::fprintf(stdout, "study file: %s (ecohpo show %s)\n", storage.c_str(), storage.c_str());
  std::fflush(stdout);
  switch (summary.termination) {
    case hpo::Termination::kLaunchError:
      std::cerr << "ecohpo: " << summary.stop.message << "\n";
      return 1;
    case hpo::Termination::kInterrupted: return 130;
    default: return 0;
  }
}

// Runs `body`, turning the boundary exceptions into one line on stderr and exit status 2.
int guarded(const std::function<int()>& body) {
  try {
    return body();
  } catch (const hpo::StudyError& e) {
    std::cerr << "ecohpo: " << e.what() << "\n";
  } catch (const hpo::ConfigError& e) {
    std::cerr << "ecohpo: " << (e.key().empty() ? "" : e.key() + ": ") << e.what() << "\n";
  } catch (const std::exception& e) {
    std::cerr << "ecohpo: " << e.what() << "\n";
  }
  return 2;
}

int cmd_run(std::vector<std::string> args) {
  RunFlags flags = take_run_flags(args);
  if (flags.help) {
    std::cout << kRunHelp;
    return 0;
  }
  if (args.size() != 1) {
    std::cerr << "ecohpo run: expected one STUDY.yaml\n" << kRunHelp;
    return 2;
  }
  SignalWatcher signals;  // before any thread (meter sampling, TBB) starts
  return guarded([&] {
    hpo::Registry registry = make_registry();
    hpo::StudySpec spec = hpo::load_study_yaml(args[0], registry);
    return run_spec(spec, registry, flags, signals);
  });
}

int cmd_sweep(std::vector<std::string> args) {
  std::vector<std::string> own = args;
  RunFlags flags = take_run_flags(own);
  if (flags.help) {
    std::cout << hpo::sweep_usage();
    return 0;
  }
  SignalWatcher signals;
  return guarded([&] {
    hpo::Registry registry = make_registry();
    hpo::StudySpec spec = hpo::parse_sweep_args(args);
    hpo::validate_study(spec, registry);
    return run_spec(spec, registry, flags, signals);
  });
}

std::string cell(double x) {
  std::ostringstream os;
  os << std::setprecision(6) << x;
  return os.str();
}

int cmd_show(std::vector<std::string> args) {
  if (std::find(args.begin(), args.end(), "--help") != args.end() ||
      std::find(args.begin(), args.end(), "-h") != args.end()) {
    std::cout << kShowHelp;
    return 0;
  }
  if (args.size() != 1) {
    std::cerr << "ecohpo show: expected one STUDY.h5\n" << kShowHelp;
    return 2;
  }
  return guarded([&] {
    auto store = hpo::open_study_file_read_only(args[0]);
    const auto& info = store->info();
    const auto& trials = store->trials();
    std::map<hpo::TrialState, int> states;
    std::set<std::int64_t> numbers;
    double trial_kwh = 0, sampler_kwh = 0, co2e = 0, cpu = 0;
    std::set<std::int64_t> charged;
    for (const auto& t : trials) {
      ++states[t.state];
      numbers.insert(t.number);
      trial_kwh += t.energy.energy_kwh;
      co2e += t.energy.co2e_kg;
      cpu += t.cpu_s;
      if (charged.insert(t.number).second) sampler_kwh += t.sampler_kwh;
    }
    const auto& attrs = store->attributes();
    if (attrs.contains("coordinator_kwh") && attrs["coordinator_kwh"].is_number()) {
      sampler_kwh += attrs["coordinator_kwh"].get<double>();
    }
    std::cout << "study " << info.name << "  (" << args[0] << ", ecohpo " << info.ecohpo_version
              << ", host " << info.host << ")\n";
    std::cout << "trials: " << numbers.size() << " numbers, " << trials.size() << " records:";
    for (auto s : {hpo::TrialState::kComplete, hpo::TrialState::kPruned, hpo::TrialState::kFailed,
                   hpo::TrialState::kInterrupted, hpo::TrialState::kRunning}) {
      if (states[s] > 0) std::cout << " " << states[s] << " " << hpo::to_string(s);
    }
    std::cout << "\n";
    if (auto stop = store->stop_record()) {
      std::cout << "stopped: " << stop->rule;
      if (stop->at_trial >= 0) std::cout << " at trial " << stop->at_trial;
      if (!stop->message.empty()) std::cout << ": " << stop->message;
      std::cout << "\n";
      if (!stop->numbers.empty()) std::cout << "  numbers: " << stop->numbers.dump() << "\n";
    } else {
      std::cout << "stopped: not recorded (still running, or the coordinator was killed)\n";
    }
    const double total = trial_kwh + sampler_kwh;
    std::cout << "energy: " << cell(total) << " kWh (trials " << cell(trial_kwh)
              << ", optimizer " << cell(sampler_kwh);
    if (total > 0) std::cout << " = " << cell(100.0 * sampler_kwh / total) << "%";
    std::cout << "), CO2e " << cell(co2e) << " kg, CPU " << cell(cpu) << " s\n";

    std::vector<std::size_t> index;
    auto points = hpo::minimization_matrix(trials, info.objectives, &index);
    if (points.empty()) {
      std::cout << "Pareto front: no complete trial\n";
      return 0;
    }
    auto front = hpo::pareto_front(points);
    const std::size_t knee = hpo::knee_point(points, front);
    std::sort(front.begin(), front.end(), [&](std::size_t a, std::size_t b) {
      return points[a] < points[b];
    });
    std::cout << "Pareto front (" << front.size() << " trials, * = knee):\n";
    std::vector<std::string> header{"", "trial"};
    for (const auto& o : info.objectives) {
      header.push_back(o.name + (o.direction == hpo::Direction::kMaximize ? " (max)" : " (min)"));
    }
    for (const auto& p : info.param_names) header.push_back(p);
    std::vector<std::vector<std::string>> rows{header};
    for (std::size_t i : front) {
      const hpo::Trial& t = trials[index[i]];
      std::vector<std::string> row{i == knee ? "*" : "", std::to_string(t.number)};
      for (double v : t.values) row.push_back(cell(v));
      for (const auto& p : info.param_names) {
        auto it = t.params.find(p);
        row.push_back(it == t.params.end() ? "-" : hpo::format_param(it->second));
      }
      rows.push_back(row);
    }
    std::vector<std::size_t> width(header.size(), 0);
    for (const auto& r : rows)
      for (std::size_t c = 0; c < r.size(); ++c) width[c] = std::max(width[c], r[c].size());
    for (const auto& r : rows) {
      std::cout << " ";
      for (std::size_t c = 0; c < r.size(); ++c) {
        std::cout << std::left << std::setw(static_cast<int>(width[c]) + 2) << r[c];
      }
      std::cout << "\n";
    }
    return 0;
  });
}

int cmd_export(std::vector<std::string> args) {
  std::string format = "csv", output, path;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") {
      std::cout << kExportHelp;
      return 0;
    }
    if ((a == "--format" || a == "-f" || a == "-o" || a == "--output") && i + 1 >= args.size()) {
      std::cerr << "ecohpo export: " << a << " needs a value\n";
      return 2;
    }
    if (a == "--format" || a == "-f") format = args[++i];
    else if (a.rfind("--format=", 0) == 0) format = a.substr(9);
    else if (a == "-o" || a == "--output") output = args[++i];
    else if (a.rfind("-", 0) == 0) {
      std::cerr << "ecohpo export: unknown flag '" << a << "'\n" << kExportHelp;
      return 2;
    } else if (path.empty()) path = a;
    else {
      std::cerr << "ecohpo export: expected one STUDY.h5\n";
      return 2;
    }
  }
  if (path.empty()) {
    std::cerr << "ecohpo export: expected one STUDY.h5\n" << kExportHelp;
    return 2;
  }
  if (format != "csv" && format != "json" && format != "codecarbon") {
    std::cerr << "ecohpo export: --format: unknown format '" << format
              << "' (allowed: csv, json, codecarbon)\n";
    return 2;
  }
  return guarded([&] {
    auto store = hpo::open_study_file_read_only(path);
    std::ofstream file;
    if (!output.empty()) {
      file.open(output);
      if (!file) throw std::runtime_error("-o: cannot write '" + output + "'");
    }
    std::ostream& out = output.empty() ? std::cout : file;
    if (format == "csv") hpo::export_csv(*store, out);
    else if (format == "json") hpo::export_json(*store, out);
    else hpo::export_codecarbon_csv(*store, out);
    out.flush();
    return out ? 0 : 1;
  });
}

}  // namespace

void add_study_commands(std::vector<Command>& out) {
  out.push_back({"run", "run or resume a study from a YAML file", cmd_run});
  out.push_back({"sweep", "run a study defined by command-line flags", cmd_sweep});
  out.push_back({"show", "summary, stop reason and Pareto front of a study file", cmd_show});
  out.push_back({"export", "export a study file as CSV, JSON or CodeCarbon CSV", cmd_export});
}

}  // namespace cli
