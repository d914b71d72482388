// NSGA-II (Deb, Pratap, Agarwal & Meyarivan, 2002, "A fast and elitist multiobjective genetic
// algorithm: NSGA-II") in ask/tell form. Generation g is the trials numbered
// [g * population_size, (g + 1) * population_size); generation 0 is random. The parents of
// generation g are the elitist population: the best population_size of (parents of g - 1 ∪
// the complete trials of generation g - 1), by non-domination rank, then crowding distance.
// Each trial of generation g is one child of two parents picked by binary tournament (rank,
// then crowding distance): SBX crossover (eta_c, crossover_prob) and polynomial mutation
// (eta_m, mutation_prob, default 1/d) in the unit encoding; categorical parameters take
// either parent's choice (uniform crossover) and mutate by a random reset.
// Constraints (`constraints: [metric, ...]`, a metric <= 0 is satisfied): Deb's constrained
// domination: feasible trials beat infeasible ones, infeasible ones are ordered by total
// violation (a missing constraint metric counts as infeasible).
// A proposal depends only on the seed, the trial number and the complete trials of earlier
// generations, so it does not depend on the order trials finish in.
//
//   sampler: {type: nsga2, seed: 7, population_size: 50}
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "hpo/core/component_spec.h"
#include "hpo/core/sampler.h"

namespace samplers {

class Nsga2Sampler final : public hpo::Sampler {
 public:
  struct Options {
    std::uint64_t seed = 0;
    int population_size = 50;     // trials per generation (>= 2)
    double crossover_prob = 0.9;  // probability that a child is a crossover of two parents
    double eta_c = 20.0;          // SBX distribution index: larger keeps children nearer parents
    double eta_m = 20.0;          // polynomial mutation distribution index
    double mutation_prob = -1.0;  // per parameter; < 0 means 1 / (number of parameters)
    double swapping_prob = 0.5;   // per parameter, in a crossover: recombine it (SBX for
                                  // numbers, the second parent's choice for categoricals)
    std::vector<std::string> constraints;  // metrics that must be <= 0
    std::string validate() const;  // "" or "field: rule"
  };

  explicit Nsga2Sampler(Options options) : options_(std::move(options)) {}
  hpo::Params suggest(const hpo::StudyView& study, std::int64_t trial_number) override;
  std::string_view name() const override { return "nsga2"; }

  // Indices into study.trials of the parent population of generation `generation` (>= 1).
  std::vector<std::size_t> parents(const hpo::StudyView& study, std::int64_t generation) const;

  static std::unique_ptr<hpo::Sampler> create(const hpo::ComponentSpec& spec);

 private:
  // The parents of the last generation asked for, keyed by a hash of the complete trials of
  // earlier generations (a pure cache: a changed history recomputes). Every ask of one
  // generation reuses it, so an ask costs one pass over the trials.
  struct ParentCache {
    std::int64_t generation = -1;
    std::uint64_t fingerprint = 0;
    std::vector<std::int64_t> numbers;  // ranked parent trial numbers, best first
    std::vector<std::size_t> index;     // their positions in the view last seen
    std::vector<int> rank;
    std::vector<double> crowding;
  };
  std::uint64_t fingerprint(const hpo::StudyView& study, std::int64_t generation) const;

  Options options_;
  ParentCache cache_;
};

}  // namespace samplers
