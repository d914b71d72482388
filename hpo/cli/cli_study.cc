// Placeholder until the study commands land: registers nothing.
#include "hpo/cli/commands.h"

namespace cli {
void add_study_commands(std::vector<Command>&) {}
}  // namespace cli
