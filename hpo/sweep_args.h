// `ecohpo sweep` flags -> StudySpec, the same engine as a YAML study:
//   ecohpo sweep -p lr=float:1e-4:0.1:log -p width=int:16:512:log -p act=choice:relu,tanh
//     --maximize accuracy --minimize energy_kwh --sampler random --trials 20 --parallel 2
//     --storage runs/s.h5 -- /usr/bin/python3 train.py --lr {lr} --width {width}
// Parameter forms: NAME=float:LOW:HIGH[:log][:step=S], NAME=int:LOW:HIGH[:log][:step=S],
// NAME=choice:A,B,C (values typed like YAML scalars), NAME=fixed:VALUE.
#pragma once

#include <string>
#include <vector>

#include "hpo/study_spec.h"

namespace hpo {

// Throws ConfigError naming the flag (key "--param lr", "--trials") on bad input.
// `args` are the words after "sweep". Locations are {"<command line>", 0, word index}.
StudySpec parse_sweep_args(const std::vector<std::string>& args);
// Parses one -p value; throws ConfigError.
ParamSpec parse_param_flag(const std::string& text);
// The usage text for `ecohpo sweep --help`, with examples.
std::string sweep_usage();

}  // namespace hpo
