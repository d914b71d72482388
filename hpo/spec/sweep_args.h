// `ecohpo sweep` flags -> StudySpec, the same engine as a YAML study:
//   ecohpo sweep -p lr=float:1e-4:0.1:log -p width=int:16:512:log -p act=choice:relu,tanh
//     --maximize accuracy --minimize energy_kwh --sampler random --trials 20 --parallel 2
//     --storage runs/s.h5 -- /usr/bin/python3 train.py --lr {lr} --width {width}
// Parameter forms: NAME=float:LOW:HIGH[:log][:step=S], NAME=int:LOW:HIGH[:log][:step=S],
// NAME=choice:A,B,C (values typed like YAML scalars), NAME=fixed:VALUE; any of them may end
// with :when=PARENT=V1,V2 (a conditional parameter). Every flag is listed in sweep_usage().
#pragma once

#include <set>
#include <string>
#include <vector>

#include "hpo/core/study_spec.h"

namespace hpo {

// Throws ConfigError naming the flag (key "--param lr", "--trials") on bad input.
// `args` are the words after "sweep". Locations are {"<command line>", 0, word index}, the
// index 1-based among `args`; keys are the YAML paths ("/space/lr", "/budget/trials"), so
// validate_study() errors point at the flag that set the key. Flags the CLI handles itself
// (sweep_passthrough_flags()) are accepted and ignored here, and left out of source_text,
// which is "ecohpo sweep " + the other words (shell-quoted), so a resumed sweep matches.
// The result is not validated: call validate_study() next.
StudySpec parse_sweep_args(const std::vector<std::string>& args);
// Parses one -p value; throws ConfigError.
ParamSpec parse_param_flag(const std::string& text);
// The usage text for `ecohpo sweep --help`, with examples.
std::string sweep_usage();
// --resume, --quiet, -q, --dry-run, --help, -h.
const std::set<std::string>& sweep_passthrough_flags();

}  // namespace hpo
