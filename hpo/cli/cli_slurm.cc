// Placeholder until the slurm commands land: registers nothing.
#include "hpo/cli/commands.h"

namespace cli {
void add_slurm_commands(std::vector<Command>&) {}
}  // namespace cli
