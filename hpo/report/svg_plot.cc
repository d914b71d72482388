#include "hpo/report/svg_plot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iomanip>
#include <limits>
#include <sstream>
#include <stdexcept>

namespace hpo {
namespace {

// Heckbert's nice number: 1, 2, 5 or 10 times a power of ten, rounded or ceiled.
double nice_number(double x, bool round) {
  const double exponent = std::floor(std::log10(x));
  const double fraction = x / std::pow(10.0, exponent);
  double nice = 10.0;
  if (round) {
    if (fraction < 1.5) nice = 1.0;
    else if (fraction < 3.0) nice = 2.0;
    else if (fraction < 7.0) nice = 5.0;
  } else {
    if (fraction <= 1.0) nice = 1.0;
    else if (fraction <= 2.0) nice = 2.0;
    else if (fraction <= 5.0) nice = 5.0;
  }
  return nice * std::pow(10.0, exponent);
}

std::string px(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

const char* kPalette[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
                          "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"};
constexpr int kPaletteSize = sizeof kPalette / sizeof kPalette[0];

struct Range {
  double lo = std::numeric_limits<double>::infinity();
  double hi = -std::numeric_limits<double>::infinity();
  void add(double v) {
    if (!std::isfinite(v)) return;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  bool empty() const { return lo > hi; }
};

}  // namespace

void SvgPlotOptions::validate() const {
  if (width_px < 200) throw std::invalid_argument("width_px: must be at least 200");
  if (height_px < 150) throw std::invalid_argument("height_px: must be at least 150");
  if (max_ticks < 2) throw std::invalid_argument("max_ticks: must be at least 2");
}

std::vector<double> nice_ticks(double lo, double hi, int max_ticks) {
  if (!std::isfinite(lo) || !std::isfinite(hi)) return {};
  if (hi < lo) std::swap(lo, hi);
  if (hi == lo) {
    const double pad = lo == 0.0 ? 1.0 : std::abs(lo) * 0.5;
    lo -= pad;
    hi += pad;
  }
  max_ticks = std::max(max_ticks, 2);
  const double range = nice_number(hi - lo, false);
  const double step = nice_number(range / (max_ticks - 1), true);
  const double first = std::floor(lo / step + 1e-9) * step;
  const double last = std::ceil(hi / step - 1e-9) * step;
  std::vector<double> ticks;
  const auto count = static_cast<long>(std::llround((last - first) / step));
  for (long k = 0; k <= count; ++k) {
    double t = first + static_cast<double>(k) * step;
    if (std::abs(t) < step * 1e-9) t = 0.0;  // no "-0" or 1e-17 at the origin
    ticks.push_back(t);
  }
  return ticks;
}

std::string format_tick(double value, double step) {
  if (value == 0.0) return "0";
  step = std::abs(step);
  const int step_exp = step > 0.0 ? static_cast<int>(std::floor(std::log10(step) + 1e-9)) : 0;
  const int decimals = std::max(0, -step_exp);
  std::ostringstream os;
  if (decimals <= 4 && std::abs(value) < 1e6) {
    os << std::fixed << std::setprecision(decimals) << value;
  } else {
    const int value_exp = static_cast<int>(std::floor(std::log10(std::abs(value)) + 1e-9));
    os << std::scientific << std::setprecision(std::max(0, value_exp - step_exp)) << value;
  }
  return os.str();
}

std::string xml_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string render_line_plot(const std::vector<SvgSeries>& series, const SvgPlotOptions& options) {
  options.validate();
  Range xr, yr;
  for (const auto& s : series) {
    if (s.y.size() != s.x.size()) {
      throw std::invalid_argument("series '" + s.label + "': x and y differ in length");
    }
    const bool band = !s.lo.empty() || !s.hi.empty();
    if (band && (s.lo.size() != s.x.size() || s.hi.size() != s.x.size())) {
      throw std::invalid_argument("series '" + s.label + "': band lo/hi must match x in length");
    }
    for (std::size_t i = 0; i < s.x.size(); ++i) {
      if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i])) continue;
      xr.add(s.x[i]);
      yr.add(s.y[i]);
      if (band) {
        yr.add(s.lo[i]);
        yr.add(s.hi[i]);
      }
    }
  }
  for (const auto& [label, v] : options.hlines) yr.add(v);
  if (xr.empty()) xr = Range{0.0, 1.0};
  if (yr.empty()) yr = Range{0.0, 1.0};
  const std::vector<double> xt = nice_ticks(xr.lo, xr.hi, options.max_ticks);
  const std::vector<double> yt = nice_ticks(yr.lo, yr.hi, options.max_ticks);
  const double x0 = xt.front(), x1 = xt.back(), y0 = yt.front(), y1 = yt.back();
  const double xstep = xt.size() > 1 ? xt[1] - xt[0] : 1.0;
  const double ystep = yt.size() > 1 ? yt[1] - yt[0] : 1.0;

  const double left = 78, right = 200, top = options.title.empty() ? 20 : 42, bottom = 58;
  const double W = options.width_px, H = options.height_px;
  const double pw = W - left - right, ph = H - top - bottom;
  auto sx = [&](double x) { return left + (x - x0) / (x1 - x0) * pw; };
  auto sy = [&](double y) { return top + ph - (y - y0) / (y1 - y0) * ph; };

  std::ostringstream os;
  os << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << options.width_px << "\" height=\""
     << options.height_px << "\" viewBox=\"0 0 " << options.width_px << ' ' << options.height_px
     << "\" font-family=\"sans-serif\" font-size=\"12\">\n";
  os << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  if (!options.title.empty()) {
    os << "<text x=\"" << px(left + pw / 2) << "\" y=\"24\" text-anchor=\"middle\" font-size=\"15\">"
       << xml_escape(options.title) << "</text>\n";
  }
  // Grid and ticks.
  for (double t : xt) {
    os << "<line x1=\"" << px(sx(t)) << "\" y1=\"" << px(top) << "\" x2=\"" << px(sx(t)) << "\" y2=\""
       << px(top + ph) << "\" stroke=\"#e5e5e5\"/>\n";
    os << "<text x=\"" << px(sx(t)) << "\" y=\"" << px(top + ph + 16)
       << "\" text-anchor=\"middle\">" << xml_escape(format_tick(t, xstep)) << "</text>\n";
  }
  for (double t : yt) {
    os << "<line x1=\"" << px(left) << "\" y1=\"" << px(sy(t)) << "\" x2=\"" << px(left + pw)
       << "\" y2=\"" << px(sy(t)) << "\" stroke=\"#e5e5e5\"/>\n";
    os << "<text x=\"" << px(left - 6) << "\" y=\"" << px(sy(t) + 4) << "\" text-anchor=\"end\">"
       << xml_escape(format_tick(t, ystep)) << "</text>\n";
  }
  os << "<rect x=\"" << px(left) << "\" y=\"" << px(top) << "\" width=\"" << px(pw) << "\" height=\""
     << px(ph) << "\" fill=\"none\" stroke=\"#333\"/>\n";
  os << "<text x=\"" << px(left + pw / 2) << "\" y=\"" << px(H - 14) << "\" text-anchor=\"middle\">"
     << xml_escape(options.x_label) << "</text>\n";
  os << "<text transform=\"translate(16," << px(top + ph / 2)
     << ") rotate(-90)\" text-anchor=\"middle\">" << xml_escape(options.y_label) << "</text>\n";

  // Bands first (under every line), then lines.
  for (std::size_t k = 0; k < series.size(); ++k) {
    const auto& s = series[k];
    if (s.lo.empty()) continue;
    const char* color = kPalette[k % kPaletteSize];
    std::size_t i = 0;
    while (i < s.x.size()) {
      auto ok = [&](std::size_t j) {
        return std::isfinite(s.x[j]) && std::isfinite(s.lo[j]) && std::isfinite(s.hi[j]);
      };
      if (!ok(i)) { ++i; continue; }
      std::size_t j = i;
      while (j < s.x.size() && ok(j)) ++j;
      os << "<polygon fill=\"" << color << "\" fill-opacity=\"0.18\" stroke=\"none\" points=\"";
      for (std::size_t a = i; a < j; ++a) os << px(sx(s.x[a])) << ',' << px(sy(s.hi[a])) << ' ';
      for (std::size_t a = j; a-- > i;) os << px(sx(s.x[a])) << ',' << px(sy(s.lo[a])) << ' ';
      os << "\"/>\n";
      i = j;
    }
  }
  for (std::size_t k = 0; k < series.size(); ++k) {
    const auto& s = series[k];
    const char* color = kPalette[k % kPaletteSize];
    std::size_t i = 0;
    while (i < s.x.size()) {
      auto ok = [&](std::size_t j) { return std::isfinite(s.x[j]) && std::isfinite(s.y[j]); };
      if (!ok(i)) { ++i; continue; }
      std::size_t j = i;
      while (j < s.x.size() && ok(j)) ++j;
      os << "<polyline fill=\"none\" stroke=\"" << color << "\" stroke-width=\"2\" points=\"";
      for (std::size_t a = i; a < j; ++a) os << px(sx(s.x[a])) << ',' << px(sy(s.y[a])) << ' ';
      os << "\"/>\n";
      i = j;
    }
  }
  for (const auto& [label, v] : options.hlines) {
    os << "<line x1=\"" << px(left) << "\" y1=\"" << px(sy(v)) << "\" x2=\"" << px(left + pw)
       << "\" y2=\"" << px(sy(v)) << "\" stroke=\"#555\" stroke-dasharray=\"6,4\"/>\n";
    os << "<text x=\"" << px(left + pw - 4) << "\" y=\"" << px(sy(v) - 4)
       << "\" text-anchor=\"end\" fill=\"#555\">" << xml_escape(label) << "</text>\n";
  }
  // Legend, right of the plot.
  const double lx = left + pw + 14;
  for (std::size_t k = 0; k < series.size(); ++k) {
    const double ly = top + 10 + 20.0 * static_cast<double>(k);
    os << "<line x1=\"" << px(lx) << "\" y1=\"" << px(ly) << "\" x2=\"" << px(lx + 22) << "\" y2=\""
       << px(ly) << "\" stroke=\"" << kPalette[k % kPaletteSize] << "\" stroke-width=\"3\"/>\n";
    os << "<text x=\"" << px(lx + 28) << "\" y=\"" << px(ly + 4) << "\">"
       << xml_escape(series[k].label) << "</text>\n";
  }
  os << "</svg>\n";
  return os.str();
}

}  // namespace hpo
