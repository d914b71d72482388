// In-process sampler benchmark (no trial processes): for each sampler,
//  - hypervolume after --trials trials on ZDT1/2/3, DTLZ2 (6 variables) and Branin-Currin,
//    median over --seeds seeds (reference points from objectives::problems());
//  - wall and process-CPU seconds (all threads: gp's oneTBB workers count) per suggestion after
//    --history finished trials (ZDT1, 2 objectives, 6 parameters; the history is --history
//    random trials, the same for every sampler; the median of --asks proposals for trial
//    numbers history, history+1, ..., each told before the next, as Optuna's peer does), and
//    for gp also after --gp-history finished trials (its own cost target);
//  - energy-aware TPE on Branin-Currin with a synthetic energy cost varying 10x over the space:
//    cumulative energy until the front reaches 95% of plain TPE's final hypervolume.
// Prints one JSON object on stdout (bench/run_sampler_comparison.sh tabulates it next to
// bench/peers/optuna_bench.py's). Usage:
//   sampler_bench [--samplers random,qmc,tpe,nsga2,gp] [--seeds 10] [--trials 100]
//                 [--history 1000] [--gp-history 300] [--asks 20] [--skip-quality]
//                 [--skip-cost] [--skip-energy]
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <ctime>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/bench_problems.h"
#include "hpo/front/hypervolume.h"
#include "hpo/core/registry.h"
#include "objectives/problems.h"
#include "samplers/registry.h"
#include "samplers/rng.h"

namespace {

using bench::box;
using bench::median;

struct Args {
  std::vector<std::string> samplers{"random", "qmc", "tpe", "nsga2", "gp"};
  int seeds = 10, trials = 100, history = 1000, gp_history = 300, asks = 20;
  bool quality = true, cost = true, energy = true;
};

std::unique_ptr<hpo::Sampler> make(const hpo::Registry& reg, const std::string& type,
                                   std::uint64_t seed, nlohmann::json extra = {}) {
  hpo::ComponentSpec spec;
  spec.type = type;
  spec.options = {{"seed", seed}};
  for (auto& [k, v] : extra.items()) spec.options[k] = v;
  spec.key = "/sampler";
  return reg.make_sampler(spec, hpo::FactoryContext{});
}

// CPU seconds of the whole process, all threads (robust to other load on a shared machine,
// and fair to gp, whose multi-start runs on oneTBB workers).
double process_cpu_s() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

const std::vector<hpo::Objective>& kObjs = bench::two_minimized();

using bench::point_of;
using bench::run_study;

}  // namespace

int main(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string f = argv[i];
    const auto next = [&]() { return std::string(i + 1 < argc ? argv[++i] : ""); };
    if (f == "--samplers") {
      a.samplers.clear();
      std::stringstream ss(next());
      for (std::string s; std::getline(ss, s, ',');) a.samplers.push_back(s);
    } else if (f == "--seeds") a.seeds = std::stoi(next());
    else if (f == "--trials") a.trials = std::stoi(next());
    else if (f == "--history") a.history = std::stoi(next());
    else if (f == "--gp-history") a.gp_history = std::stoi(next());
    else if (f == "--asks") a.asks = std::stoi(next());
    else if (f == "--skip-quality") a.quality = false;
    else if (f == "--skip-cost") a.cost = false;
    else if (f == "--skip-energy") a.energy = false;
    else {
      std::cerr << "sampler_bench: unknown flag " << f << "\n";
      return 2;
    }
  }
  hpo::Registry reg;
  samplers::register_samplers(reg);
  nlohmann::json out;
  out["config"] = {{"seeds", a.seeds}, {"trials", a.trials}, {"history", a.history},
                   {"gp_history", a.gp_history}, {"asks", a.asks}};

  if (a.quality) {
    for (const auto& prob : objectives::problems()) {
      for (const auto& name : a.samplers) {
        std::vector<double> hvs;
        for (int seed = 0; seed < a.seeds; ++seed) {
          auto s = make(reg, name, static_cast<std::uint64_t>(seed));
          hvs.push_back(run_study(*s, prob, a.trials).back());
        }
        out["hv"][prob.name][name] = median(hvs);
        out["hv_seeds"][prob.name][name] = hvs;
        std::cerr << "hv " << prob.name << " " << name << " " << median(hvs) << "\n";
      }
    }
  }

  if (a.cost) {
    // Every sampler asks `asks` times after `history` finished random trials on ZDT1; each
    // proposal is evaluated and told (appended) before the next ask, outside the timing.
    const auto* prob = objectives::find_problem("zdt1");
    const auto space = box(prob->n_vars);
    const auto measure = [&](const std::string& name, int history) -> std::pair<double, double> {
      std::vector<hpo::Trial> hist;
      auto rng = samplers::trial_rng(12345, 0);
      for (int i = 0; i < history; ++i) {
        hpo::Trial t;
        t.number = i;
        t.state = hpo::TrialState::kComplete;
        std::vector<double> x(static_cast<std::size_t>(prob->n_vars));
        for (std::size_t k = 0; k < x.size(); ++k) {
          x[k] = samplers::uniform01(rng);
          t.params["x" + std::to_string(k)] = x[k];
        }
        t.values = objectives::evaluate("zdt1", x);
        t.energy.energy_kwh = 1e-3;
        hist.push_back(std::move(t));
      }
      auto s = make(reg, name, 1);
      std::vector<double> secs, cpu;
      for (int k = 0; k < a.asks; ++k) {
        const double c0 = process_cpu_s();
        const auto t0 = std::chrono::steady_clock::now();
        auto p = s->suggest({space, kObjs, hist}, history + k);
        const auto t1 = std::chrono::steady_clock::now();
        cpu.push_back(process_cpu_s() - c0);
        secs.push_back(std::chrono::duration<double>(t1 - t0).count());
        if (p.empty()) return {-1.0, -1.0};
        hpo::Trial t;
        t.number = history + k;
        t.state = hpo::TrialState::kComplete;
        t.values = objectives::evaluate("zdt1", point_of(p, prob->n_vars));
        t.energy.energy_kwh = 1e-3;
        t.params = std::move(p);
        hist.push_back(std::move(t));
      }
      return {median(secs), median(cpu)};
    };
    for (const auto& name : a.samplers) {
      const auto [wall, cpu] = measure(name, a.history);
      if (wall < 0.0) return 1;
      out["ask_s"][name] = wall;
      out["ask_cpu_s"][name] = cpu;
      std::cerr << "ask " << name << " " << wall << " s wall, " << cpu << " s cpu\n";
    }
    if (std::find(a.samplers.begin(), a.samplers.end(), "gp") != a.samplers.end() &&
        a.gp_history > 0 && a.gp_history != a.history) {
      const auto [wall, cpu] = measure("gp", a.gp_history);
      if (wall < 0.0) return 1;
      out["gp_ask"] = {{"history", a.gp_history}, {"wall_s", wall}, {"cpu_s", cpu}};
      std::cerr << "ask gp after " << a.gp_history << ": " << wall << " s wall, " << cpu
                << " s cpu\n";
    }
  }

  if (a.energy) {
    const auto* prob = objectives::find_problem("branin_currin");
    std::vector<double> ratios;
    int reached = 0;
    nlohmann::json per_seed = nlohmann::json::array();
    for (int seed = 0; seed < a.seeds; ++seed) {
      std::vector<double> e_plain, e_aware;
      auto plain = make(reg, "tpe", static_cast<std::uint64_t>(seed));
      auto aware = make(reg, "tpe", static_cast<std::uint64_t>(seed),
                        {{"energy_aware", true}, {"budget_trials", a.trials}});
      const auto hv_plain = run_study(*plain, *prob, a.trials, &e_plain);
      const auto hv_aware = run_study(*aware, *prob, a.trials, &e_aware);
      const double target = 0.95 * hv_plain.back();
      const auto energy_to = [&](const std::vector<double>& hv, const std::vector<double>& e) {
        for (std::size_t i = 0; i < hv.size(); ++i)
          if (hv[i] >= target) return std::pair<double, bool>{e[i], true};
        return std::pair<double, bool>{e.back(), false};
      };
      const auto [ep, okp] = energy_to(hv_plain, e_plain);
      const auto [ea, oka] = energy_to(hv_aware, e_aware);
      reached += oka;
      ratios.push_back(ea / ep);
      per_seed.push_back({{"seed", seed}, {"plain_kwh", ep}, {"aware_kwh", ea},
                          {"aware_reached", oka}, {"plain_final_hv", hv_plain.back()},
                          {"aware_final_hv", hv_aware.back()}});
    }
    out["energy_aware"] = {{"sampler", "tpe"}, {"median_ratio", median(ratios)},
                           {"reached", reached}, {"seeds", a.seeds}, {"per_seed", per_seed}};
    std::cerr << "energy-aware tpe: median energy ratio " << median(ratios) << ", reached "
              << reached << "/" << a.seeds << "\n";
  }
  std::cout << out.dump(2) << "\n";
  return 0;
}
