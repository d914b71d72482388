// Source selection: auto, explicit lists, messages for every source not used.
#include "meters/meter_factory.h"

#include <gtest/gtest.h>

#include "fake_powercap.h"

namespace {

TEST(MeterOptions, DefaultsValidate) { EXPECT_EQ(meters::MeterOptions{}.validate(), ""); }

TEST(MeterOptions, BadListsAreRejectedWithTheReason) {
  meters::MeterOptions o;
  o.sources = {"rapl", "bogus"};
  EXPECT_NE(o.validate().find("unknown source 'bogus'"), std::string::npos);
  o.sources = {"auto", "nvml"};
  EXPECT_NE(o.validate().find("'auto' cannot be combined"), std::string::npos);
  o.sources = {"rapl", "estimate"};
  EXPECT_NE(o.validate().find("more than one CPU source"), std::string::npos);
  o.sources = {};
  EXPECT_NE(o.validate().find("empty"), std::string::npos);
  o.sources = {"auto"};
  o.interval_s = 0;
  EXPECT_NE(o.validate().find("interval_s"), std::string::npos);
  EXPECT_THROW(meters::make_meter(o), std::invalid_argument);
}

TEST(MakeMeter, AutoPicksRaplWhenReadable) {
  meters_test::TempDir d;
  meters_test::zone(d.path(), "intel-rapl:0", "package-0", 5);
  meters::MeterOptions o;
  o.powercap_root = d.path();
  o.nvml_library = "/nonexistent/libnvidia-ml.so.1";
  o.sampling_thread = false;
  auto s = meters::make_meter(o);
  EXPECT_NE(s.meter->describe().find("rapl(cpu-package-0)"), std::string::npos)
      << s.meter->describe();
  ASSERT_FALSE(s.messages.empty());
  bool nvml = false;
  for (const auto& m : s.messages) nvml |= m.find("nvml: cannot load") != std::string::npos;
  EXPECT_TRUE(nvml);
}

TEST(MakeMeter, AutoFallsBackToTheLabelledEstimateWithOneLinePerSource) {
  meters::MeterOptions o;
  o.powercap_root = "/nonexistent/powercap";
  o.perf_root = "/nonexistent/power";
  o.msr_root = "/nonexistent/cpu";
  o.nvml_library = "/nonexistent/libnvidia-ml.so.1";
  o.sampling_thread = false;
  auto s = meters::make_meter(o);
  EXPECT_NE(s.meter->describe().find("estimate("), std::string::npos);
  std::string all;
  for (const auto& m : s.messages) {
    EXPECT_EQ(m.find('\n'), std::string::npos);  // one line each
    all += m + "|";
  }
  for (const char* what : {"rapl:", "perf:", "msr:", "nvml:", "ESTIMATED"})
    EXPECT_NE(all.find(what), std::string::npos) << what << " in " << all;
  auto h = s.meter->begin(meters::MeterTarget{});
  auto m = s.meter->end(h);
  EXPECT_TRUE(m.any_estimated());
  ASSERT_FALSE(m.notes.empty());
}

TEST(MakeMeter, ExplicitUnreadableSourceIsAnErrorWithTheReason) {
  meters::MeterOptions o;
  o.sources = {"rapl"};
  o.powercap_root = "/nonexistent/powercap";
  try {
    meters::make_meter(o);
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/powercap"), std::string::npos) << e.what();
  }
}

TEST(ProbeSources, ListsEverySource) {
  meters::MeterOptions o;
  o.powercap_root = "/nonexistent/powercap";
  o.nvml_library = "/nonexistent/libnvidia-ml.so.1";
  const auto rows = meters::probe_sources(o);
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[0].source, "rapl");
  EXPECT_FALSE(rows[0].readable);
  EXPECT_FALSE(rows[0].detail.empty());
  EXPECT_EQ(rows[4].source, "estimate");
  EXPECT_TRUE(rows[4].readable);
}

}  // namespace
