// pruner_replay: replays a study that ran WITHOUT a pruner through a pruner, offline, to see
// what the pruner would have saved and which trials it would have wrongly stopped. Lets the
// pruner's model be studied on real learning curves (ecohpo-mlp on digits, Fashion-MNIST)
// without re-running the trials; the benchmark of record stays bench/stopping_ml_bench.sh,
// which runs the pruner live.
//
// Replay: trials in start order; at each report of trial i, the pruner sees the trials that
// had finished by then (at their end time) and trial i's reports so far. Trials the replay
// pruned earlier are seen as pruned (reports cut at the pruning step), so one prune's effect
// on later decisions is kept; the timing of the live run (slots freed earlier) is not.
//
// Printed per study file: trials, prunes, energy saved (the pruned trials' energy after
// their pruning report, over the whole run's energy), hypervolume of the complete trials
// left against the full run's (reference: worst accuracy and energy + 10%, as
// bench/stopping_table.py), and the false prunes (pruned trials on the full run's front).
//
// Options: --rule JSON (a stop rule checked after every finished trial), --verbose (each
// prune with its reason, each kept trial's projection half-way, false prunes), --oracle (a
// bound, not a pruner: stop every trial that is not on the full run's front at its 3rd
// report).
//
//   pruner_replay '{"type":"pareto"}' runs/full-1.h5 [runs/full-2.h5 ...] [--verbose]
//   pruner_replay none --rule '{"type":"hypervolume_plateau"}' runs/full-1.h5   (rule alone)
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <numeric>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hpo/front/hypervolume.h"
#include "hpo/stopping/pruners/pareto_pruner.h"
#include "hpo/front/pareto.h"
#include "hpo/core/registry.h"
#include "hpo/spec/spec_json.h"
#include "hpo/stopping/pruners/pruner_registry.h"
#include "hpo/stopping/stop_rules/stop_rule_registry.h"
#include "hpo/store/study_file.h"

namespace {

struct ReplayOptions {
  nlohmann::json pruner;  // null: no pruner
  nlohmann::json rule;    // null: no stop rule
  bool verbose = false;
  bool oracle = false;
};

struct Outcome {
  std::size_t trials = 0, pruned = 0, false_prunes = 0, skipped = 0;
  double energy_kwh = 0.0, saved_kwh = 0.0, hv_full = 0.0, hv_left = 0.0;
};

hpo::ComponentSpec component(const nlohmann::json& j, const std::string& key) {
  hpo::ComponentSpec cs;
  cs.type = j.at("type").get<std::string>();
  cs.options = j;
  cs.options.erase("type");
  cs.key = key;
  return cs;
}

Outcome replay(const std::string& path, const ReplayOptions& opt) {
  const bool verbose = opt.verbose;
  auto store = hpo::open_study_file_read_only(path);
  const hpo::StudySpec spec = hpo::spec_from_json(store->info().spec);
  std::vector<hpo::Trial> full;
  for (const auto& t : store->trials())
    if (t.state == hpo::TrialState::kComplete) full.push_back(t);
  std::sort(full.begin(), full.end(),
            [](const auto& a, const auto& b) { return a.start_unix_s < b.start_unix_s; });

  hpo::Registry registry;
  hpo::register_pruners(registry);
  hpo::register_stop_rules(registry);
  hpo::FactoryContext ctx;
  ctx.study = &spec;
  std::unique_ptr<hpo::Pruner> pruner;
  if (!opt.pruner.is_null()) pruner = registry.make_pruner(component(opt.pruner, "/pruner"), ctx);

  std::vector<bool> on_front(full.size(), false);
  {
    std::vector<std::size_t> idx;
    const auto pts = hpo::minimization_matrix(full, spec.objectives, &idx);
    for (std::size_t f : hpo::pareto_front(pts)) on_front[idx[f]] = true;
  }
  std::vector<hpo::Trial> seen = full;  // what the replay decided so far
  std::vector<bool> pruned(full.size(), false);
  std::vector<double> saved_of(full.size(), 0.0);
  Outcome out;
  out.trials = full.size();
  for (std::size_t i = 0; i < full.size(); ++i) {
    out.energy_kwh += full[i].energy.energy_kwh;
    for (std::size_t r = 0; pruner && r < full[i].reports.size(); ++r) {
      const double now = full[i].start_unix_s + full[i].reports[r].elapsed_s;
      std::vector<hpo::Trial> view;
      for (std::size_t j = 0; j < full.size(); ++j)
        if (j != i && seen[j].end_unix_s <= now && seen[j].end_unix_s > 0.0)
          view.push_back(seen[j]);
      hpo::Trial running = full[i];
      running.state = hpo::TrialState::kRunning;
      running.values.clear();
      running.reports.resize(r + 1);
      view.push_back(running);
      const hpo::StudyView sv{spec.space, spec.objectives, view};
      auto verdict = pruner->should_prune(sv, view.back());
      if (opt.oracle) verdict.prune = r == 2 && !on_front[i];
      if (verbose && !verdict.prune && r + 1 == full[i].reports.size() / 2)
        if (auto* pp = dynamic_cast<hpo::ParetoPruner*>(pruner.get()))
          if (auto q = pp->project(sv, view.back()); q && q->size() == 2)
            std::printf("  trial %lld kept at step %lld of %lld: acc %.4f energy %.3g; "
                        "projected acc %.4f energy %.3g; final acc %.4f energy %.3g\n",
                        static_cast<long long>(full[i].number),
                        static_cast<long long>(full[i].reports[r].step),
                        static_cast<long long>(full[i].reports.back().step),
                        full[i].reports[r].metrics.begin()->second,
                        full[i].reports[r].energy_kwh, -(*q)[0], (*q)[1], full[i].values[0],
                        full[i].values[1]);
      if (!verdict.prune) continue;
      pruned[i] = true;
      ++out.pruned;
      saved_of[i] = full[i].energy.energy_kwh - full[i].reports[r].energy_kwh;
      out.saved_kwh += saved_of[i];
      seen[i].state = hpo::TrialState::kPruned;
      seen[i].values.clear();
      seen[i].reports.resize(r + 1);
      seen[i].end_unix_s = now;
      if (verbose)
        std::printf("  trial %lld pruned at step %lld of %lld (saves %.3g kWh): %s\n",
                    static_cast<long long>(full[i].number),
                    static_cast<long long>(full[i].reports[r].step),
                    static_cast<long long>(full[i].reports.back().step),
                    full[i].energy.energy_kwh - full[i].reports[r].energy_kwh,
                    verdict.reason.c_str());
      break;
    }
  }

  // The stop rule, checked after every finished trial in (replayed) end order: once it
  // fires, trials that had not started yet never run.
  std::vector<bool> skipped(full.size(), false);
  if (!opt.rule.is_null()) {
    auto rule = registry.make_stop_rule(component(opt.rule, "/early_stop/0"), ctx);
    std::vector<std::size_t> order(full.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(),
              [&](auto a, auto b) { return seen[a].end_unix_s < seen[b].end_unix_s; });
    std::vector<hpo::Trial> done;
    for (std::size_t i : order) {
      done.push_back(seen[i]);
      const hpo::StudyView sv{spec.space, spec.objectives, done};
      const auto v = rule->check(sv);
      if (!v.stop) continue;
      const double t_fire = seen[i].end_unix_s;
      for (std::size_t j = 0; j < full.size(); ++j)
        if (full[j].start_unix_s > t_fire) {
          skipped[j] = true;
          ++out.skipped;
          // Everything this trial would have used (its pruned remainder is already saved).
          out.saved_kwh += pruned[j] ? (full[j].energy.energy_kwh - saved_of[j])
                                     : full[j].energy.energy_kwh;
        }
      if (verbose) std::printf("  rule fired after %zu finished: %s\n", done.size(), v.message.c_str());
      break;
    }
  }

  std::vector<std::size_t> index;
  const auto points = hpo::minimization_matrix(full, spec.objectives, &index);
  hpo::Point ref(spec.objectives.size(), -1e300);
  hpo::Point lo(spec.objectives.size(), 1e300);
  for (const auto& p : points)
    for (std::size_t k = 0; k < p.size(); ++k) {
      ref[k] = std::max(ref[k], p[k]);
      lo[k] = std::min(lo[k], p[k]);
    }
  for (std::size_t k = 0; k < ref.size(); ++k) ref[k] += 0.1 * (ref[k] - lo[k]);
  std::vector<hpo::Point> left;
  for (std::size_t p = 0; p < points.size(); ++p)
    if (!pruned[index[p]] && !skipped[index[p]]) left.push_back(points[p]);
  for (std::size_t f : hpo::pareto_front(points))
    if (pruned[index[f]] && !skipped[index[f]]) {
      ++out.false_prunes;
      if (verbose)
        std::printf("  FALSE PRUNE: trial %lld is on the full run's front\n",
                    static_cast<long long>(full[index[f]].number));
    }
  out.hv_full = hpo::hypervolume(points, ref);
  out.hv_left = hpo::hypervolume(left, ref);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: pruner_replay PRUNER_JSON|none STUDY.h5 [STUDY.h5 ...] [--rule JSON] "
                 "[--verbose] [--oracle]\n";
    return 2;
  }
  try {
    const std::string first = argv[1];
    ReplayOptions opt;
    if (first != "none") opt.pruner = nlohmann::json::parse(first);
    std::vector<std::string> files;
    for (int a = 2; a < argc; ++a) {
      const std::string arg = argv[a];
      if (arg == "--verbose") opt.verbose = true;
      else if (arg == "--oracle") opt.oracle = true;
      else if (arg == "--rule" && a + 1 < argc) opt.rule = nlohmann::json::parse(argv[++a]);
      else files.emplace_back(arg);
    }
    if (opt.oracle && opt.pruner.is_null()) opt.pruner = {{"type", "pareto"}};  // unused verdicts
    double saved_sum = 0.0, lost_sum = 0.0, lost_max = 0.0;
    for (const auto& f : files) {
      if (opt.verbose) std::printf("%s\n", f.c_str());
      const Outcome o = replay(f, opt);
      const double saved = o.saved_kwh / o.energy_kwh, lost = 1.0 - o.hv_left / o.hv_full;
      saved_sum += saved;
      lost_sum += lost;
      lost_max = std::max(lost_max, lost);
      std::printf("%-24s trials %3zu skipped %3zu pruned %3zu false %2zu saved %5.1f%% hv lost "
                  "%5.2f%%\n",
                  f.c_str(), o.trials, o.skipped, o.pruned, o.false_prunes, 100 * saved,
                  100 * lost);
    }
    std::printf("mean: saved %.1f%%, hv lost %.2f%% (max %.2f%%)\n",
                100 * saved_sum / files.size(), 100 * lost_sum / files.size(), 100 * lost_max);
  } catch (const std::exception& e) {
    std::cerr << "pruner_replay: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
