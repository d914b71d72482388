// Placeholder until the meter commands land: registers nothing.
#include "hpo/cli/commands.h"

namespace cli {
void add_meter_commands(std::vector<Command>&) {}
}  // namespace cli
