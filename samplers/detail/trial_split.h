// Splitting a study's trials into a good and a bad group for TPE-style density models.
// Single objective: the best complete trials by value. Several objectives (MOTPE, Ozaki et
// al., 2020): fronts in non-domination rank order; the front that overflows the good group is
// cut by each member's exclusive hypervolume contribution (objectives normalized to [0, 1]
// over the complete trials, reference point 1.1 in every objective).
// Failed and pruned trials are bad; running trials are bad when `running_as_bad` (constant
// liar); interrupted trials are left out. Ties are broken by trial number, so the split does
// not depend on the order trials finished in.
#pragma once

#include <cstddef>
#include <vector>

#include "hpo/core/study_view.h"

namespace samplers::detail {

struct TrialSplit {
  std::vector<std::size_t> good;  // indices into study.trials, in trial-number order
  std::vector<std::size_t> bad;   // indices into study.trials, in trial-number order
  std::size_t n_complete = 0;
};

// n_good = clamp(ceil(gamma * n_complete), 1, max_good) (0 when nothing is complete).
TrialSplit split_trials(const hpo::StudyView& study, double gamma, int max_good,
                        bool running_as_bad);

// Optuna-style age weights for a group of n trials in number order: the newest 25 weigh 1,
// older ones ramp linearly from 1/n up to 1.
std::vector<double> age_weights(std::size_t n);

}  // namespace samplers::detail
