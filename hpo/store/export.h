// Export of a study as one row per trial record (issue 2 "Study file, resume, export", and
// the energy columns of issue 3), to CSV (RFC 4180 quoting) or JSON (an array of row
// objects with the same columns). Columns, in order:
//   number, attempt, state, params.<name>..., values.<objective>..., metrics.<name>...
//   (reported metrics that are not objectives), duration_s, cpu_s, sampler_s, energy_kwh,
//   co2e_kg, pareto (1 on the final front of complete trials, else 0), energy_cpu_kwh,
//   energy_dram_kwh, energy_gpu_kwh, sampler_kwh, energy_source, intensity_g_per_kwh,
//   intensity_source, pue, reason.
// Numbers are written with round-trip precision; a missing value is an empty CSV cell or
// JSON null. pandas.read_csv reads the CSV as is.
//
//   auto store = hpo::open_study_file_read_only("runs/s.h5");
//   hpo::export_csv(*store, std::cout);
#pragma once

#include <cstdint>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "hpo/store/study_file.h"

namespace hpo {

// One cell: missing, integer, real, boolean or text.
using ExportCell = std::variant<std::monostate, std::int64_t, double, bool, std::string>;

// The rows of an export, produced one at a time (a 100,000-trial study is not copied).
class ExportRows {
 public:
  ExportRows(const StudyInfo& info, std::span<const Trial> trials);
  const std::vector<std::string>& columns() const { return columns_; }
  std::size_t size() const { return trials_.size(); }
  std::vector<ExportCell> row(std::size_t i) const;

 private:
  std::span<const Trial> trials_;
  std::vector<Objective> objectives_;
  std::vector<std::string> params_;
  std::vector<std::string> metrics_;
  std::vector<char> on_front_;
  std::vector<std::string> columns_;
};

void export_csv(const StudyStore& store, std::ostream& out);
void export_json(const StudyStore& store, std::ostream& out);
void export_csv(const ExportRows& rows, std::ostream& out);
void export_json(const ExportRows& rows, std::ostream& out);

// RFC 4180: the text as is, or in double quotes (inner quotes doubled) when it holds a
// comma, a double quote, CR or LF.
std::string csv_field(std::string_view text);
// A cell as CSV text: "" when missing, round-trip decimal for reals, true/false for booleans.
std::string csv_cell(const ExportCell& cell);

}  // namespace hpo
