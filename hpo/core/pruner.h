// Pruner: decides, at each intermediate report of a running trial, whether to stop it.
// Called by the study loop on the coordinator thread after each report; `trial` holds the
// reports so far (each with the energy used by then). A pruned trial is stopped through the
// trial protocol (SIGTERM, then SIGKILL), keeps its reports and is charged its energy.
#pragma once

#include <string>

#include "hpo/core/study_view.h"

namespace hpo {

struct PruneVerdict {
  bool prune = false;
  std::string reason;  // e.g. "median: 0.71 < median 0.80 at step 3"
};

class Pruner {
 public:
  virtual ~Pruner() = default;
  Pruner() = default;
  Pruner(const Pruner&) = delete;
  Pruner& operator=(const Pruner&) = delete;

  virtual PruneVerdict should_prune(const StudyView& study, const Trial& trial) = 0;
};

}  // namespace hpo
