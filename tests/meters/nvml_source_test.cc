// NVML through a fake libnvidia-ml built by the tests (fake_nvml.c).
#include "meters/nvml_source.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "fake_powercap.h"
#include "meters/attributing_meter.h"
#include "meters/gpu_power_limits.h"
#include "meters/meter_factory.h"

namespace {

using meters::NvmlSource;

class Nvml : public ::testing::Test {
 protected:
  void SetUp() override {
    state_ = dir_.path() + "/state";
    setenv("FAKE_NVML_STATE", state_.c_str(), 1);
  }
  void write(const std::string& text) {
    std::ofstream(state_ + ".tmp") << text;
    std::rename((state_ + ".tmp").c_str(), state_.c_str());
  }
  meters_test::TempDir dir_;
  std::string state_;
};

TEST_F(Nvml, EnergyCounterPerGpu) {
  write("init 0\ngpu 1000 50000\ngpu 5000 70000\n");
  std::vector<std::string> notes;
  auto s = NvmlSource::open(FAKE_NVML_PATH, &notes);
  ASSERT_TRUE(s) << s.error();
  ASSERT_EQ((*s)->channels().size(), 2u);
  EXPECT_EQ((*s)->channels()[1].component, "gpu-1");
  EXPECT_EQ((*s)->channels()[0].source, "nvml-energy");
  write("init 0\ngpu 3500 50000\ngpu 5250 70000\n");
  auto j = (*s)->read_j();
  ASSERT_TRUE(j);
  EXPECT_DOUBLE_EQ((*j)[0], 2.5);   // 2500 mJ
  EXPECT_DOUBLE_EQ((*j)[1], 0.25);  // 250 mJ
}

TEST_F(Nvml, PowerOnlyGpuIsIntegrated) {
  write("init 0\ngpu -1 100000\n");  // 100 W, no counter
  std::vector<std::string> notes;
  const double t0 = meters::steady_now_s();
  auto s = NvmlSource::open(FAKE_NVML_PATH, &notes);
  ASSERT_TRUE(s) << s.error();
  EXPECT_EQ((*s)->channels()[0].source, "nvml-power");
  EXPECT_LE((*s)->max_read_interval_s(), 0.1);
  usleep(200000);
  auto j = (*s)->read_j();
  const double t1 = meters::steady_now_s();
  ASSERT_TRUE(j);
  // 100 W x elapsed (bounded by the two clock reads around open and read).
  EXPECT_GT((*j)[0], 100.0 * 0.19);
  EXPECT_LE((*j)[0], 100.0 * (t1 - t0) + 1e-9);
}

TEST_F(Nvml, InitFailureIsAnErrorWithNvmlsMessage) {
  write("init 9\n");
  std::vector<std::string> notes;
  auto s = NvmlSource::open(FAKE_NVML_PATH, &notes);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().find("Driver Not Loaded"), std::string::npos) << s.error();
}

TEST_F(Nvml, MissingLibraryNamesIt) {
  std::vector<std::string> notes;
  auto s = NvmlSource::open("/nonexistent/libnvidia-ml.so.1", &notes);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().find("/nonexistent/libnvidia-ml.so.1"), std::string::npos);
}

TEST_F(Nvml, EachTargetIsChargedTheGpusItHolds) {
  write("init 0\ngpu 0 0\ngpu 0 0\n");
  meters::MeterOptions o;
  o.sources = {"nvml"};
  o.nvml_library = FAKE_NVML_PATH;
  o.sampling_thread = false;
  auto setup = meters::make_meter(o);
  auto* m = dynamic_cast<meters::AttributingMeter*>(setup.meter.get());
  ASSERT_NE(m, nullptr);
  meters::MeterTarget a, b, c;
  a.gpu_indices = {0};
  b.gpu_indices = {1};
  // c holds no GPU
  const auto ha = m->begin(a), hb = m->begin(b), hc = m->begin(c);
  write("init 0\ngpu 40000 0\ngpu 10000 0\n");  // GPU0 +40 J, GPU1 +10 J
  m->sample_now();
  write("init 0\ngpu 40000 0\ngpu 16000 0\n");  // GPU1 +6 J
  const auto ma = m->end(ha), mb = m->end(hb), mc = m->end(hc);
  ASSERT_EQ(ma.components.size(), 1u);
  EXPECT_EQ(ma.components[0].component, "gpu-0");
  EXPECT_DOUBLE_EQ(ma.total_j(), 40.0);
  ASSERT_EQ(mb.components.size(), 1u);
  EXPECT_EQ(mb.components[0].component, "gpu-1");
  EXPECT_DOUBLE_EQ(mb.total_j(), 16.0);
  EXPECT_DOUBLE_EQ(mc.total_j(), 0.0);
  EXPECT_DOUBLE_EQ(m->idle_j(), 0.0);
}

TEST_F(Nvml, SharedGpuIsSplitAndUnheldGpuIsIdle) {
  write("init 0\ngpu 0 0\ngpu 0 0\n");
  meters::MeterOptions o;
  o.sources = {"nvml"};
  o.nvml_library = FAKE_NVML_PATH;
  o.sampling_thread = false;
  auto setup = meters::make_meter(o);
  auto* m = dynamic_cast<meters::AttributingMeter*>(setup.meter.get());
  meters::MeterTarget a, b;
  a.gpu_indices = b.gpu_indices = {0};
  const auto ha = m->begin(a), hb = m->begin(b);
  write("init 0\ngpu 30000 0\ngpu 8000 0\n");
  EXPECT_DOUBLE_EQ(m->end(ha).total_j(), 15.0);
  EXPECT_DOUBLE_EQ(m->end(hb).total_j(), 15.0);
  EXPECT_DOUBLE_EQ(m->idle_j(), 8.0);
}

}  // namespace

namespace {

TEST_F(Nvml, PowerLimitsReadSetAndNvmlErrors) {
  write("init 0\ngpu 0 50000\ngpu 0 70000\nlimits 120000 250000\n");
  const std::string log = dir_.path() + "/limits.log";
  setenv("FAKE_NVML_LIMITS", log.c_str(), 1);
  auto l = meters::GpuPowerLimits::open(FAKE_NVML_PATH);
  ASSERT_TRUE(l) << l.error();
  auto& limits = *l.value();
  auto range = limits.range_mw(1);
  ASSERT_TRUE(range) << range.error();
  EXPECT_EQ(range->min_mw, 120000u);
  EXPECT_EQ(range->max_mw, 250000u);
  EXPECT_EQ(limits.limit_mw(1).value(), 250000u);  // the default until set
  ASSERT_TRUE(limits.set_limit_mw(1, 150000).ok());
  EXPECT_EQ(limits.limit_mw(1).value(), 150000u);
  EXPECT_EQ(limits.limit_mw(0).value(), 250000u);  // the other GPU untouched
  // NVML's own refusals come back with its message and the GPU.
  auto low = limits.set_limit_mw(0, 100000);
  EXPECT_FALSE(low.ok());
  EXPECT_NE(low.error().find("GPU 0: setting the power limit to 100 W: Invalid Argument"),
            std::string::npos) << low.error();
  EXPECT_FALSE(limits.limit_mw(7).ok());
  write("init 0\ngpu 0 50000\ngpu 0 70000\nnoperm\n");
  auto perm = limits.set_limit_mw(0, 200000);
  EXPECT_NE(perm.error().find("Insufficient Permissions (setting GPU power limits needs root)"),
            std::string::npos) << perm.error();
  unsetenv("FAKE_NVML_LIMITS");
  EXPECT_FALSE(meters::GpuPowerLimits::open("/nonexistent/libnvidia-ml.so.1").ok());
}

}  // namespace
