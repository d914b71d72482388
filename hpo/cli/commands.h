// The subcommands of the ecohpo binary. Each cli_*.cc file adds its commands with one
// add_*_commands() function; main.cc only dispatches. A command gets the words after its
// name and returns the process exit status. Commands print to the terminal; nothing below
// the CLI does.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace cli {

struct Command {
  std::string name;
  std::string summary;  // one line for `ecohpo --help`
  std::function<int(const std::vector<std::string>& args)> run;
};

void add_study_commands(std::vector<Command>& out);   // run, sweep, show, export
void add_meter_commands(std::vector<Command>& out);   // meter, meters
void add_compare_commands(std::vector<Command>& out); // compare
void add_slurm_commands(std::vector<Command>& out);   // slurm-wrapper (on compute nodes)

}  // namespace cli
