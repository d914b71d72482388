// `ecohpo meter [options] -- CMD ARGS...`: run one command (no shell) and print its energy by
// component, duration, CO2e and the sources used, like `perf stat` for energy. The exit
// status is the command's. `ecohpo meters`: every energy source, readable here or not, why.
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "hpo/carbon/carbon.h"
#include "hpo/cli/commands.h"
#include "meters/attributing_meter.h"
#include "meters/meter_factory.h"

namespace cli {

namespace {

const char* const kMeterHelp =
    "usage: ecohpo meter [options] -- CMD [ARGS...]\n"
    "\n"
    "Runs CMD (directly, no shell), meters the energy of its whole process tree, and prints\n"
    "energy by component (cpu-package-N, dram-N, gpu-N, or the estimate), duration, CO2e and\n"
    "the sources used on stderr. The exit status is CMD's (128+N if killed by signal N).\n"
    "\n"
    "options:\n"
    "  --json               print one JSON object on stdout after CMD ends\n"
    "  -o, --output FILE    write the JSON object to FILE instead\n"
    "  --interval S         sampling interval in seconds (default 1)\n"
    "  --meters LIST        auto (default) or a comma list of rapl,perf,msr,nvml,estimate\n"
    "  --region R           grid region for CO2e: IE, IRL, US-CA, CA-QC, SE3, europe-west1\n"
    "  --intensity G        fixed grid intensity, g CO2e per kWh\n"
    "  --intensity-csv F    time series 'timestamp,g_per_kwh' integrated over the run\n"
    "  --pue P              power usage effectiveness (default 1.0)\n"
    "  -h, --help           this text\n"
    "\n"
    "examples:\n"
    "  ecohpo meter -- python3 train.py --epochs 3\n"
    "  ecohpo meter --json --region IE --pue 1.2 -- ./simulate input.dat\n"
    "\n"
    "Counters need read access (see docs/metering.md); without them the energy is estimated\n"
    "from CPU time and the CPU's TDP and labelled as such.\n";

const char* const kMetersHelp =
    "usage: ecohpo meters [--json]\n"
    "\n"
    "Lists every energy source (rapl, perf, msr, nvml, estimate), whether it is readable on\n"
    "this machine, and what it found or why not. Environment overrides: ECOHPO_POWERCAP_ROOT,\n"
    "ECOHPO_PERF_SYSFS_ROOT, ECOHPO_MSR_ROOT, ECOHPO_NVML_LIBRARY (docs/metering.md).\n";

double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

double parse_number(const std::string& flag, const std::string& v) {
  char* end = nullptr;
  const double d = std::strtod(v.c_str(), &end);
  if (v.empty() || end != v.c_str() + v.size())
    throw std::invalid_argument(flag + " expects a number, got '" + v + "'");
  return d;
}

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, ','))
    if (!item.empty()) out.push_back(item);
  return out;
}

struct MeterArgs {
  bool json = false;
  std::string output;
  meters::MeterOptions meter;
  hpo::CarbonSpec carbon;
  std::vector<std::string> command;
};

// Throws std::invalid_argument on bad flags; returns false for --help.
bool parse_meter_args(const std::vector<std::string>& args, MeterArgs* out) {
  std::size_t i = 0;
  auto value = [&](const std::string& flag) -> std::string {
    if (i + 1 >= args.size()) throw std::invalid_argument(flag + " needs a value");
    return args[++i];
  };
  for (; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--") {
      ++i;
      break;
    }
    if (a == "-h" || a == "--help") return false;
    if (a == "--json") out->json = true;
    else if (a == "-o" || a == "--output") out->output = value(a), out->json = true;
    else if (a == "--interval") out->meter.interval_s = parse_number(a, value(a));
    else if (a == "--meters") out->meter.sources = split_list(value(a));
    else if (a == "--region") out->carbon.region = value(a);
    else if (a == "--intensity") out->carbon.intensity_g_per_kwh = parse_number(a, value(a));
    else if (a == "--intensity-csv") out->carbon.intensity_csv = value(a);
    else if (a == "--pue") out->carbon.pue = parse_number(a, value(a));
    else if (!a.empty() && a[0] == '-')
      throw std::invalid_argument("unknown option '" + a + "' (see ecohpo meter --help)");
    else
      break;  // the command starts here
  }
  out->command.assign(args.begin() + static_cast<long>(i), args.end());
  if (out->command.empty())
    throw std::invalid_argument("no command given (ecohpo meter [options] -- CMD ARGS...)");
  if (auto e = out->meter.validate(); !e.empty()) throw std::invalid_argument(e);
  return true;
}

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

int run_meter(const std::vector<std::string>& args) {
  MeterArgs a;
  try {
    if (!parse_meter_args(args, &a)) {
      std::cout << kMeterHelp;
      return 0;
    }
  } catch (const std::exception& e) {
    std::cerr << "ecohpo meter: " << e.what() << "\n";
    return 2;
  }
  std::unique_ptr<hpo::CarbonAccountant> carbon;
  meters::MeterSetup setup;
  try {
    carbon = std::make_unique<hpo::CarbonAccountant>(a.carbon);
    setup = meters::make_meter(a.meter);
  } catch (const std::exception& e) {
    std::cerr << "ecohpo meter: " << e.what() << "\n";
    return 2;
  }

  // Launch: own process group (the unit the meter attributes), exec errors through a pipe.
  int pipefd[2];
  if (pipe2(pipefd, O_CLOEXEC) != 0) {
    std::perror("ecohpo meter: pipe");
    return 2;
  }
  std::vector<char*> argv;
  for (auto& s : a.command) argv.push_back(s.data());
  argv.push_back(nullptr);
  const bool tty = isatty(STDIN_FILENO) && tcgetpgrp(STDIN_FILENO) == getpgrp();
  const double start_unix = unix_now();
  const pid_t pid = fork();
  if (pid < 0) {
    std::perror("ecohpo meter: fork");
    return 2;
  }
  if (pid == 0) {
    setpgid(0, 0);
    if (tty) {
      signal(SIGTTOU, SIG_IGN);
      tcsetpgrp(STDIN_FILENO, getpgrp());
      signal(SIGTTOU, SIG_DFL);
    }
    close(pipefd[0]);
    execvp(argv[0], argv.data());
    const int err = errno;
    (void)!write(pipefd[1], &err, sizeof err);
    _exit(127);
  }
  setpgid(pid, pid);
  close(pipefd[1]);
  meters::MeterTarget target;
  target.pgid = pid;
  target.label = a.command[0];
  const meters::MeterHandle h = setup.meter->begin(target);
  int exec_err = 0;
  const bool exec_failed = read(pipefd[0], &exec_err, sizeof exec_err) == sizeof exec_err;
  close(pipefd[0]);
  // Like a shell: the command gets the terminal's signals; we wait.
  signal(SIGINT, SIG_IGN);
  signal(SIGQUIT, SIG_IGN);
  int status = 0;
  rusage ru{};
  while (wait4(pid, &status, 0, &ru) < 0 && errno == EINTR) {}
  const double end_unix = unix_now();
  if (tty) {
    signal(SIGTTOU, SIG_IGN);
    tcsetpgrp(STDIN_FILENO, getpgrp());
    signal(SIGTTOU, SIG_DFL);
  }
  auto sec = [](const timeval& t) { return t.tv_sec + t.tv_usec * 1e-6; };
  setup.meter->set_final_cpu_s(h, sec(ru.ru_utime) + sec(ru.ru_stime));
  const meters::Measurement m = setup.meter->end(h);
  if (exec_failed) {
    std::cerr << "ecohpo meter: cannot run '" << a.command[0] << "': " << std::strerror(exec_err)
              << "\n";
    return 127;
  }
  const int code = WIFEXITED(status) ? WEXITSTATUS(status)
                                     : (WIFSIGNALED(status) ? 128 + WTERMSIG(status) : 1);

  hpo::TrialEnergy e = hpo::energy_from_measurement(m);
  carbon->account(e, start_unix, end_unix);
  std::vector<std::string> notes = setup.messages;
  notes.insert(notes.end(), carbon->warnings().begin(), carbon->warnings().end());
  for (const auto& n : m.notes)
    if (std::find(notes.begin(), notes.end(), n) == notes.end()) notes.push_back(n);

  if (a.json) {
    nlohmann::json j;
    j["command"] = a.command;
    j["exit_status"] = code;
    j["duration_s"] = m.duration_s;
    j["cpu_s"] = m.cpu_s;
    j["energy_j"] = m.total_j();
    j["energy_kwh"] = e.energy_kwh;
    j["co2e_kg"] = e.co2e_kg;
    j["intensity_g_per_kwh"] = e.intensity_g_per_kwh;
    j["intensity_source"] = e.intensity_source;
    j["pue"] = e.pue;
    j["embodied_kg"] = e.embodied_kg;
    j["estimated"] = e.estimated;
    j["energy_source"] = e.energy_source;
    j["components"] = nlohmann::json::array();
    for (const auto& c : m.components)
      j["components"].push_back({{"component", c.component},
                                  {"source", c.source},
                                  {"energy_j", c.energy_j},
                                  {"energy_kwh", c.energy_kwh()},
                                  {"estimated", c.estimated}});
    j["sources"] = setup.meter->describe();
    j["carbon"] = carbon->describe();
    j["notes"] = notes;
    const std::string text = j.dump() + "\n";
    if (!a.output.empty()) {
      std::ofstream f(a.output);
      f << text;
      if (!f) std::cerr << "ecohpo meter: cannot write " << a.output << "\n";
    } else {
      std::cout << text << std::flush;
    }
  } else {
    std::ostringstream os;
    os << "\n Energy of '" << a.command[0] << "' (" << fmt("%.3f", m.duration_s) << " s, "
       << fmt("%.3f", m.cpu_s) << " CPU s, exit status " << code << "):\n\n";
    char line[256];
    for (const auto& c : m.components) {
      std::snprintf(line, sizeof line, "  %-20s %12.3f J  %14.9f kWh  %s%s\n",
                    c.component.c_str(), c.energy_j, c.energy_kwh(), c.source.c_str(),
                    c.estimated ? " (ESTIMATED)" : "");
      os << line;
    }
    std::snprintf(line, sizeof line, "  %-20s %12.3f J  %14.9f kWh\n", "total", m.total_j(),
                  e.energy_kwh);
    os << line;
    std::snprintf(line, sizeof line, "  %-20s %12.6f g CO2e  (%s)\n", "co2e", e.co2e_kg * 1000,
                  carbon->describe().c_str());
    os << line << "\n  sources: " << setup.meter->describe() << "\n";
    for (const auto& n : notes) os << "  note: " << n << "\n";
    std::cerr << os.str() << std::flush;
  }
  return code;
}

int run_meters(const std::vector<std::string>& args) {
  bool json = false;
  for (const auto& a : args) {
    if (a == "-h" || a == "--help") {
      std::cout << kMetersHelp;
      return 0;
    }
    if (a == "--json") {
      json = true;
    } else {
      std::cerr << "ecohpo meters: unknown option '" << a << "'\n";
      return 2;
    }
  }
  const auto rows = meters::probe_sources(meters::MeterOptions{});
  if (json) {
    nlohmann::json j = nlohmann::json::array();
    for (const auto& r : rows)
      j.push_back({{"source", r.source}, {"readable", r.readable}, {"detail", r.detail}});
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  for (const auto& r : rows) {
    char line[64];
    std::snprintf(line, sizeof line, "%-9s %-13s ", r.source.c_str(),
                  r.readable ? "readable" : "not readable");
    std::cout << line << r.detail << "\n";
  }
  return 0;
}

}  // namespace

void add_meter_commands(std::vector<Command>& out) {
  out.push_back({"meter", "run a command and print its energy and CO2e (like perf stat)",
                 run_meter});
  out.push_back({"meters", "list the energy sources and whether they are readable here",
                 run_meters});
}

}  // namespace cli
