// A small SVG line-plot writer for reports (`ecohpo compare`): axes with "nice" ticks
// (Heckbert, 1990, "Nice numbers for graph labels", Graphics Gems), a legend, one line per
// series with an optional shaded band (e.g. the interquartile range over seeds), and optional
// dashed horizontal reference lines. No dependency: the output is a self-contained SVG 1.1
// document any browser or Markdown viewer shows.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace hpo {

struct SvgSeries {
  std::string label;
  std::vector<double> x, y;
  // Band around the line (same length as x) or both empty for none. Non-finite values in y
  // break the line; in lo/hi they end the band segment.
  std::vector<double> lo, hi;
};

struct SvgPlotOptions {
  std::string title;
  std::string x_label;
  std::string y_label;
  int width_px = 760;
  int height_px = 460;
  int max_ticks = 6;
  // Dashed horizontal lines with a label, e.g. {"target", 0.95}.
  std::vector<std::pair<std::string, double>> hlines;

  // Throws std::invalid_argument naming the field.
  void validate() const;
};

// Up to about `max_ticks` round tick values (1, 2, 5 x 10^k steps) covering [lo, hi].
std::vector<double> nice_ticks(double lo, double hi, int max_ticks);
// Tick label: shortest of fixed or scientific notation that shows the step's precision.
std::string format_tick(double value, double step);
// XML text escaping (&, <, >, ", ').
std::string xml_escape(const std::string& text);

// The SVG document. Throws std::invalid_argument for mismatched series lengths.
std::string render_line_plot(const std::vector<SvgSeries>& series, const SvgPlotOptions& options);

}  // namespace hpo
