// Report lines of the trial protocol (docs/trial-protocol.md): a trial reports by printing one
// line of JSON on stdout. A line whose first non-blank character is '{' or '[' is meant as a
// report; anything else is ordinary output and goes to the trial's log, never mistaken for a
// report. A report is a JSON object whose values are finite numbers (bool/null are refused),
// except `step`, which must be an integer and marks an intermediate report (for pruners).
//
//   ParsedLine p = parse_report_line(R"({"step": 3, "accuracy": 0.91})");
//   // p.kind == kReport, p.step == 3, p.metrics == {accuracy: 0.91}
//   parse_report_line("epoch 3 done").kind == kNotReport
//   parse_report_line(R"({"accuracy": NaN})").kind == kBadReport  (p.reason says why)
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace hpo {

struct ParsedLine {
  enum class Kind {
    kNotReport,  // ordinary output (log)
    kReport,     // a valid report
    kBadReport,  // meant as a report but unusable; `reason` says why
  };
  Kind kind = Kind::kNotReport;
  std::optional<std::int64_t> step;       // set for intermediate reports
  std::map<std::string, double> metrics;  // every field except `step`
  nlohmann::json object;                  // the parsed object (kReport)
  std::string reason;                     // kBadReport: what is wrong, naming the field
};

ParsedLine parse_report_line(std::string_view line);

// Metrics of an already parsed JSON report (the same rules as parse_report_line).
ParsedLine parse_report_object(const nlohmann::json& object);

}  // namespace hpo
