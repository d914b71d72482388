// The Python trial programs in objectives/python/ speak the trial protocol (Debian's python3).
#include <gtest/gtest.h>
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

ProcessResult run_script(const std::string& script, const std::string& args) {
  const std::string cmd = "/usr/bin/python3 " + std::string(ECOHPO_SOURCE_DIR) + "/objectives/python/" + script +
                          " " + args + " 2>/dev/null";
  ProcessResult r;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return r;
  char buf[4096];
  while (std::fgets(buf, sizeof buf, p) != nullptr) r.out += buf;
  const int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::vector<nlohmann::json> reports(const std::string& out) {
  std::vector<nlohmann::json> v;
  std::istringstream in(out);
  for (std::string l; std::getline(in, l);) v.push_back(nlohmann::json::parse(l));
  return v;
}

void expect_protocol(const std::vector<nlohmann::json>& r, int epochs) {
  ASSERT_EQ(r.size(), static_cast<std::size_t>(epochs) + 1);
  for (int i = 0; i < epochs; ++i) {
    EXPECT_EQ(r[static_cast<std::size_t>(i)].at("step").get<int>(), i + 1);
    EXPECT_TRUE(r[static_cast<std::size_t>(i)].at("accuracy").is_number());
    EXPECT_TRUE(r[static_cast<std::size_t>(i)].at("loss").is_number());
  }
  const auto& last = r.back();
  EXPECT_FALSE(last.contains("step"));
  for (const char* key : {"accuracy", "test_accuracy", "train_s", "n_params"}) EXPECT_TRUE(last.contains(key)) << key;
  EXPECT_GE(last.at("accuracy").get<double>(), 0.0);
  EXPECT_LE(last.at("accuracy").get<double>(), 1.0);
}

TEST(PythonObjectives, SklearnDigitsReportsEachEpoch) {
  const auto r = run_script("mlp_sklearn_digits.py", "--epochs 2 --width 16 --data-fraction 0.5 --sampling stratified");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto rep = reports(r.out);
  expect_protocol(rep, 2);
  EXPECT_EQ(rep.back().at("n_params").get<int>(), 64 * 16 + 16 + 16 * 10 + 10);
  EXPECT_EQ(run_script("mlp_sklearn_digits.py", "--lr -1").exit_code, 2);
}

TEST(PythonObjectives, TorchReportsEachEpoch) {
  const auto r = run_script("torch_fashion_mnist.py", "--dataset digits --epochs 2 --width 8 --layers 1 --dropout 0.1");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto rep = reports(r.out);
  expect_protocol(rep, 2);
  EXPECT_EQ(rep.back().at("n_params").get<int>(), 64 * 8 + 8 + 8 * 10 + 10);
  EXPECT_EQ(rep.back().at("n_train").get<int>(), 1079);
  EXPECT_EQ(run_script("torch_fashion_mnist.py", "--data-fraction 0").exit_code, 2);
  EXPECT_EQ(run_script("torch_fashion_mnist.py", "--data-dir /nonexistent-ecohpo").exit_code, 1);
}

}  // namespace
