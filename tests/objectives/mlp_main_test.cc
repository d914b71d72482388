// The ecohpo-mlp executable: report lines are trial-protocol JSON; bad flags exit 2.
#include <gtest/gtest.h>

#include <filesystem>
#include <iterator>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <sys/wait.h>

#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

namespace {

struct ProcessResult {
  int exit_code = -1;
  std::string out;
};

// Runs the binary with `args` through popen (stdout captured; stderr to a file for checks).
ProcessResult run_mlp(const std::string& args, const std::string& stderr_path = "/dev/null") {
  const std::string cmd = std::string(ECOHPO_BINARY_DIR) + "/objectives/ecohpo-mlp " + args + " 2>" + stderr_path;
  ProcessResult r;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return r;
  char buf[4096];
  while (std::fgets(buf, sizeof buf, p) != nullptr) r.out += buf;
  const int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::vector<std::string> lines(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

std::string slurp(const std::string& path) {
  std::string s;
  if (FILE* f = std::fopen(path.c_str(), "r")) {
    char buf[4096];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) s.append(buf, n);
    std::fclose(f);
  }
  return s;
}

TEST(MlpMain, DigitsReportsEveryEpochThenAFinalReport) {
  const ProcessResult r = run_mlp("--dataset digits --layers 1 --width 32 --epochs 4 --lr 0.01 --seed 3");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto ls = lines(r.out);
  ASSERT_EQ(ls.size(), 5u) << r.out;
  for (int i = 0; i < 4; ++i) {
    const auto j = nlohmann::json::parse(ls[static_cast<std::size_t>(i)]);
    EXPECT_EQ(j.at("step").get<int>(), i + 1);
    EXPECT_TRUE(j.at("accuracy").is_number_float());
    EXPECT_TRUE(j.at("loss").is_number());
  }
  const auto last = nlohmann::json::parse(ls.back());
  EXPECT_FALSE(last.contains("step"));
  EXPECT_GT(last.at("accuracy").get<double>(), 0.5);
  EXPECT_GT(last.at("test_accuracy").get<double>(), 0.5);
  EXPECT_GE(last.at("train_s").get<double>(), 0.0);
  EXPECT_EQ(last.at("n_params").get<int>(), 64 * 32 + 32 + 32 * 10 + 10);
  // The final validation accuracy is the last epoch's.
  EXPECT_DOUBLE_EQ(last.at("accuracy").get<double>(), nlohmann::json::parse(ls[3]).at("accuracy").get<double>());
}

TEST(MlpMain, SameSeedGivesTheSameReports) {
  const std::string args = "--epochs 2 --width 16 --dropout 0.3 --data-fraction 0.5 --sampling stratified --seed 9";
  const ProcessResult a = run_mlp(args), b = run_mlp(args + " --threads 1");
  ASSERT_EQ(a.exit_code, 0);
  const auto la = lines(a.out), lb = lines(b.out);
  ASSERT_EQ(la.size(), 3u);
  ASSERT_EQ(lb.size(), 3u);
  EXPECT_EQ(la[0], lb[0]);
  EXPECT_EQ(la[1], lb[1]);
  EXPECT_EQ(nlohmann::json::parse(la[2]).at("n_train").get<int>(), 540);  // half of 1079, rounded
}

TEST(MlpMain, FashionMnistQuickRun) {
  const std::string cache = std::string(::testing::TempDir()) + "/ecohpo-mlp-cache-" + std::to_string(::getpid());
  std::filesystem::remove_all(cache);
  const std::string args = "--dataset fashion-mnist --max-train 500 --max-eval 500 --epochs 1 --width 16 --quiet-epochs";
  const ProcessResult r = run_mlp(args + " --cache-dir " + cache);
  if (r.exit_code == 1) GTEST_SKIP() << "Fashion-MNIST not installed (dataset-fashion-mnist)";
  ASSERT_EQ(r.exit_code, 0);
  const auto ls = lines(r.out);
  ASSERT_EQ(ls.size(), 1u);
  const auto j = nlohmann::json::parse(ls[0]);
  EXPECT_EQ(j.at("n_train").get<int>(), 500);
  EXPECT_EQ(j.at("n_params").get<int>(), 784 * 16 + 16 + 16 * 16 + 16 + 16 * 10 + 10);
  // The four IDX files were inflated into the cache; a second trial reads them from there,
  // and trains exactly as a trial without a cache.
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(cache), std::filesystem::directory_iterator{}), 4);
  const ProcessResult cached = run_mlp(args + " --cache-dir " + cache);
  const ProcessResult uncached = run_mlp(args + " --cache-dir none");
  ASSERT_EQ(cached.exit_code, 0);
  ASSERT_EQ(uncached.exit_code, 0);
  const auto without_times = [](const std::string& out) {
    auto j = nlohmann::json::parse(lines(out).at(0));
    j.erase("train_s");
    j.erase("eval_s");
    return j;
  };
  EXPECT_EQ(without_times(cached.out), without_times(r.out));
  EXPECT_EQ(without_times(uncached.out), without_times(r.out));
  std::filesystem::remove_all(cache);
}

TEST(MlpMain, BadFlagsExitTwoWithAClearMessage) {
  const std::string err = std::string(::testing::TempDir()) + "/ecohpo-mlp-err.txt";
  struct Bad {
    std::string args, expect;
  };
  const std::vector<Bad> cases{
      {"--bogus 1", "unknown flag --bogus"},
      {"--lr abc", "--lr: 'abc' is not a valid number"},
      {"--lr -0.1", "--lr must be > 0"},
      {"--activation swish", "--activation: 'swish'"},
      {"--optimizer rmsprop", "--optimizer: 'rmsprop'"},
      {"--dataset cifar", "--dataset: 'cifar'"},
      {"--sampling weird", "--sampling: 'weird'"},
      {"--data-fraction 0", "--data-fraction must be in (0, 1]"},
      {"--dropout 1", "--dropout must be in [0, 1)"},
      {"--epochs", "--epochs needs a value"},
      {"--width 0", "--width must be in [1, 8192]"},
      {"stray", "unexpected argument 'stray'"},
      {"--cache-dir ''", "--cache-dir: give a directory, or none"},
  };
  for (const auto& c : cases) {
    const ProcessResult r = run_mlp(c.args, err);
    EXPECT_EQ(r.exit_code, 2) << c.args;
    EXPECT_TRUE(r.out.empty()) << c.args;
    EXPECT_NE(slurp(err).find(c.expect), std::string::npos) << c.args << " -> " << slurp(err);
  }
}

TEST(MlpMain, MissingDataNamesTheFile) {
  const std::string err = std::string(::testing::TempDir()) + "/ecohpo-mlp-err2.txt";
  const ProcessResult r = run_mlp("--data-dir /nonexistent-ecohpo", err);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(slurp(err).find("/nonexistent-ecohpo/digits.csv.gz"), std::string::npos) << slurp(err);
}

TEST(MlpMain, HelpExitsZero) {
  const ProcessResult r = run_mlp("--help");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("--data-fraction"), std::string::npos);
}

}  // namespace
