// What samplers, pruners and stop rules see of a study: the space, the objectives and the
// trials so far (finished and running, in number order). A read-only view; the study loop
// owns the data. Views are only valid for the duration of the call that receives them.
#pragma once

#include <span>

#include "hpo/core/objective.h"
#include "hpo/core/search_space.h"
#include "hpo/core/trial.h"

namespace hpo {

struct StudyView {
  const SearchSpace& space;
  std::span<const Objective> objectives;
  std::span<const Trial> trials;  // every attempt record; running trials have state kRunning
};

}  // namespace hpo
