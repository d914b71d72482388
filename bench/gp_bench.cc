// GP sampler benchmarks (results and commands in docs/benchmarks.md, "## GP sampler").
//
//   gp_bench cost     [reps]            seconds per suggestion at 300 and 1,000 finished trials
//                                       (2 objectives, 6 parameters)
//   gp_bench quality  [seeds] [trials]  hypervolume after `trials` trials, median over seeds,
//                                       gp vs random on ZDT1/2/3 and DTLZ2 (6 variables)
//   gp_bench energy   [seeds] [trials]  energy-aware vs plain gp on Branin-Currin with a
//                                       synthetic energy cost varying 10x over the space
// Problems are evaluated in-process with objectives::evaluate; no trial processes.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "bench/bench_problems.h"
#include "hpo/front/hypervolume.h"
#include "objectives/problems.h"
#include "samplers/gp_sampler.h"
#include "samplers/random_sampler.h"

namespace {

using bench::median;

using Clock = std::chrono::steady_clock;

hpo::SearchSpace unit_space(int d) {
  hpo::SearchSpace s;
  for (int i = 0; i < d; ++i) {
    hpo::ParamSpec p;
    p.name = "x" + std::string(i < 10 ? "0" : "") + std::to_string(i);
    s.params.push_back(p);
  }
  return s;
}

std::vector<double> point(const hpo::Params& p) {
  std::vector<double> x;
  for (const auto& [k, v] : p) x.push_back(std::get<double>(v));  // names sort as x00, x01...
  return x;
}

const std::vector<hpo::Objective>& kTwoMin = bench::two_minimized();

// Energy of a trial at x: 1e-3 kWh at x0 = 0 rising to 1e-2 kWh at x0 = 1 (10x).
double synthetic_kwh(const std::vector<double>& x) { return 1e-3 * std::pow(10.0, x[0]); }

hpo::Trial make_trial(std::int64_t n, hpo::Params p, const std::string& problem) {
  hpo::Trial t;
  t.number = n;
  const auto x = point(p);
  t.values = objectives::evaluate(problem, x);
  t.energy.energy_kwh = synthetic_kwh(x);
  t.params = std::move(p);
  t.state = hpo::TrialState::kComplete;
  return t;
}

std::unique_ptr<hpo::Sampler> make(const std::string& kind, std::uint64_t seed, bool aware = false,
                                   std::int64_t budget = 100) {
  if (kind == "random") return std::make_unique<samplers::RandomSampler>(samplers::RandomSampler::Options{seed});
  samplers::GpSampler::Options o;
  o.seed = seed;
  o.energy_aware = aware;
  o.cost_budget_trials = budget;
  return std::make_unique<samplers::GpSampler>(o);
}

std::vector<hpo::Trial> run(hpo::Sampler& s, const hpo::SearchSpace& space, const std::string& problem,
                            int trials) {
  std::vector<hpo::Trial> out;
  for (int i = 0; i < trials; ++i) {
    hpo::Params p = s.suggest({space, kTwoMin, out}, i);
    out.push_back(make_trial(i, std::move(p), problem));
  }
  return out;
}

double hv_of(const std::vector<hpo::Trial>& t, std::size_t upto, const std::vector<double>& ref) {
  std::vector<hpo::Point> pts;
  for (std::size_t i = 0; i < upto && i < t.size(); ++i) pts.push_back(t[i].values);
  return hpo::hypervolume(pts, ref);
}

int cost(int reps) {
  const auto space = unit_space(6);
  for (int n : {300, 1000}) {
    auto rs = make("random", 1);
    std::vector<hpo::Trial> trials;
    for (int i = 0; i < n; ++i) {
      hpo::Params p = rs->suggest({space, kTwoMin, trials}, i);
      trials.push_back(make_trial(i, std::move(p), "zdt1"));
    }
    auto gp = make("gp", 1);
    double cold = 0.0, warm = 0.0, worst = 0.0;
    for (int r = 0; r <= reps; ++r) {
      const auto t0 = Clock::now();
      hpo::Params p = gp->suggest({space, kTwoMin, trials}, n + r);
      const double s = std::chrono::duration<double>(Clock::now() - t0).count();
      if (r == 0) cold = s; else { warm += s; worst = std::max(worst, s); }
      trials.push_back(make_trial(n + r, std::move(p), "zdt1"));
    }
    std::printf("cost n=%d: first suggestion (hyperparameter fit + factorization) %.3f s; "
                "next %d (rank-1 updates) mean %.4f s, max %.4f s\n",
                n, cold, reps, warm / reps, worst);
  }
  return 0;
}

int quality(int seeds, int n) {
  const auto space = unit_space(6);
  std::printf("%-8s %12s %12s %8s\n", "problem", "random", "gp", "gp/rand");
  for (const std::string problem : {"zdt1", "zdt2", "zdt3", "dtlz2"}) {
    const auto ref = objectives::find_problem(problem)->hv_reference;
    std::vector<double> hv_r, hv_g;
    for (int s = 0; s < seeds; ++s) {
      auto r = make("random", static_cast<std::uint64_t>(s));
      auto g = make("gp", static_cast<std::uint64_t>(s));
      hv_r.push_back(hv_of(run(*r, space, problem, n), n, ref));
      hv_g.push_back(hv_of(run(*g, space, problem, n), n, ref));
    }
    std::printf("%-8s %12.4f %12.4f %8.4f\n", problem.c_str(), median(hv_r), median(hv_g),
                median(hv_g) / median(hv_r));
    std::fflush(stdout);
  }
  return 0;
}

int energy(int seeds, int n) {
  const auto space = unit_space(2);
  const auto ref = objectives::find_problem("branin_currin")->hv_reference;
  std::vector<double> ratios, e_plain, e_aware;
  int reached = 0;
  for (int s = 0; s < seeds; ++s) {
    auto plain = make("gp", static_cast<std::uint64_t>(s));
    auto aware = make("gp", static_cast<std::uint64_t>(s), true, n);
    const auto tp = run(*plain, space, "branin_currin", n);
    const auto ta = run(*aware, space, "branin_currin", n);
    const double target = 0.95 * hv_of(tp, n, ref);
    auto energy_to = [&](const std::vector<hpo::Trial>& t) {
      double e = 0.0;
      for (std::size_t i = 0; i < t.size(); ++i) {
        e += t[i].energy.energy_kwh;
        if (hv_of(t, i + 1, ref) >= target) return e;
      }
      return -1.0;
    };
    const double ep = energy_to(tp), ea = energy_to(ta);
    std::printf("seed %d: plain %.5f kWh, energy-aware %s kWh\n", s, ep,
                ea < 0 ? "not reached" : std::to_string(ea).c_str());
    std::fflush(stdout);
    if (ea < 0) continue;
    ++reached;
    e_plain.push_back(ep);
    e_aware.push_back(ea);
    ratios.push_back(ea / ep);
  }
  if (ratios.empty()) {
    std::printf("energy-aware never reached 95%% of the plain final hypervolume\n");
    return 0;
  }
  std::printf("reached by energy-aware in %d/%d seeds; median kWh plain %.5f, aware %.5f; "
              "median ratio aware/plain %.3f\n",
              reached, seeds, median(e_plain), median(e_aware), median(ratios));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "cost";
  const int a = argc > 2 ? std::atoi(argv[2]) : 0;
  const int b = argc > 3 ? std::atoi(argv[3]) : 0;
  if (mode == "cost") return cost(a > 0 ? a : 10);
  if (mode == "quality") return quality(a > 0 ? a : 10, b > 0 ? b : 100);
  if (mode == "energy") return energy(a > 0 ? a : 10, b > 0 ? b : 60);
  std::fprintf(stderr, "usage: gp_bench cost|quality|energy [seeds|reps] [trials]\n");
  return 2;
}
