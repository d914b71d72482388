// `ecohpo compare` end to end: the binary on study files written with StudyStore, its table,
// its report files, and the exit status and message of every bad-input path.
#include <sys/wait.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "tests/support/compare_test_util.h"
#include "tests/support/storage_test_util.h"

namespace hpo {
namespace {

using testing::TempDir;
using testing::write_study;

struct CliRun {
  int status = -1;
  std::string output;  // stdout and stderr
};

CliRun ecohpo(const std::string& args) {
  const std::string cmd = std::string(ECOHPO_BINARY_DIR) + "/hpo/cli/ecohpo compare " + args + " 2>&1";
  CliRun r;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return r;
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.output.append(buf, n);
  const int st = ::pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

class CompareCli : public ::testing::Test {
 protected:
  void SetUp() override {
    a_ = write_study(dir_, "a", "random", false, 1,
                     {{0, 0, TrialState::kComplete, 0.5, 1.0, 0.0},
                      {1, 0, TrialState::kComplete, 0.75, 3.0, 0.0}}).string();
    b_ = write_study(dir_, "b", "gp", true, 1,
                     {{0, 0, TrialState::kComplete, 0.75, 1.0, 0.5}}).string();
  }
  TempDir dir_{"compare-cli"};
  std::string a_, b_;
};

TEST_F(CompareCli, PrintsTheTableAndWritesTheReport) {
  const std::string out = (dir_ / "report").string();
  const CliRun r = ecohpo(a_ + " " + b_ + " --target accuracy=0.75 -o " + out);
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("target: accuracy >= 0.75"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("gp+energy-aware"), std::string::npos) << r.output;
  // random reaches 0.75 after 4 kWh, gp+energy-aware after 1.5: 0.375x.
  EXPECT_NE(r.output.find("0.375x"), std::string::npos) << r.output;
  for (const char* f : {"hv_vs_kwh.svg", "best_vs_kwh.svg", "summary.csv", "studies.csv",
                        "summary.md"}) {
    EXPECT_TRUE(std::filesystem::exists(dir_ / "report" / f)) << f;
  }
  const std::string md = testing::read_file(dir_ / "report" / "summary.md");
  EXPECT_NE(md.find("| gp+energy-aware | 1 | 1/1 | 1.5 ["), std::string::npos) << md;
}

TEST_F(CompareCli, HelpAndBadInput) {
  CliRun r = ecohpo("--help");
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.output.find("usage: ecohpo compare"), std::string::npos);

  r = ecohpo("");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.output.find("no study files given"), std::string::npos) << r.output;

  r = ecohpo(a_ + " --target-hv 1.5");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.output.find("--target-hv: must be in (0, 1]"), std::string::npos) << r.output;

  r = ecohpo(a_ + " --target-hv abc");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.output.find("--target-hv: 'abc' is not a number"), std::string::npos) << r.output;

  r = ecohpo(a_ + " --target accuracy");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.output.find("--target: 'accuracy' is not METRIC=VALUE"), std::string::npos)
      << r.output;

  r = ecohpo(a_ + " --target loss=0.1");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.output.find("--target: 'loss' is not an objective of " + a_), std::string::npos)
      << r.output;

  r = ecohpo(a_ + " --target accuracy=0.9 --target-hv 0.9");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.output.find("give one target"), std::string::npos) << r.output;

  r = ecohpo(a_ + " --frobnicate");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.output.find("unknown option '--frobnicate'"), std::string::npos) << r.output;

  r = ecohpo(a_ + " -o");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.output.find("-o: needs a value"), std::string::npos) << r.output;

  const std::string missing = (dir_ / "nope.h5").string();
  r = ecohpo(a_ + " " + missing);
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.output.find(missing + ": no such study file"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace hpo
