// Comparing search strategies by the energy they spend (`ecohpo compare`).
//
// Idea: a strategy is better when it reaches the same result for less energy, and the energy
// must include the optimizer's own (proposing trials, fitting models), as argued by
// Strubell, Ganesh & McCallum (2019, "Energy and policy considerations for deep learning in
// NLP") and measured per proposal here (`sampler_kwh`). For each study we walk its trials in
// trial-number order and record two anytime curves over cumulative energy (every attempt's
// `energy_kwh`, pruned and failed ones included, plus the sampler's energy charged once per
// trial number): the hypervolume of the front so far and the best value of one metric so far.
// Studies are grouped by sampler (type, plus `+energy-aware` when `energy_aware: true`, plus
// `+<type>-pruner` when the study prunes trials), and
// each group reports medians with spread (quartiles and min/max) over its studies (seeds) of:
// the cumulative energy to reach a target, the final hypervolume, and the optimizer's share
// of the energy.
//
// Hypervolume is computed on a common scale so that studies are comparable: every objective
// (minimization form) is normalized to [0, 1] by the ideal and nadir of the combined Pareto
// front of all studies given (by its range over all complete trials where the front has no
// extent in it), and the reference point is 1.1 in every objective (the
// convention of Ishibuchi et al., 2018, "How to specify a reference point in hypervolume
// calculation", r = 1 + 1/H with small H). The target is either a fraction of the reference
// hypervolume (by default the best final hypervolume over all studies) or a metric value.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "hpo/core/objective.h"
#include "hpo/base/result.h"
#include "hpo/core/trial.h"

namespace hpo {

// One study as compare reads it (see load_compare_input).
struct CompareInput {
  std::string path;   // where it came from (labels, errors)
  std::string name;   // study name
  std::string group;  // "random", "tpe", "tpe+energy-aware", ...
  std::optional<std::int64_t> seed;
  std::vector<Objective> objectives;
  std::vector<Trial> trials;  // every record, any order
};

struct CompareOptions {
  // Target hypervolume as a fraction of the reference hypervolume (used when no metric
  // target is given).
  double target_hv_fraction = 0.95;
  // Reference hypervolume (normalized units); unset: the best final hypervolume of all studies.
  std::optional<double> reference_hv;
  // Metric target (`--target accuracy=0.95`); when set it replaces the hypervolume target.
  std::optional<std::string> target_metric;
  double target_value = 0.0;
  // Metric for the best-so-far curve; unset: the target metric, else the first objective that
  // the trial reports (not energy_kwh, co2e_kg, duration_s, cpu_s), else the first objective.
  std::optional<std::string> best_metric;
  // Points of the common energy grid for the group curves.
  int grid_points = 200;

  // Throws std::invalid_argument naming the field.
  void validate() const;
};

// After trial number `trial` (all its attempts): the cumulative energy and the anytime values.
struct CurvePoint {
  std::int64_t trial = 0;
  double cum_kwh = 0.0;
  double hv = 0.0;             // normalized hypervolume of the complete trials so far
  std::optional<double> best;  // best value of the best metric so far
};

struct StudyCurve {
  std::string path, name, group;
  std::optional<std::int64_t> seed;
  std::vector<CurvePoint> points;  // one per trial number, increasing
  std::int64_t trials = 0;         // distinct trial numbers
  std::int64_t complete = 0;
  double trial_kwh = 0.0;    // all attempts
  double sampler_kwh = 0.0;  // optimizer, once per trial number
  double total_kwh = 0.0;
  double optimizer_share = 0.0;  // sampler_kwh / total_kwh (0 when total is 0)
  double final_hv = 0.0;
  std::optional<double> final_best;
  // Cumulative energy (and trial number) at the first trial that reached the target.
  std::optional<double> kwh_to_target;
  std::optional<std::int64_t> trial_to_target;
};

// Median with spread over a group's studies. An unreached target counts as +infinity, so a
// median is infinite when at most half of the studies reached it.
struct Spread {
  double median = 0.0, q25 = 0.0, q75 = 0.0, min = 0.0, max = 0.0;
  int n = 0;
};
// Linear-interpolation quantiles (type 7, as numpy's default); infinities are kept in order.
Spread spread_of(std::vector<double> values);
double quantile(std::vector<double> sorted_values, double q);

// A group's curve on the common energy grid: median and quartiles at each grid energy.
struct GroupCurve {
  std::vector<double> kwh, median, q25, q75;
};

struct GroupSummary {
  std::string group;
  int studies = 0;
  int reached = 0;
  Spread kwh_to_target;  // +inf for studies that did not reach it
  Spread final_hv;
  Spread final_best;     // over studies with a best value
  Spread optimizer_share;
  Spread total_kwh;
  // median kwh_to_target / the "random" group's (unset without a finite random median)
  std::optional<double> vs_random;
  GroupCurve hv_curve, best_curve;
};

struct CompareReport {
  std::vector<Objective> objectives;
  std::vector<double> ideal, nadir;  // minimization form, per objective (see above)
  double reference_hv = 0.0;
  double target_hv = 0.0;       // when the target is hypervolume
  std::optional<double> target_value;  // when the target is a metric value
  std::string target_text;      // e.g. "hypervolume >= 0.95 x 1.0123" or "accuracy >= 0.95"
  std::string best_metric;
  Direction best_direction = Direction::kMaximize;
  std::vector<StudyCurve> studies;    // in input order
  std::vector<GroupSummary> groups;   // sorted by group name, "random" first
};

// Reads a study file read-only. Throws std::runtime_error naming the file.
CompareInput load_compare_input(const std::filesystem::path& path);
// The group label of a resolved sampler spec ({"type": ..., "options": {...}}).
std::string sampler_group(const std::string& type, bool energy_aware);
// With the study's pruner: "+<type>-pruner" appended ("random+pareto-pruner"), so a strategy
// that prunes is never pooled with the same sampler without pruning; empty: no pruner.
std::string sampler_group(const std::string& type, bool energy_aware, const std::string& pruner_type);

// Errors (no studies, different objectives, unknown target metric) name the study path.
Result<CompareReport> compare_studies(const std::vector<CompareInput>& inputs,
                                      const CompareOptions& options);

// Text outputs: an aligned terminal table, the CSV files and the Markdown summary.
std::string format_compare_table(const CompareReport& report);
std::string summary_csv(const CompareReport& report);   // one row per group
std::string studies_csv(const CompareReport& report);   // one row per study
std::string summary_markdown(const CompareReport& report);
// Writes hv_vs_kwh.svg, best_vs_kwh.svg, summary.csv, studies.csv, summary.md into `dir`
// (created). Throws std::runtime_error naming the file that could not be written.
void write_compare_report(const CompareReport& report, const std::filesystem::path& dir);

}  // namespace hpo
