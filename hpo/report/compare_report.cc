// Writes the files of `ecohpo compare -o DIR`: the two plots and the summaries (compare.h).
#include <fstream>
#include <stdexcept>

#include "hpo/report/compare.h"
#include "hpo/report/svg_plot.h"

namespace hpo {
namespace {

void write_text(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.flush();
  if (!out) throw std::runtime_error(path.string() + ": cannot write");
}

std::vector<SvgSeries> curve_series(const CompareReport& r, bool hv) {
  std::vector<SvgSeries> out;
  for (const auto& g : r.groups) {
    const GroupCurve& c = hv ? g.hv_curve : g.best_curve;
    SvgSeries s;
    s.label = g.group + " (n=" + std::to_string(g.studies) + ")";
    s.x = c.kwh;
    s.y = c.median;
    s.lo = c.q25;
    s.hi = c.q75;
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace

void write_compare_report(const CompareReport& r, const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw std::runtime_error(dir.string() + ": cannot create directory: " + ec.message());

  SvgPlotOptions hv;
  hv.title = "Hypervolume vs cumulative energy (median, band: quartiles over seeds)";
  hv.x_label = "cumulative energy, trials + optimizer [kWh]";
  hv.y_label = "hypervolume (normalized)";
  if (r.target_hv > 0.0 && r.target_text.rfind("hypervolume", 0) == 0) {
    hv.hlines.push_back({"target", r.target_hv});
  }
  write_text(dir / "hv_vs_kwh.svg", render_line_plot(curve_series(r, true), hv));

  SvgPlotOptions best;
  best.title = "Best " + r.best_metric + " vs cumulative energy (median, band: quartiles)";
  best.x_label = hv.x_label;
  best.y_label = "best " + r.best_metric + " so far";
  if (r.target_value) best.hlines.push_back({"target", *r.target_value});
  write_text(dir / "best_vs_kwh.svg", render_line_plot(curve_series(r, false), best));

  write_text(dir / "summary.csv", summary_csv(r));
  write_text(dir / "studies.csv", studies_csv(r));
  write_text(dir / "summary.md", summary_markdown(r));
}

}  // namespace hpo
