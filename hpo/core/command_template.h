// The trial command: an argv template with {name} placeholders. A single string is split
// like a POSIX shell splits words (quotes and backslashes), but is never run through a shell
// unless the study says `shell: true`. `{{` and `}}` are literal braces.
//
//   auto argv = split_command_line("python3 train.py --lr {lr} --opt '{opt}'");
//   placeholders(argv)                     -> {"lr", "opt"}
//   substitute(argv, {{"lr", 0.001}, ...}) -> {"python3", "train.py", "--lr", "0.001", ...}
#pragma once

#include <set>
#include <string>
#include <vector>

#include "hpo/core/param_value.h"

namespace hpo {

// Splits "python3 train.py --name 'a b'" into words; throws std::invalid_argument on an
// unterminated quote or a trailing backslash. Rules (POSIX sh word splitting, no
// expansions): blanks separate words; '...' is literal; inside "..." a backslash escapes
// only $ ` " \ and newline; outside quotes a backslash escapes any character and
// backslash-newline joins lines; '' and "" give an empty word.
std::vector<std::string> split_command_line(const std::string& text);

// The placeholder names used in `argv`; throws std::invalid_argument on a malformed one
// (an unclosed '{', an empty '{}', a name that is not [A-Za-z_][A-Za-z0-9_.-]*, or a lone
// '}'), with a message that names the word.
std::set<std::string> placeholders(const std::vector<std::string>& argv);

// Replaces each {name} with format_param(params[name]). A placeholder whose parameter is
// inactive (conditional) is replaced by "" and, when it is a whole word preceded by a
// "--flag" word, both words are dropped. A word "--flag={name}" (one placeholder at the end
// after '=') whose parameter is inactive is dropped too.
std::vector<std::string> substitute(const std::vector<std::string>& argv, const Params& params);

// For `shell: true` commands: substitutes into the one command string, quoting each value
// with shell_quote() so that a value cannot split into several words.
std::string substitute_shell(const std::string& command, const Params& params);

// 'it'\''s' style single-quoting; words made only of safe characters are left as they are.
std::string shell_quote(const std::string& word);

}  // namespace hpo
