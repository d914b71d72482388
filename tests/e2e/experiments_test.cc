// Every shipped study in experiments/ stays valid: `ecohpo run --dry-run` accepts it from the
// repository root (where the experiment scripts run it) and resolves its name and its first
// commands. A key renamed or an option removed in the code fails here, not in a user's
// multi-hour run (label e2e).
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <vector>

#include "tests/e2e/e2e_util.h"

namespace e2e {
namespace {

std::vector<fs::path> shipped_studies() {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(fs::path(ECOHPO_SOURCE_DIR) / "experiments"))
    if (e.path().extension() == ".yaml") out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

TEST(ShippedStudies, EveryExperimentYamlValidates) {
  const auto studies = shipped_studies();
  ASSERT_GE(studies.size(), 5u) << "experiments/*.yaml not found under " << ECOHPO_SOURCE_DIR;
  const fs::path err = fs::temp_directory_path() / ("ecohpo-experiments-" + std::to_string(::getpid()));
  for (const auto& study : studies) {
    // From the repository root, writing nothing there: stdout is read, stderr goes to /tmp.
    const std::string cmd = "cd '" + std::string(ECOHPO_SOURCE_DIR) + "' && '" + kEcohpo +
                            "' run --dry-run '" + study.string() + "' 2>'" + err.string() + "'";
    FILE* p = ::popen(cmd.c_str(), "r");
    ASSERT_NE(p, nullptr);
    std::string out;
    char buf[4096];
    while (std::size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
    const int status = ::pclose(p);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << study << ": " << slurp(err);
    EXPECT_NE(out.find("\"name\""), std::string::npos) << study << ": " << out.substr(0, 300);
  }
  fs::remove(err);
}

}  // namespace
}  // namespace e2e
