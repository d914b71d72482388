// ecohpo-testobj: a trial program for the tests and benchmarks. It evaluates one of the
// benchmark problems (objectives/problems.h) at --x0..--x5 and prints {"f1": .., "f2": ..}
// as its final report (trial protocol: docs/trial-protocol.md). On request it also burns CPU,
// sleeps, reports intermediate steps following a given learning curve, fails, crashes, hangs
// or prints garbage, so that every path of the executor and the study loop can be driven.
//
//   ecohpo-testobj --problem zdt1 --x0 0.2 --x1 0.1
//   ecohpo-testobj --problem dtlz2 --x 0.1,0.2,0.3,0.4,0.5,0.6 --burn-s 0.5
//   ecohpo-testobj --steps 5 --curve exp:0.5:0.9:0.7 --sleep-s 0.5   # 5 {"step":k,"accuracy":..}
//   ecohpo-testobj --fail-exit 3 | --crash-signal SEGV | --hang | --garbage | --no-report
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "objectives/problems.h"

namespace {

const char* kUsage =
    "usage: ecohpo-testobj [--problem zdt1|zdt2|zdt3|dtlz2|branin_currin]\n"
    "                      [--x0 V .. --x5 V | --x V,V,..] [--burn-s S] [--sleep-s S]\n"
    "                      [--steps N [--curve SPEC] [--curve-metric NAME]]\n"
    "                      [--fail-exit N] [--crash-signal SIG] [--hang] [--ignore-term]\n"
    "                      [--garbage] [--no-report]\n"
    "Prints {\"f1\": .., \"f2\": ..} (both minimized) on stdout as the final report.\n"
    "Variables are in [0,1]; unset ones are 0. --curve SPEC is a list of values\n"
    "(\"0.5,0.7,0.8\", the last one repeats) or exp:START:END:RATE, value(k) =\n"
    "END - (END-START)*exp(-RATE*(k-1)) for step k = 1..N. --burn-s and --sleep-s are\n"
    "spread evenly over the steps.\n";

struct Args {
  std::string problem = "zdt1";
  std::vector<double> x;
  double burn_s = 0, sleep_s = 0;
  int steps = 0;
  std::string curve = "exp:0.5:0.9:0.5";
  std::string curve_metric = "accuracy";
  int fail_exit = -1;
  int crash_signal = 0;
  bool hang = false, ignore_term = false, garbage = false, no_report = false;
};

[[noreturn]] void usage_error(const std::string& what) {
  std::fprintf(stderr, "ecohpo-testobj: %s\n%s", what.c_str(), kUsage);
  std::exit(2);
}

double to_double(const std::string& flag, const std::string& text) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0') usage_error(flag + ": not a number: '" + text + "'");
  return v;
}

int to_signal(const std::string& text) {
  static const std::pair<const char*, int> kNames[] = {
      {"SEGV", SIGSEGV}, {"ABRT", SIGABRT}, {"KILL", SIGKILL}, {"TERM", SIGTERM},
      {"INT", SIGINT},   {"BUS", SIGBUS},   {"FPE", SIGFPE},   {"ILL", SIGILL}};
  std::string t = text.rfind("SIG", 0) == 0 ? text.substr(3) : text;
  for (const auto& [name, sig] : kNames)
    if (t == name) return sig;
  const double v = to_double("--crash-signal", text);
  if (v < 1 || v > 64) usage_error("--crash-signal: unknown signal '" + text + "'");
  return static_cast<int>(v);
}

void set_x(Args& a, std::size_t i, double v) {
  if (a.x.size() <= i) a.x.resize(i + 1, 0.0);
  a.x[i] = v;
}

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i], value;
    bool has_value = false;
    if (auto eq = flag.find('='); flag.rfind("--", 0) == 0 && eq != std::string::npos) {
      value = flag.substr(eq + 1);
      flag = flag.substr(0, eq);
      has_value = true;
    }
    auto next = [&]() -> std::string {
      if (has_value) return value;
      if (i + 1 >= argc) usage_error(flag + " needs a value");
      return argv[++i];
    };
    if (flag == "--help" || flag == "-h") {
      std::fputs(kUsage, stdout);
      std::exit(0);
    } else if (flag == "--problem") {
      a.problem = next();
    } else if (flag.size() == 4 && flag.rfind("--x", 0) == 0 && flag[3] >= '0' && flag[3] <= '9') {
      set_x(a, static_cast<std::size_t>(flag[3] - '0'), to_double(flag, next()));
    } else if (flag == "--x") {
      std::string list = next();
      std::size_t k = 0, start = 0;
      while (start <= list.size()) {
        auto comma = list.find(',', start);
        if (comma == std::string::npos) comma = list.size();
        set_x(a, k++, to_double("--x", list.substr(start, comma - start)));
        start = comma + 1;
      }
    } else if (flag == "--burn-s") {
      a.burn_s = to_double(flag, next());
    } else if (flag == "--sleep-s") {
      a.sleep_s = to_double(flag, next());
    } else if (flag == "--steps") {
      a.steps = static_cast<int>(to_double(flag, next()));
    } else if (flag == "--curve") {
      a.curve = next();
    } else if (flag == "--curve-metric") {
      a.curve_metric = next();
    } else if (flag == "--fail-exit") {
      a.fail_exit = static_cast<int>(to_double(flag, next()));
    } else if (flag == "--crash-signal") {
      a.crash_signal = to_signal(next());
    } else if (flag == "--hang") {
      a.hang = true;
    } else if (flag == "--ignore-term") {
      a.ignore_term = true;
    } else if (flag == "--garbage") {
      a.garbage = true;
    } else if (flag == "--no-report") {
      a.no_report = true;
    } else {
      usage_error("unknown flag '" + flag + "'");
    }
  }
  if (a.burn_s < 0 || a.sleep_s < 0 || a.steps < 0) usage_error("negative time or steps");
  return a;
}

// Learning-curve value at step k (1-based).
double curve_value(const std::string& spec, int k) {
  if (spec.rfind("exp:", 0) == 0) {
    double p[3];
    std::size_t start = 4;
    for (double& v : p) {
      auto colon = spec.find(':', start);
      if (colon == std::string::npos) colon = spec.size();
      v = to_double("--curve", spec.substr(start, colon - start));
      start = colon + 1;
    }
    return p[1] - (p[1] - p[0]) * std::exp(-p[2] * (k - 1));
  }
  std::vector<double> values;
  std::size_t start = 0;
  while (start <= spec.size()) {
    auto comma = spec.find(',', start);
    if (comma == std::string::npos) comma = spec.size();
    values.push_back(to_double("--curve", spec.substr(start, comma - start)));
    start = comma + 1;
  }
  return values[std::min<std::size_t>(static_cast<std::size_t>(k - 1), values.size() - 1)];
}

double cpu_now() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

volatile double g_sink = 0;

void burn(double seconds) {
  const double until = cpu_now() + seconds;
  double acc = 0;
  while (cpu_now() < until) {
    for (int i = 0; i < 10000; ++i) acc += std::sqrt(static_cast<double>(i) + acc * 1e-9);
  }
  g_sink = acc;
}

void pause_for(double seconds) {
  if (seconds <= 0) return;
  timespec ts{static_cast<time_t>(seconds),
              static_cast<long>((seconds - std::floor(seconds)) * 1e9)};
  while (nanosleep(&ts, &ts) != 0) {
  }
}

}  // namespace

int main(int argc, char** argv) {
  Args a = parse(argc, argv);
  if (a.ignore_term) signal(SIGTERM, SIG_IGN);
  const objectives::Problem* problem = objectives::find_problem(a.problem);
  if (!problem) usage_error("unknown problem '" + a.problem + "'");
  std::vector<double> x = a.x;
  if (x.size() < static_cast<std::size_t>(problem->n_vars)) x.resize(problem->n_vars, 0.0);
  std::vector<double> f;
  try {
    f = objectives::evaluate(a.problem, x);
  } catch (const std::exception& e) {
    usage_error(e.what());
  }

  std::printf("testobj: %s with %zu variables\n", a.problem.c_str(), x.size());  // log line
  std::fflush(stdout);
  if (a.garbage) {
    std::printf("this line is not JSON\n{\"f1\": 0.5, broken\n");
    std::fflush(stdout);
  }
  const int parts = std::max(1, a.steps);
  for (int k = 1; k <= parts; ++k) {
    burn(a.burn_s / parts);
    pause_for(a.sleep_s / parts);
    if (a.steps > 0) {
      std::printf("{\"step\": %d, \"%s\": %.17g}\n", k, a.curve_metric.c_str(),
                  curve_value(a.curve, k));
      std::fflush(stdout);
    }
  }
  if (a.crash_signal != 0) {
    std::fprintf(stderr, "testobj: raising signal %d on request\n", a.crash_signal);
    signal(a.crash_signal, SIG_DFL);
    raise(a.crash_signal);
  }
  if (a.hang) {
    std::fprintf(stderr, "testobj: hanging on request\n");
    for (;;) pause_for(3600);
  }
  if (a.fail_exit >= 0) {
    std::fprintf(stderr, "testobj: failing on request with exit status %d\n", a.fail_exit);
    return a.fail_exit;
  }
  if (!a.no_report) {
    if (a.steps > 0) {
      std::printf("{\"f1\": %.17g, \"f2\": %.17g, \"%s\": %.17g}\n", f[0], f[1],
                  a.curve_metric.c_str(), curve_value(a.curve, a.steps));
    } else {
      std::printf("{\"f1\": %.17g, \"f2\": %.17g}\n", f[0], f[1]);
    }
  }
  return 0;
}
