// A trial: one configuration run as one process, and everything recorded about it.
// A trial keeps its number across retries; each attempt is its own record (`attempt` 0, 1, …)
// so a failed or interrupted attempt keeps the energy it spent.
//
// Memory: a study of 100,000 trials is held in memory whole (StudyStore::trials()), so the
// per-trial maps are sorted vectors (boost::container::flat_map, see MetricMap and Params)
// rather than std::map's one heap node per entry. They keep std::map's interface (find,
// operator[], emplace, ordered iteration, ==), but an insertion or erase invalidates
// iterators and references into the same map.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/container/flat_map.hpp>

#include "hpo/core/param_value.h"
#include "meters/measurement.h"

namespace hpo {

// Metric name -> value (final metrics of a trial, or one intermediate report), ordered by name.
using MetricMap = boost::container::flat_map<std::string, double>;

enum class TrialState {
  kRunning,      // launched, not finished (only in memory and in the journal)
  kComplete,     // finished with every objective reported
  kPruned,       // stopped by a pruner; keeps its reports and its energy
  kFailed,       // exit status, signal, timeout, missing metric, unparsable output
  kInterrupted,  // stopped by the user or lost with the coordinator/node; re-run on resume
};

std::string_view to_string(TrialState s);
bool parse_trial_state(std::string_view text, TrialState* out);
inline bool is_finished(TrialState s) { return s != TrialState::kRunning; }

// One intermediate report line (`{"step": 3, "accuracy": 0.91}`) with when it arrived and the
// energy the trial had used by then (the meter is read at report time).
struct Report {
  std::int64_t step = 0;
  MetricMap metrics;
  double elapsed_s = 0.0;
  double energy_kwh = 0.0;
};

// Energy, carbon and their provenance for one trial attempt.
struct TrialEnergy {
  double energy_kwh = 0.0;      // all components, PUE not applied
  double cpu_kwh = 0.0;         // cpu package share (incl. core/uncore)
  double dram_kwh = 0.0;
  double gpu_kwh = 0.0;
  double other_kwh = 0.0;       // e.g. psys remainder, estimated memory
  double co2e_kg = 0.0;         // operational: energy_kwh * pue * intensity (+ embodied_kg)
  double embodied_kg = 0.0;     // SCI embodied share, included in co2e_kg
  double intensity_g_per_kwh = 0.0;  // time-weighted mean over the trial window
  std::string intensity_source;      // "fixed", "csv:grid.csv", "region:IE", "world-default"
  double pue = 1.0;
  std::string energy_source;    // e.g. "rapl+nvml", "estimate"
  bool estimated = false;       // true if any component was estimated
  // The batch scheduler's own figure for the job (Slurm ConsumedEnergyRaw via sacct), kept
  // beside ours for comparison; NaN when the scheduler does not account energy.
  double scheduler_energy_kwh = std::numeric_limits<double>::quiet_NaN();
  std::vector<meters::ComponentEnergy> components;
  std::vector<meters::PowerSample> trace;  // attributed power over the trial
};

struct Trial {
  std::int64_t number = 0;
  int attempt = 0;
  Params params;
  TrialState state = TrialState::kRunning;
  std::string reason;  // why it failed, was pruned or interrupted; empty when complete

  MetricMap metrics;  // final value of every reported metric
  std::vector<Report> reports;            // intermediate reports (with a `step`)
  std::vector<double> values;             // objective values in study order (complete only)

  double start_unix_s = 0.0;
  double end_unix_s = 0.0;
  double duration_s = 0.0;   // run time, queue wait excluded
  double queue_s = 0.0;      // time pending in a batch queue (Slurm), 0 locally
  double cpu_s = 0.0;        // user+system CPU seconds of the whole process tree
  int exit_code = -1;        // -1 when killed by a signal or never started
  int term_signal = 0;
  std::string stderr_tail;   // last lines of stderr when it failed

  double sampler_s = 0.0;      // wall seconds the sampler spent proposing this trial
  double sampler_cpu_s = 0.0;  // CPU seconds of the same
  double sampler_kwh = 0.0;    // energy of the same (optimizer's own cost)

  TrialEnergy energy;
  std::string executor_id;  // e.g. Slurm job id
  std::string log_path;     // the trial's stdout/stderr log

  // Final metric or built-in figure by name (energy_kwh, co2e_kg, duration_s, cpu_s).
  std::optional<double> figure(const std::string& name) const;
};

}  // namespace hpo
