// A parameter value keeps its type end to end: bool, integer, float or string. Floats are
// written with round-trip precision (17 significant digits, or shortest exact form), so a
// value read back from a study file or a command line is bit-identical.
#pragma once

#include <cstdint>
#include <string>
#include <variant>

#include <boost/container/flat_map.hpp>

#include <nlohmann/json_fwd.hpp>

namespace hpo {

using ParamValue = std::variant<bool, std::int64_t, double, std::string>;

// Parameter name -> value for one trial. Ordered by name, so JSON and CSV output is stable.
// A sorted vector (one allocation per trial instead of one node per parameter) with
// std::map's interface; inserting or erasing invalidates iterators and references into it.
using Params = boost::container::flat_map<std::string, ParamValue>;

// Text for command-line substitution: "0.001", "64", "relu", "true". Doubles round-trip.
std::string format_param(const ParamValue& value);
// Shortest decimal text that parses back to exactly `x` ("0.1", "1e-05", "3").
std::string format_double(double x);

nlohmann::json param_to_json(const ParamValue& value);
// Throws std::invalid_argument for JSON that is not a bool/number/string.
ParamValue param_from_json(const nlohmann::json& j);
nlohmann::json params_to_json(const Params& params);
Params params_from_json(const nlohmann::json& j);

// Numeric view: bool -> 0/1, int -> double, double as is; strings throw.
double param_as_double(const ParamValue& value);
bool params_equal(const ParamValue& a, const ParamValue& b);

}  // namespace hpo
