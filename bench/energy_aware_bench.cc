// Energy-aware search on Branin-Currin (issue 4; results in docs/benchmarks.md,
// "## Energy-aware search"): for each seed, the plain sampler and the same sampler with
// `energy_aware: true` run the same number of trials on Branin-Currin (2 variables in [0, 1],
// both objectives minimized, reference point from objectives::problems()) with a synthetic
// energy cost of 1e-3 * 10^x0 kWh per trial (10x over the space). The figure is the
// cumulative energy each needs to first reach 95% of the plain sampler's final hypervolume
// in the same seed, and the per-seed ratio aware / plain (an unreached target counts as the
// aware run's total energy, so it cannot flatter the ratio).
//
//   energy_aware_bench [--seeds 10] [--samplers tpe,gp] [--tpe-trials 100] [--gp-trials 60]
//                      [--aware JSON]   (extra options of the energy-aware sampler)
//
// Problems are evaluated in-process; no trial processes. Prints one line per seed and a
// summary per sampler, and the whole result as JSON on stdout's last line.
#include <algorithm>
#include <cstdio>
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

namespace {

using bench::median;

struct Run {
  std::vector<double> hv, cum_kwh;  // after each trial
};

Run run_study(hpo::Sampler& s, const objectives::Problem& prob, int trials) {
  Run r;
  r.hv = bench::run_study(s, prob, trials, &r.cum_kwh);
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  int seeds = 10, tpe_trials = 100, gp_trials = 60;
  std::vector<std::string> kinds{"tpe", "gp"};
  nlohmann::json aware_extra = nlohmann::json::object();
  for (int i = 1; i < argc; ++i) {
    const std::string f = argv[i];
    const std::string v = i + 1 < argc ? argv[i + 1] : "";
    if (f == "--seeds") seeds = std::stoi(v);
    else if (f == "--tpe-trials") tpe_trials = std::stoi(v);
    else if (f == "--gp-trials") gp_trials = std::stoi(v);
    else if (f == "--aware") aware_extra = nlohmann::json::parse(v);
    else if (f == "--samplers") {
      kinds.clear();
      std::stringstream ss(v);
      for (std::string k; std::getline(ss, k, ',');) kinds.push_back(k);
    } else {
      std::fprintf(stderr, "energy_aware_bench: unknown option %s\n", f.c_str());
      return 2;
    }
    ++i;
  }
  hpo::Registry reg;
  samplers::register_samplers(reg);
  const auto* prob = objectives::find_problem("branin_currin");
  nlohmann::json out = nlohmann::json::object();
  for (const auto& kind : kinds) {
    const int trials = kind == "gp" ? gp_trials : tpe_trials;
    std::vector<double> ratios, e_plain, e_aware;
    int reached = 0;
    nlohmann::json per_seed = nlohmann::json::array();
    for (int seed = 0; seed < seeds; ++seed) {
      auto make = [&](bool aware) {
        hpo::ComponentSpec spec;
        spec.type = kind;
        spec.key = "/sampler";
        spec.options = {{"seed", seed}};
        if (aware) {
          spec.options["energy_aware"] = true;
          spec.options[kind == "gp" ? "cost_budget_trials" : "budget_trials"] = trials;
          for (auto& [k, val] : aware_extra.items()) spec.options[k] = val;
        }
        return reg.make_sampler(spec, hpo::FactoryContext{});
      };
      const Run plain = run_study(*make(false), *prob, trials);
      const Run aware = run_study(*make(true), *prob, trials);
      const double target = 0.95 * plain.hv.back();
      const auto energy_to = [&](const Run& r) {
        for (std::size_t i = 0; i < r.hv.size(); ++i)
          if (r.hv[i] >= target) return std::pair<double, bool>{r.cum_kwh[i], true};
        return std::pair<double, bool>{r.cum_kwh.back(), false};
      };
      const auto [ep, okp] = energy_to(plain);
      const auto [ea, oka] = energy_to(aware);
      reached += oka ? 1 : 0;
      e_plain.push_back(ep);
      e_aware.push_back(ea);
      ratios.push_back(ea / ep);
      std::printf("%s seed %d: plain %.5f kWh, aware %.5f kWh%s, ratio %.3f; final HV plain %.3f, aware %.3f\n",
                  kind.c_str(), seed, ep, ea, oka ? "" : " (not reached)", ea / ep,
                  plain.hv.back(), aware.hv.back());
      std::fflush(stdout);
      per_seed.push_back({{"seed", seed}, {"plain_kwh", ep}, {"aware_kwh", ea}, {"aware_reached", oka},
                          {"ratio", ea / ep}, {"plain_final_hv", plain.hv.back()},
                          {"aware_final_hv", aware.hv.back()}});
    }
    std::printf("%s (%d trials, %d seeds): reached %d/%d; median kWh plain %.5f, aware %.5f; "
                "median per-seed ratio aware/plain %.3f\n",
                kind.c_str(), trials, seeds, reached, seeds, median(e_plain), median(e_aware),
                median(ratios));
    std::fflush(stdout);
    out[kind] = {{"trials", trials}, {"seeds", seeds}, {"reached", reached},
                 {"median_ratio", median(ratios)}, {"median_plain_kwh", median(e_plain)},
                 {"median_aware_kwh", median(e_aware)}, {"aware_options", aware_extra},
                 {"per_seed", per_seed}};
  }
  std::cout << out.dump() << "\n";
  return 0;
}
