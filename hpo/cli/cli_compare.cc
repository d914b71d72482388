// Placeholder until the compare commands land: registers nothing.
#include "hpo/cli/commands.h"

namespace cli {
void add_compare_commands(std::vector<Command>&) {}
}  // namespace cli
