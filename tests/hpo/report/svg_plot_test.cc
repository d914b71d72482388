// svg_plot.h: tick selection, label formatting, escaping and the structure of the document.
#include "hpo/report/svg_plot.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace hpo {
namespace {

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
  return n;
}

TEST(SvgPlot, NiceTicks) {
  EXPECT_EQ(nice_ticks(0.0, 1.0, 6), (std::vector<double>{0.0, 0.2, 0.4, 0.6000000000000001,
                                                           0.8, 1.0}));
  const auto t = nice_ticks(0.13, 0.87, 5);  // step 0.2, covering the range
  ASSERT_EQ(t.size(), 6u);
  EXPECT_DOUBLE_EQ(t.front(), 0.0);
  EXPECT_DOUBLE_EQ(t.back(), 1.0);
  const auto e = nice_ticks(0.0, 3.7e-4, 6);  // step 1e-4
  ASSERT_EQ(e.size(), 5u);
  EXPECT_DOUBLE_EQ(e[1], 1e-4);
  EXPECT_DOUBLE_EQ(e.back(), 4e-4);
  const auto flat = nice_ticks(2.0, 2.0, 6);  // degenerate range widened around the value
  EXPECT_LT(flat.front(), 2.0);
  EXPECT_GT(flat.back(), 2.0);
  const auto neg = nice_ticks(-7.0, 12.0, 5);  // step 5
  EXPECT_EQ(neg, (std::vector<double>{-10.0, -5.0, 0.0, 5.0, 10.0, 15.0}));
  EXPECT_TRUE(nice_ticks(0.0, std::numeric_limits<double>::infinity(), 5).empty());
}

TEST(SvgPlot, TickLabels) {
  EXPECT_EQ(format_tick(0.0, 0.2), "0");
  EXPECT_EQ(format_tick(0.4, 0.2), "0.4");
  EXPECT_EQ(format_tick(15.0, 5.0), "15");
  EXPECT_EQ(format_tick(2e-4, 1e-4), "0.0002");
  EXPECT_EQ(format_tick(1.5e-5, 5e-6), "1.5e-05");
  EXPECT_EQ(format_tick(2e6, 1e6), "2e+06");
}

TEST(SvgPlot, EscapesText) {
  EXPECT_EQ(xml_escape("a<b & \"c\" 'd'>"), "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;");
}

TEST(SvgPlot, DocumentHasOneLinePerSegmentBandsLegendAndReferenceLines) {
  SvgSeries a{"random <n=3>", {0, 1, 2, 3}, {0, 1, std::nan(""), 3}, {0, 0.5, 1, 2}, {1, 1.5, 2, 3}};
  SvgSeries b{"tpe", {0, 1}, {0.5, 0.7}, {}, {}};
  SvgPlotOptions opt;
  opt.title = "HV & energy";
  opt.x_label = "kWh";
  opt.y_label = "hypervolume";
  opt.hlines = {{"target", 2.5}};
  const std::string svg = render_line_plot({a, b}, opt);
  EXPECT_EQ(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0), 0u);
  EXPECT_NE(svg.find("</svg>"), std::string::npos);
  EXPECT_EQ(count(svg, "<polyline"), 3u);  // a split at the NaN, plus b
  EXPECT_EQ(count(svg, "<polygon"), 1u);   // only a has a band
  EXPECT_NE(svg.find("random &lt;n=3&gt;"), std::string::npos);
  EXPECT_NE(svg.find("HV &amp; energy"), std::string::npos);
  EXPECT_EQ(count(svg, "stroke-dasharray"), 1u);
  EXPECT_NE(svg.find(">target<"), std::string::npos);
  EXPECT_EQ(svg.find("nan"), std::string::npos);
}

TEST(SvgPlot, EmptyPlotIsStillADocument) {
  const std::string svg = render_line_plot({}, SvgPlotOptions{});
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  EXPECT_EQ(count(svg, "<polyline"), 0u);
}

TEST(SvgPlot, RejectsMismatchedSeriesAndBadOptions) {
  SvgSeries bad{"bad", {0, 1}, {0}, {}, {}};
  try {
    (void)render_line_plot({bad}, SvgPlotOptions{});
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("series 'bad'"), std::string::npos) << e.what();
  }
  SvgSeries band{"band", {0, 1}, {0, 1}, {0}, {1, 2}};
  EXPECT_THROW((void)render_line_plot({band}, SvgPlotOptions{}), std::invalid_argument);
  SvgPlotOptions small;
  small.width_px = 10;
  try {
    small.validate();
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("width_px"), std::string::npos);
  }
}

}  // namespace
}  // namespace hpo
