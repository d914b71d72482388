// The GPU power-limit knob: which watts a study can ask for (checked against the GPUs' range
// before anything runs), and setting / restoring limits through the fake NVML library.
#include "hpo/exec/gpu/gpu_power.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace hpo {
namespace {

namespace fs = std::filesystem;

StudySpec spec_with(const std::string& knob) {
  StudySpec s;
  s.hardware.gpu_power_limit_w = knob;
  ParamSpec w;
  w.name = "w";
  w.kind = ParamKind::kInt;
  w.low = 150;
  w.high = 250;
  ParamSpec c;
  c.name = "c";
  c.kind = ParamKind::kCategorical;
  c.choices = {ParamValue{std::int64_t{120}}, ParamValue{280.5}};
  ParamSpec t;
  t.name = "t";
  t.kind = ParamKind::kCategorical;
  t.choices = {ParamValue{std::string("low")}};
  s.space.params = {w, c, t};
  return s;
}

TEST(PossibleWatts, NumbersAndSinglePlaceholders) {
  EXPECT_EQ(possible_watts(spec_with("")), std::nullopt);
  EXPECT_EQ(possible_watts(spec_with("200")), std::make_pair(200.0, 200.0));
  EXPECT_EQ(possible_watts(spec_with("{w}")), std::make_pair(150.0, 250.0));
  EXPECT_EQ(possible_watts(spec_with("{c}")), std::make_pair(120.0, 280.5));
  EXPECT_EQ(possible_watts(spec_with("{t}")), std::nullopt);    // not a number: per trial
  EXPECT_EQ(possible_watts(spec_with("{w}0")), std::nullopt);   // text around it: per trial
}

class FakeNvml : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("ecohpo-gpu-power-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    std::ofstream(dir_ / "state") << "init 0\ngpu 0 50000\ngpu 0 70000\nlimits 100000 300000\n";
    ::setenv("FAKE_NVML_STATE", (dir_ / "state").c_str(), 1);
    ::setenv("FAKE_NVML_LIMITS", (dir_ / "limits.log").c_str(), 1);
    auto l = meters::GpuPowerLimits::open(FAKE_NVML_PATH);
    ASSERT_TRUE(l) << l.error();
    limits_ = std::move(l).value();
  }
  void TearDown() override {
    limits_.reset();
    ::unsetenv("FAKE_NVML_STATE");
    ::unsetenv("FAKE_NVML_LIMITS");
    fs::remove_all(dir_);
  }
  fs::path dir_;
  std::unique_ptr<meters::GpuPowerLimits> limits_;
};

TEST_F(FakeNvml, RangeCheckNamesTheGpuAndItsRange) {
  EXPECT_TRUE(check_power_range(spec_with("{w}"), *limits_, {0, 1}).ok());
  // 120..280.5 W fits 100..300 W; 350 W does not.
  EXPECT_TRUE(check_power_range(spec_with("{c}"), *limits_, {0, 1}).ok());
  auto high = check_power_range(spec_with("350"), *limits_, {1});
  ASSERT_FALSE(high.ok());
  EXPECT_EQ(high.error(), "the values 350..350 W go outside GPU 1's power-limit range 100..300 W");
}

TEST_F(FakeNvml, ApplySetsEveryGpuAndRestoreGivesTheOriginalsBack) {
  ASSERT_TRUE(limits_->set_limit_mw(1, 280000).ok());  // a limit the admin chose before
  GpuPowerKnob knob(*limits_, "{w}");
  auto notes = knob.begin({0, 1}, nlohmann::json());
  ASSERT_TRUE(notes) << notes.error();
  EXPECT_TRUE(notes->empty());
  EXPECT_EQ(knob.originals_json(), (nlohmann::json{{"0", 300000}, {"1", 280000}}));
  auto w = knob.apply({{"w", std::int64_t{175}}}, {0, 1});
  ASSERT_TRUE(w) << w.error();
  EXPECT_DOUBLE_EQ(w.value(), 175.0);
  EXPECT_EQ(limits_->limit_mw(0).value(), 175000u);
  EXPECT_EQ(limits_->limit_mw(1).value(), 175000u);
  EXPECT_TRUE(knob.restore({0, 1}).empty());
  EXPECT_EQ(limits_->limit_mw(0).value(), 300000u);
  EXPECT_EQ(limits_->limit_mw(1).value(), 280000u);  // its own original, not the default
  // A value NVML refuses: nothing stays changed, the error names the GPU.
  auto bad = knob.apply({{"w", std::int64_t{50}}}, {0, 1});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().find("GPU 0: setting the power limit to 50 W"), std::string::npos) << bad.error();
  EXPECT_EQ(limits_->limit_mw(0).value(), 300000u);
  // A value that is not watts.
  GpuPowerKnob text(*limits_, "{t}");
  ASSERT_TRUE(text.begin({0}, nlohmann::json()).ok());
  auto not_watts = text.apply({{"t", std::string("low")}}, {0});
  ASSERT_FALSE(not_watts.ok());
  EXPECT_EQ(not_watts.error(), "gpu_power_limit_w: 'low' is not watts (a number > 0)");
}

TEST_F(FakeNvml, BeginRestoresWhatAKilledStudyLeftBehind) {
  // Recorded by the first run: GPU 0 was at 300 W. A killed trial left it at 150 W.
  ASSERT_TRUE(limits_->set_limit_mw(0, 150000).ok());
  GpuPowerKnob knob(*limits_, "{w}");
  auto notes = knob.begin({0, 1}, nlohmann::json{{"0", 300000}});
  ASSERT_TRUE(notes) << notes.error();
  ASSERT_EQ(notes->size(), 1u);
  EXPECT_EQ(notes->at(0), "GPU 0: power limit restored to 300 W (it was 150 W, left by an interrupted trial)");
  EXPECT_EQ(limits_->limit_mw(0).value(), 300000u);
  EXPECT_EQ(knob.originals_json(), (nlohmann::json{{"0", 300000}, {"1", 300000}}));
}

}  // namespace
}  // namespace hpo
