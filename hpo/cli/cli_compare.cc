// `ecohpo compare A.h5 B.h5 ...`: compares search strategies by the energy they spend to reach
// a target (hpo/compare.h); prints a table and optionally writes plots and summaries.
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string>

#include "hpo/cli/commands.h"
#include "hpo/report/compare.h"

namespace cli {
namespace {

constexpr const char* kUsage = R"(usage: ecohpo compare STUDY.h5... [--target-hv F | --target METRIC=VALUE]
                      [--reference-hv V] [--metric NAME] [-o REPORT_DIR]

Groups studies by sampler (type, plus "+energy-aware" when energy_aware: true, plus
"+<type>-pruner" when the study prunes, e.g. random+pareto-pruner) and reports,
as medians with quartiles over the studies of each group (seeds): the cumulative energy
(every trial attempt plus the optimizer's own sampler_kwh, in trial-number order) needed to
reach the target, the final hypervolume, the best metric, the total energy and the
optimizer's share of it.

Hypervolume is computed with every objective normalized to [0, 1] by the ideal and nadir of
the combined Pareto front of all studies given, and the reference point 1.1 in each
objective, so the studies are comparable.

options:
  --target-hv F        target: F x the reference hypervolume (default 0.95)
  --reference-hv V     reference hypervolume (default: best final hypervolume of all studies)
  --target M=V         target: the best value of objective M reaches V (replaces --target-hv)
  --metric NAME        objective of the best-so-far curve (default: the --target metric,
                       else the first objective the trial reports)
  -o, --output DIR     write hv_vs_kwh.svg, best_vs_kwh.svg, summary.csv, studies.csv and
                       summary.md into DIR
  -h, --help           this text

examples:
  ecohpo compare runs/rvb-*.h5 -o report
  ecohpo compare runs/rvb-*.h5 --target-hv 0.9
  ecohpo compare runs/rvb-*.h5 --target accuracy=0.96 -o report
)";

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

double parse_number(const std::string& flag, const std::string& text) {
  std::size_t used = 0;
  double v = 0.0;
  try {
    v = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || text.empty() || !std::isfinite(v)) {
    throw UsageError(flag + ": '" + text + "' is not a number");
  }
  return v;
}

int run_compare(const std::vector<std::string>& args) {
  std::vector<std::string> files;
  hpo::CompareOptions options;
  std::optional<std::string> out_dir;
  bool hv_given = false;
  try {
    for (std::size_t i = 0; i < args.size(); ++i) {
      const std::string& a = args[i];
      auto value = [&](const std::string& flag) -> std::string {
        if (i + 1 >= args.size()) throw UsageError(flag + ": needs a value");
        return args[++i];
      };
      if (a == "-h" || a == "--help") {
        std::cout << kUsage;
        return 0;
      } else if (a == "--target-hv") {
        options.target_hv_fraction = parse_number(a, value(a));
        if (!(options.target_hv_fraction > 0.0 && options.target_hv_fraction <= 1.0)) {
          throw UsageError("--target-hv: must be in (0, 1], a fraction of the reference");
        }
        hv_given = true;
      } else if (a == "--reference-hv") {
        options.reference_hv = parse_number(a, value(a));
        if (!(*options.reference_hv > 0.0)) throw UsageError("--reference-hv: must be positive");
      } else if (a == "--target") {
        const std::string v = value(a);
        const auto eq = v.find('=');
        if (eq == std::string::npos || eq == 0) {
          throw UsageError("--target: '" + v + "' is not METRIC=VALUE (e.g. accuracy=0.95)");
        }
        options.target_metric = v.substr(0, eq);
        options.target_value = parse_number("--target", v.substr(eq + 1));
      } else if (a == "--metric") {
        options.best_metric = value(a);
      } else if (a == "-o" || a == "--output") {
        out_dir = value(a);
      } else if (a.size() > 1 && a[0] == '-') {
        throw UsageError("unknown option '" + a + "' (see ecohpo compare --help)");
      } else {
        files.push_back(a);
      }
    }
    if (files.empty()) throw UsageError("no study files given (see ecohpo compare --help)");
    if (hv_given && options.target_metric) {
      throw UsageError("--target-hv and --target: give one target, not both");
    }
  } catch (const UsageError& e) {
    std::cerr << "ecohpo compare: " << e.what() << "\n";
    return 2;
  }

  std::vector<hpo::CompareInput> inputs;
  try {
    for (const auto& f : files) inputs.push_back(hpo::load_compare_input(f));
  } catch (const std::exception& e) {
    std::cerr << "ecohpo compare: " << e.what() << "\n";
    return 2;
  }
  auto report = hpo::compare_studies(inputs, options);
  if (!report) {
    std::cerr << "ecohpo compare: " << report.error() << "\n";
    return 2;
  }
  std::cout << hpo::format_compare_table(*report);
  if (out_dir) {
    try {
      hpo::write_compare_report(*report, *out_dir);
    } catch (const std::exception& e) {
      std::cerr << "ecohpo compare: " << e.what() << "\n";
      return 1;
    }
    std::cout << "\nreport written to " << *out_dir
              << "/ (hv_vs_kwh.svg, best_vs_kwh.svg, summary.csv, studies.csv, summary.md)\n";
  }
  return 0;
}

}  // namespace

void add_compare_commands(std::vector<Command>& out) {
  out.push_back(Command{"compare", "compare search strategies by the energy to reach a target",
                        run_compare});
}

}  // namespace cli
