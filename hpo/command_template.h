// The trial command: an argv template with {name} placeholders. A single string is split
// like a POSIX shell splits words (quotes and backslashes), but is never run through a shell
// unless the study says `shell: true`. `{{` and `}}` are literal braces.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "hpo/param_value.h"

namespace hpo {

// Splits "python3 train.py --name 'a b'" into words; throws std::invalid_argument on an
// unterminated quote.
std::vector<std::string> split_command_line(const std::string& text);

// The placeholder names used in `argv`; throws std::invalid_argument on a malformed one.
std::set<std::string> placeholders(const std::vector<std::string>& argv);

// Replaces each {name} with format_param(params[name]). A placeholder whose parameter is
// inactive (conditional) is replaced by "" and, when it is a whole word preceded by a
// "--flag" word, both words are dropped.
std::vector<std::string> substitute(const std::vector<std::string>& argv, const Params& params);

}  // namespace hpo
