#include "hpo/exec/report_parser.h"

#include <gtest/gtest.h>

namespace hpo {
namespace {

using Kind = ParsedLine::Kind;

TEST(ReportParser, FinalReport) {
  ParsedLine p = parse_report_line(R"({"accuracy": 0.93, "loss": 1})");
  ASSERT_EQ(p.kind, Kind::kReport) << p.reason;
  EXPECT_FALSE(p.step.has_value());
  EXPECT_DOUBLE_EQ(p.metrics.at("accuracy"), 0.93);
  EXPECT_DOUBLE_EQ(p.metrics.at("loss"), 1.0);
}

TEST(ReportParser, IntermediateReportHasStep) {
  ParsedLine p = parse_report_line("  {\"step\": 3, \"accuracy\": 0.91}\r");
  ASSERT_EQ(p.kind, Kind::kReport) << p.reason;
  ASSERT_TRUE(p.step.has_value());
  EXPECT_EQ(*p.step, 3);
  EXPECT_EQ(p.metrics.count("step"), 0u);
  EXPECT_DOUBLE_EQ(p.metrics.at("accuracy"), 0.91);
}

TEST(ReportParser, IntegralFloatStepIsAccepted) {
  ParsedLine p = parse_report_line(R"({"step": 4.0, "a": 1})");
  ASSERT_EQ(p.kind, Kind::kReport);
  EXPECT_EQ(*p.step, 4);
}

TEST(ReportParser, OrdinaryOutputIsNotAReport) {
  EXPECT_EQ(parse_report_line("epoch 3 done").kind, Kind::kNotReport);
  EXPECT_EQ(parse_report_line("").kind, Kind::kNotReport);
  EXPECT_EQ(parse_report_line("42").kind, Kind::kNotReport);
  EXPECT_EQ(parse_report_line("accuracy: {0.9}").kind, Kind::kNotReport);
}

TEST(ReportParser, BrokenJsonIsABadReport) {
  ParsedLine p = parse_report_line(R"({"f1": 0.5, broken)");
  ASSERT_EQ(p.kind, Kind::kBadReport);
  EXPECT_NE(p.reason.find("not valid JSON"), std::string::npos) << p.reason;
}

TEST(ReportParser, NonObjectJsonNamesTheType) {
  ParsedLine p = parse_report_line("[1, 2]");
  ASSERT_EQ(p.kind, Kind::kBadReport);
  EXPECT_NE(p.reason.find("JSON object"), std::string::npos) << p.reason;
  EXPECT_NE(p.reason.find("array"), std::string::npos) << p.reason;
}

TEST(ReportParser, NonNumericMetricNamesTheMetric) {
  ParsedLine p = parse_report_line(R"({"accuracy": "high"})");
  ASSERT_EQ(p.kind, Kind::kBadReport);
  EXPECT_NE(p.reason.find("'accuracy'"), std::string::npos) << p.reason;
  ParsedLine b = parse_report_line(R"({"ok": true})");
  ASSERT_EQ(b.kind, Kind::kBadReport);
  EXPECT_NE(b.reason.find("'ok'"), std::string::npos) << b.reason;
  ParsedLine n = parse_report_line(R"({"loss": null})");
  ASSERT_EQ(n.kind, Kind::kBadReport);
}

TEST(ReportParser, NanFromPythonIsExplained) {
  ParsedLine p = parse_report_line(R"({"loss": NaN})");
  ASSERT_EQ(p.kind, Kind::kBadReport);
  EXPECT_NE(p.reason.find("NaN"), std::string::npos) << p.reason;
}

TEST(ReportParser, BadStep) {
  ParsedLine p = parse_report_line(R"({"step": 1.5, "a": 1})");
  ASSERT_EQ(p.kind, Kind::kBadReport);
  EXPECT_NE(p.reason.find("'step'"), std::string::npos) << p.reason;
  EXPECT_EQ(parse_report_line(R"({"step": "3", "a": 1})").kind, Kind::kBadReport);
}

TEST(ReportParser, StepWithoutMetricOrEmptyObject) {
  EXPECT_EQ(parse_report_line(R"({"step": 1})").kind, Kind::kBadReport);
  EXPECT_EQ(parse_report_line("{}").kind, Kind::kBadReport);
}

}  // namespace
}  // namespace hpo
