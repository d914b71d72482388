// Grid search: every combination of the parameters' grid values, visited in a seeded shuffled
// order (trial n takes grid point n of the shuffle, so any prefix of the study is spread over
// the grid rather than sweeping one corner). Grid values: a categorical's choices; an int or
// a stepped float's values when there are at most `n_points` of them; otherwise `n_points`
// values evenly spaced in the unit encoding (on the log scale when `log: true`, ends
// included). Conditional parameters only multiply the branches where they are active.
// When every point has been handed out, exhausted() is true and the study stops.
//
//   sampler: {type: grid, n_points: 5, seed: 7}
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "hpo/core/component_spec.h"
#include "hpo/core/sampler.h"

namespace samplers {

class GridSampler final : public hpo::Sampler {
 public:
  struct Options {
    std::uint64_t seed = 0;       // shuffles the visiting order
    int n_points = 10;            // values per continuous (or too fine) numeric parameter
    bool shuffle = true;          // false: lexicographic order (last parameter fastest)
    std::int64_t max_points = 10'000'000;  // refuse grids larger than this
    std::string validate() const;
  };

  explicit GridSampler(Options options) : options_(options) {}
  hpo::Params suggest(const hpo::StudyView& study, std::int64_t trial_number) override;
  std::string_view name() const override { return "grid"; }
  // True once trial numbers have reached the number of grid points.
  bool exhausted(const hpo::StudyView& study) const override;

  // Number of grid points of `space` (builds the grid).
  std::size_t grid_size(const hpo::SearchSpace& space) const;
  // Grid values of one parameter under these options.
  std::vector<hpo::ParamValue> values_of(const hpo::ParamSpec& p) const;

  static std::unique_ptr<hpo::Sampler> create(const hpo::ComponentSpec& spec);

 private:
  void build(const hpo::SearchSpace& space) const;
  std::string signature(const hpo::SearchSpace& space) const;

  Options options_;
  // Cache of the grid for one space (a pure function of the options and the space).
  mutable std::string built_for_;            // signature of the space the grid was built for
  mutable std::vector<hpo::Params> points_;  // in visiting order
};

}  // namespace samplers
