// Helpers for the end-to-end tests: run the ecohpo binary (blocking or in the background),
// write small study files into a per-test temporary directory, read exports back.
#pragma once

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

extern char** environ;

namespace e2e {

namespace fs = std::filesystem;
inline const std::string kEcohpo = ECOHPO_BINARY_DIR "/hpo/cli/ecohpo";
inline const std::string kTestObj = ECOHPO_BINARY_DIR "/objectives/ecohpo-testobj";

inline std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void write_file(const fs::path& p, const std::string& text) {
  std::ofstream out(p);
  out << text;
}

// A process started in the background; stdout/stderr go to files in `dir`.
struct Proc {
  pid_t pid = -1;
  fs::path out, err;
  int status = -1;

  // Waits at most timeout_s; kills it (and fails the test) if it takes longer.
  int wait(double timeout_s = 60) {
    const auto until = std::chrono::steady_clock::now() +
                       std::chrono::milliseconds(static_cast<long>(timeout_s * 1000));
    while (true) {
      const pid_t r = ::waitpid(pid, &status, WNOHANG);
      if (r == pid) break;
      if (std::chrono::steady_clock::now() > until) {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, &status, 0);
        ADD_FAILURE() << "process did not finish in " << timeout_s << " s";
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  std::string stdout_text() const { return slurp(out); }
  std::string stderr_text() const { return slurp(err); }
};

inline Proc start(const std::vector<std::string>& args, const fs::path& dir,
                  const std::string& tag = "cmd") {
  static int counter = 0;
  Proc p;
  p.out = dir / (tag + "-" + std::to_string(counter) + ".out");
  p.err = dir / (tag + "-" + std::to_string(counter++) + ".err");
  std::vector<std::string> words{kEcohpo};
  words.insert(words.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& w : words) argv.push_back(w.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, p.out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&fa, 2, p.err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addchdir_np(&fa, dir.c_str());
  const int rc = ::posix_spawn(&p.pid, argv[0], &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  EXPECT_EQ(rc, 0) << "cannot start " << kEcohpo;
  return p;
}

// Runs ecohpo with `args` in `dir` and returns {exit status, stdout, stderr}.
struct Outcome {
  int code;
  std::string out, err;
};
inline Outcome run(const std::vector<std::string>& args, const fs::path& dir,
                   double timeout_s = 60) {
  Proc p = start(args, dir);
  const int code = p.wait(timeout_s);
  return {code, p.stdout_text(), p.stderr_text()};
}

// `ecohpo export --format json` rows.
inline nlohmann::json export_rows(const fs::path& study, const fs::path& dir) {
  Outcome o = run({"export", study.string(), "--format", "json"}, dir);
  EXPECT_EQ(o.code, 0) << o.err;
  if (o.code != 0) return nlohmann::json::array();
  return nlohmann::json::parse(o.out);
}

// Process groups of live processes whose environment holds `marker` (the trials of a study
// whose coordinator was killed: they live on in their own groups).
inline std::vector<pid_t> groups_with_env(const std::string& marker) {
  std::vector<pid_t> out;
  DIR* d = ::opendir("/proc");
  if (!d) return out;
  while (dirent* e = ::readdir(d)) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    const pid_t pid = static_cast<pid_t>(std::stol(e->d_name));
    std::ifstream in(std::string("/proc/") + e->d_name + "/environ", std::ios::binary);
    std::string env((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (env.find(marker) == std::string::npos) continue;
    const pid_t g = ::getpgid(pid);
    if (g > 0) out.push_back(g);
  }
  ::closedir(d);
  return out;
}

class TempDir : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("ecohpo-e2e-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    if (!HasFailure()) fs::remove_all(dir_);
  }
  fs::path dir_;
};

}  // namespace e2e
