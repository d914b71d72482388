#include "samplers/nsga2_sampler.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <cstring>
#include <unordered_map>

#include "hpo/core/config_error.h"
#include "hpo/core/options_reader.h"
#include "hpo/front/pareto.h"
#include "samplers/detail/running.h"
#include "samplers/random_sampler.h"
#include "samplers/rng.h"

namespace samplers {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

struct Member {
  std::size_t trial;  // index into study.trials
  int rank = 0;
  double crowding = 0.0;
};

double violation(const hpo::Trial& t, const std::vector<std::string>& constraints) {
  double v = 0.0;
  for (const auto& c : constraints) {
    auto it = t.metrics.find(c);
    if (it == t.metrics.end() || !std::isfinite(it->second)) return 1e300;
    v += std::max(0.0, it->second);
  }
  return v;
}

// Ranks `pool` (indices into study.trials) by constrained domination and crowding distance,
// returning members sorted best first.
std::vector<Member> rank_pool(const hpo::StudyView& study, const std::vector<std::size_t>& pool,
                              const std::vector<std::string>& constraints) {
  std::vector<std::size_t> feasible, infeasible;
  for (auto i : pool)
    (violation(study.trials[i], constraints) > 0.0 ? infeasible : feasible).push_back(i);
  std::vector<Member> out;
  int rank = 0;
  if (!feasible.empty()) {
    std::vector<hpo::Point> pts(feasible.size());
    for (std::size_t k = 0; k < feasible.size(); ++k) {
      const auto& t = study.trials[feasible[k]];
      for (std::size_t m = 0; m < study.objectives.size(); ++m)
        pts[k].push_back(hpo::to_minimization(t.values[m], study.objectives[m].direction));
    }
    for (const auto& front : hpo::non_dominated_sort(pts)) {
      const auto cd = hpo::crowding_distance(pts, front);
      std::vector<std::size_t> order(front.size());
      std::iota(order.begin(), order.end(), 0);
      std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        if (cd[a] != cd[b]) return cd[a] > cd[b];
        return study.trials[feasible[front[a]]].number < study.trials[feasible[front[b]]].number;
      });
      for (auto o : order) out.push_back({feasible[front[o]], rank, cd[o]});
      ++rank;
    }
  }
  std::stable_sort(infeasible.begin(), infeasible.end(), [&](std::size_t a, std::size_t b) {
    const double va = violation(study.trials[a], constraints);
    const double vb = violation(study.trials[b], constraints);
    if (va != vb) return va < vb;
    return study.trials[a].number < study.trials[b].number;
  });
  double last = -1.0;
  for (auto i : infeasible) {
    const double v = violation(study.trials[i], constraints);
    if (v != last) { ++rank; last = v; }
    out.push_back({i, rank, 0.0});
  }
  return out;
}

// u: the spread draw, pick: which of the two children (both uniform in [0, 1)).
double sbx_child(double x1, double x2, double eta, double u, double pick) {
  // Bounded SBX (Deb & Agrawal, 1995; bounds [0, 1] as in Deb's reference implementation).
  if (std::abs(x1 - x2) < 1e-14) return x1;
  const double y1 = std::min(x1, x2), y2 = std::max(x1, x2);
  const auto child = [&](double beta) {
    const double alpha = 2.0 - std::pow(beta, -(eta + 1.0));
    const double betaq = u <= 1.0 / alpha ? std::pow(u * alpha, 1.0 / (eta + 1.0))
                                          : std::pow(1.0 / (2.0 - u * alpha), 1.0 / (eta + 1.0));
    return betaq;
  };
  const double b1 = child(1.0 + 2.0 * y1 / (y2 - y1));
  const double c1 = 0.5 * ((y1 + y2) - b1 * (y2 - y1));
  const double b2 = child(1.0 + 2.0 * (1.0 - y2) / (y2 - y1));
  const double c2 = 0.5 * ((y1 + y2) + b2 * (y2 - y1));
  return std::clamp(pick < 0.5 ? c1 : c2, 0.0, 1.0);
}

double polynomial_mutation(double x, double eta, double u) {
  const double mpow = 1.0 / (eta + 1.0);
  double dq;
  if (u < 0.5) {
    const double xy = 1.0 - x;
    const double val = 2.0 * u + (1.0 - 2.0 * u) * std::pow(xy, eta + 1.0);
    dq = std::pow(val, mpow) - 1.0;
  } else {
    const double xy = x;
    const double val = 2.0 * (1.0 - u) + 2.0 * (u - 0.5) * std::pow(xy, eta + 1.0);
    dq = 1.0 - std::pow(val, mpow);
  }
  return std::clamp(x + dq, 0.0, 1.0);
}

hpo::Params random_proposal(const hpo::StudyView& study, std::uint64_t seed, std::int64_t n) {
  hpo::Params p;
  for (std::uint64_t salt = 0; salt < 32; ++salt) {
    auto rng = trial_rng(seed, n, 1000 + salt);
    p = sample_uniform(study.space, rng);
    if (!detail::duplicates_running(study, p)) break;
  }
  return p;
}

}  // namespace

std::string Nsga2Sampler::Options::validate() const {
  if (population_size < 2) return "population_size: must be >= 2";
  if (!(crossover_prob >= 0.0 && crossover_prob <= 1.0)) return "crossover_prob: must be in [0, 1]";
  if (!(eta_c >= 0.0)) return "eta_c: must be >= 0";
  if (!(eta_m >= 0.0)) return "eta_m: must be >= 0";
  if (mutation_prob > 1.0) return "mutation_prob: must be <= 1 (or < 0 for 1/d)";
  if (!(swapping_prob >= 0.0 && swapping_prob <= 1.0)) return "swapping_prob: must be in [0, 1]";
  return "";
}

std::vector<std::size_t> Nsga2Sampler::parents(const hpo::StudyView& study,
                                               std::int64_t generation) const {
  const std::int64_t P = options_.population_size;
  const std::size_t n_obj = study.objectives.size();
  // Complete trials per earlier generation (the last attempt of each number counts).
  std::vector<std::vector<std::size_t>> by_gen(static_cast<std::size_t>(generation));
  for (std::size_t i = 0; i < study.trials.size(); ++i) {
    const auto& t = study.trials[i];
    if (t.state != hpo::TrialState::kComplete || t.values.size() != n_obj) continue;
    if (!std::all_of(t.values.begin(), t.values.end(), [](double v) { return std::isfinite(v); }))
      continue;
    const std::int64_t g = t.number / P;
    if (g < generation) by_gen[static_cast<std::size_t>(g)].push_back(i);
  }
  std::vector<std::size_t> population;
  for (std::int64_t g = 0; g < generation; ++g) {
    auto pool = population;
    const auto& add = by_gen[static_cast<std::size_t>(g)];
    pool.insert(pool.end(), add.begin(), add.end());
    std::sort(pool.begin(), pool.end());
    pool.erase(std::unique(pool.begin(), pool.end()), pool.end());
    const auto ranked = rank_pool(study, pool, options_.constraints);
    population.clear();
    for (std::size_t k = 0; k < ranked.size() && static_cast<std::int64_t>(k) < P; ++k)
      population.push_back(ranked[k].trial);
  }
  return population;
}

std::uint64_t Nsga2Sampler::fingerprint(const hpo::StudyView& study,
                                        std::int64_t generation) const {
  const std::int64_t limit = generation * options_.population_size;
  std::uint64_t h = splitmix64(static_cast<std::uint64_t>(generation));
  for (const auto& t : study.trials) {
    if (t.number >= limit || t.state != hpo::TrialState::kComplete) continue;
    std::uint64_t x = splitmix64(static_cast<std::uint64_t>(t.number) * 31 +
                                 static_cast<std::uint64_t>(t.attempt));
    for (double v : t.values) {
      std::uint64_t bits;
      std::memcpy(&bits, &v, sizeof bits);
      x = splitmix64(x ^ bits);
    }
    for (const auto& c : options_.constraints) {
      auto it = t.metrics.find(c);
      double v = it == t.metrics.end() ? -7.0e300 : it->second;
      std::uint64_t bits;
      std::memcpy(&bits, &v, sizeof bits);
      x = splitmix64(x ^ bits);
    }
    h += x;  // order-independent
  }
  return h;
}

hpo::Params Nsga2Sampler::suggest(const hpo::StudyView& study, std::int64_t trial_number) {
  const std::int64_t n = std::max<std::int64_t>(trial_number, 0);
  const std::int64_t generation = n / options_.population_size;
  if (generation == 0) return random_proposal(study, options_.seed, n);
  const std::uint64_t fp = fingerprint(study, generation);
  if (cache_.generation != generation || cache_.fingerprint != fp) {
    const auto pop = parents(study, generation);
    const auto ranked_pool = rank_pool(study, pop, options_.constraints);
    cache_ = ParentCache{generation, fp, {}, {}, {}, {}};
    for (const auto& m : ranked_pool) {
      cache_.numbers.push_back(study.trials[m.trial].number);
      cache_.index.push_back(m.trial);
      cache_.rank.push_back(m.rank);
      cache_.crowding.push_back(m.crowding);
    }
  }
  if (cache_.numbers.empty()) return random_proposal(study, options_.seed, n);
  // Map the cached parents to records of this view: the same positions when the view only
  // grew (the usual case), else a lookup by number (the complete attempt).
  bool same_positions = true;
  for (std::size_t k = 0; k < cache_.numbers.size() && same_positions; ++k) {
    const auto i = cache_.index[k];
    same_positions = i < study.trials.size() && study.trials[i].number == cache_.numbers[k] &&
                     study.trials[i].state == hpo::TrialState::kComplete;
  }
  if (!same_positions) {
    std::unordered_map<std::int64_t, std::size_t> index;
    const std::int64_t limit = generation * options_.population_size;
    for (std::size_t i = 0; i < study.trials.size(); ++i) {
      const auto& t = study.trials[i];
      if (t.number < limit && t.state == hpo::TrialState::kComplete) index[t.number] = i;
    }
    for (std::size_t k = 0; k < cache_.numbers.size(); ++k)
      cache_.index[k] = index.at(cache_.numbers[k]);
  }
  std::vector<Member> ranked;
  ranked.reserve(cache_.numbers.size());
  for (std::size_t k = 0; k < cache_.numbers.size(); ++k)
    ranked.push_back({cache_.index[k], cache_.rank[k], cache_.crowding[k]});

  const auto& space = study.space;
  const double d = static_cast<double>(std::max<std::size_t>(space.searchable_count(), 1));
  const double p_mut = options_.mutation_prob < 0.0 ? 1.0 / d : options_.mutation_prob;

  for (std::uint64_t salt = 0; salt < 32; ++salt) {
    auto rng = trial_rng(options_.seed, n, salt);
    const auto tournament = [&]() -> const hpo::Trial& {
      const auto a = static_cast<std::size_t>(rng() % ranked.size());
      const auto b = static_cast<std::size_t>(rng() % ranked.size());
      const auto& ma = ranked[a];
      const auto& mb = ranked[b];
      const bool a_wins = ma.rank != mb.rank ? ma.rank < mb.rank
                          : ma.crowding != mb.crowding ? ma.crowding > mb.crowding
                                                       : a <= b;
      return study.trials[a_wins ? ma.trial : mb.trial];
    };
    const hpo::Trial& p1 = tournament();
    const hpo::Trial& p2 = tournament();
    const bool cross = uniform01(rng) < options_.crossover_prob;

    hpo::Params child;
    for (const auto& p : space.params) {
      // Draw every random number whether or not the parameter is active, so one parameter's
      // activity does not shift the stream of the others.
      const double r_swap = uniform01(rng), r_mut = uniform01(rng), r_new = uniform01(rng);
      const double r_sbx = uniform01(rng), r_pick = uniform01(rng), r_pm = uniform01(rng);
      if (p.kind == hpo::ParamKind::kFixed || !space.is_active(p, child)) continue;
      auto i1 = p1.params.find(p.name);
      auto i2 = p2.params.find(p.name);
      const bool has1 = i1 != p1.params.end() && p.contains(i1->second);
      const bool has2 = i2 != p2.params.end() && p.contains(i2->second);
      if (!has1 && !has2) {
        child[p.name] = p.from_unit(r_new);
        continue;
      }
      if (p.kind == hpo::ParamKind::kCategorical) {
        hpo::ParamValue v = (!has2 || (has1 && !(cross && r_swap < options_.swapping_prob)))
                                ? i1->second : i2->second;
        if (r_mut < p_mut) v = p.from_unit(r_new);
        child[p.name] = v;
        continue;
      }
      double u1 = has1 ? p.to_unit(i1->second) : p.to_unit(i2->second);
      double u2 = has2 ? p.to_unit(i2->second) : u1;
      double u = u1;
      if (cross && r_swap < options_.swapping_prob) u = sbx_child(u1, u2, options_.eta_c, r_sbx, r_pick);
      if (r_mut < p_mut) u = polynomial_mutation(u, options_.eta_m, r_pm);
      child[p.name] = p.from_unit(u);
    }
    if (!detail::duplicates_running(study, child)) return child;
  }
  return random_proposal(study, options_.seed, n);
}

std::unique_ptr<hpo::Sampler> Nsga2Sampler::create(const hpo::ComponentSpec& spec) {
  hpo::OptionsReader r(spec.options, spec.key);
  Options o;
  o.seed = static_cast<std::uint64_t>(r.integer("seed", 0));
  o.population_size = static_cast<int>(r.integer("population_size", o.population_size));
  o.crossover_prob = r.number("crossover_prob", o.crossover_prob);
  o.eta_c = r.number("eta_c", o.eta_c);
  o.eta_m = r.number("eta_m", o.eta_m);
  o.mutation_prob = r.number("mutation_prob", o.mutation_prob);
  o.swapping_prob = r.number("swapping_prob", o.swapping_prob);
  o.constraints = r.strings("constraints", o.constraints);
  r.finish();
  if (auto e = o.validate(); !e.empty()) {
    const auto colon = e.find(':');
    throw hpo::ConfigError(r.key(e.substr(0, colon)), e);
  }
  return std::make_unique<Nsga2Sampler>(o);
}

}  // namespace samplers
