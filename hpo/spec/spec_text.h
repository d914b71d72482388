// Small text helpers shared by the study loaders (YAML file and `ecohpo sweep` flags):
// typing a scalar the way YAML 1.2's core schema does (so `-p act=choice:1,2.5,true,x` and
// `choices: [1, 2.5, true, x]` give the same typed values), and "did you mean" suggestions
// for misspelt keys (Damerau-Levenshtein distance, as in most compilers' suggestions).
//
//   typed_scalar("1e-4")  -> 0.0001 (float)      typed_scalar("64")   -> 64 (int)
//   typed_scalar("true")  -> true                typed_scalar("relu") -> "relu"
//   did_you_mean("trails", {"trials", "energy_kwh"}) -> "trials"
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace hpo {

// Types an unquoted scalar with the YAML 1.2 core schema: null (~, null, empty), booleans
// (true/false in three casings), integers (decimal, 0x hex, 0o octal; int64 range, larger
// ones become floats), floats (1.5, 1e-4, .5, .inf, .nan), otherwise a string.
nlohmann::json typed_scalar(std::string_view text);

// Like typed_scalar, but text wrapped in matching single or double quotes is a string
// without its quotes (for values typed on the command line: "'1'" -> "1").
nlohmann::json typed_word(std::string_view text);

// The closest candidate within a small edit distance, or "" when none is close.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

// "a, b, c".
std::string join_names(const std::vector<std::string>& names);

// What a JSON value is, for error messages: "a string (\"x\")", "a list", "a number (3)".
std::string describe_json(const nlohmann::json& j);

}  // namespace hpo
