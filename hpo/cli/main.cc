// ecohpo: the command-line front end. Subcommands live in their own files (cli_*.cc); this
// file only dispatches.
#include <iostream>
#include <string>
#include <vector>

#include "hpo/cli/commands.h"

namespace {

void print_usage(const std::vector<cli::Command>& commands, std::ostream& os) {
  os << "ecohpo " ECOHPO_VERSION " - energy-aware hyperparameter optimization\n\n"
     << "usage: ecohpo <command> [options]   (ecohpo <command> --help for details)\n\n"
     << "commands:\n";
  for (const auto& c : commands) {
    os << "  " << c.name << std::string(c.name.size() < 14 ? 14 - c.name.size() : 1, ' ')
       << c.summary << "\n";
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<cli::Command> commands;
  // One line per command file:
  cli::add_study_commands(commands);
  cli::add_meter_commands(commands);
  cli::add_compare_commands(commands);
  cli::add_slurm_commands(commands);

  if (argc < 2) {
    print_usage(commands, std::cerr);
    return 2;
  }
  const std::string name = argv[1];
  if (name == "--help" || name == "-h" || name == "help") {
    print_usage(commands, std::cout);
    return 0;
  }
  if (name == "--version") {
    std::cout << "ecohpo " ECOHPO_VERSION "\n";
    return 0;
  }
  for (const auto& c : commands) {
    if (c.name == name) return c.run(std::vector<std::string>(argv + 2, argv + argc));
  }
  std::cerr << "ecohpo: unknown command '" << name << "'; see ecohpo --help\n";
  return 2;
}
