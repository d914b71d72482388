// Fake powercap trees, each checked against the exact expected joules.
#include "meters/rapl_source.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "fake_powercap.h"
#include "meters/energy_source.h"

namespace {

using meters::RaplSource;
using meters_test::set_energy;
using meters_test::TempDir;
using meters_test::zone;

std::vector<std::string> components(const RaplSource& s) {
  std::vector<std::string> out;
  for (const auto& c : s.channels()) out.push_back(c.component);
  return out;
}

TEST(RaplSource, ServerTwoSocketsWithDramAsFirstSubzone) {
  TempDir d;
  const auto& r = d.path();
  zone(r, "intel-rapl:0", "package-0", 1000000);
  zone(r, "intel-rapl:0:0", "dram", 500000, 65712999613ULL);
  zone(r, "intel-rapl:1", "package-1", 2000000);
  zone(r, "intel-rapl:1:0", "dram", 700000, 65712999613ULL);
  std::vector<std::string> notes;
  auto s = RaplSource::open(r, &notes);
  ASSERT_TRUE(s) << s.error();
  EXPECT_EQ(components(**s),
            (std::vector<std::string>{"cpu-package-0", "dram-0", "cpu-package-1", "dram-1"}));
  set_energy(r, "intel-rapl:0", 1000000 + 12500000);   // +12.5 J
  set_energy(r, "intel-rapl:0:0", 500000 + 2000000);   // +2 J
  set_energy(r, "intel-rapl:1", 2000000 + 30000001);   // +30.000001 J
  set_energy(r, "intel-rapl:1:0", 700000);             // +0
  auto j = (*s)->read_j();
  ASSERT_TRUE(j) << j.error();
  EXPECT_DOUBLE_EQ((*j)[0], 12.5);
  EXPECT_DOUBLE_EQ((*j)[1], 2.0);
  EXPECT_DOUBLE_EQ((*j)[2], 30.000001);
  EXPECT_DOUBLE_EQ((*j)[3], 0.0);
}

TEST(RaplSource, LaptopSkipsPsysCoreAndUncore) {
  TempDir d;
  const auto& r = d.path();
  zone(r, "intel-rapl:0", "package-0", 0);
  zone(r, "intel-rapl:0:0", "core", 0);
  zone(r, "intel-rapl:0:1", "uncore", 0);
  zone(r, "intel-rapl:0:2", "dram", 0);
  zone(r, "intel-rapl:1", "psys", 0);
  std::vector<std::string> notes;
  auto s = RaplSource::open(r, &notes);
  ASSERT_TRUE(s) << s.error();
  EXPECT_EQ(components(**s), (std::vector<std::string>{"cpu-package-0", "dram-0"}));
  set_energy(r, "intel-rapl:0", 3800000);    // package 3.8 J
  set_energy(r, "intel-rapl:0:0", 800000);   // core (inside package)
  set_energy(r, "intel-rapl:0:1", 200000);   // uncore (inside package)
  set_energy(r, "intel-rapl:0:2", 1000000);  // dram 1 J
  set_energy(r, "intel-rapl:1", 9600000);    // psys (contains everything)
  auto j = (*s)->read_j();
  ASSERT_TRUE(j);
  EXPECT_DOUBLE_EQ((*j)[0] + (*j)[1], 4.8);  // package + dram, nothing nested added
  bool psys_noted = false;
  for (const auto& n : notes) psys_noted |= n.find("psys") != std::string::npos;
  EXPECT_TRUE(psys_noted);
}

TEST(RaplSource, MmioDuplicateOfPackageIsDropped) {
  TempDir d;
  const auto& r = d.path();
  zone(r, "intel-rapl:0", "package-0", 100);
  zone(r, "intel-rapl-mmio:0", "package-0", 100);
  std::vector<std::string> notes;
  auto s = RaplSource::open(r, &notes);
  ASSERT_TRUE(s);
  EXPECT_EQ(components(**s), (std::vector<std::string>{"cpu-package-0"}));
  set_energy(r, "intel-rapl:0", 5000100);
  set_energy(r, "intel-rapl-mmio:0", 5000100);
  EXPECT_DOUBLE_EQ((*(*s)->read_j())[0], 5.0);
}

TEST(RaplSource, MirroredAmdDiesCountOnce) {
  TempDir d;
  const auto& r = d.path();
  zone(r, "intel-rapl:0", "package-0-die-0", 777);
  zone(r, "intel-rapl:1", "package-0-die-1", 777);
  std::vector<std::string> notes;
  auto s = RaplSource::open(r, &notes);
  ASSERT_TRUE(s);
  EXPECT_EQ(components(**s), (std::vector<std::string>{"cpu-package-0"}));
  set_energy(r, "intel-rapl:0", 68000777);  // 68 J on the socket counter, seen by both dies
  set_energy(r, "intel-rapl:1", 68000777);
  EXPECT_DOUBLE_EQ((*(*s)->read_j())[0], 68.0);  // not 136
}

TEST(RaplSource, DistinctDiesAreKeptSeparately) {
  TempDir d;
  const auto& r = d.path();
  zone(r, "intel-rapl:0", "package-0-die-0", 100);
  zone(r, "intel-rapl:1", "package-0-die-1", 900);
  std::vector<std::string> notes;
  auto s = RaplSource::open(r, &notes);
  ASSERT_TRUE(s);
  EXPECT_EQ(components(**s),
            (std::vector<std::string>{"cpu-package-0-die-0", "cpu-package-0-die-1"}));
}

TEST(RaplSource, WraparoundDuringASpan) {
  TempDir d;
  const auto& r = d.path();
  const unsigned long long max = 262143328850ULL;
  zone(r, "intel-rapl:0", "package-0", max - 3000000, max);
  std::vector<std::string> notes;
  auto s = RaplSource::open(r, &notes);
  ASSERT_TRUE(s);
  set_energy(r, "intel-rapl:0", max - 1000000);  // +2 J
  EXPECT_DOUBLE_EQ((*(*s)->read_j())[0], 2.0);
  set_energy(r, "intel-rapl:0", 4000000);  // wrapped: +1 J to the top, +4 J after
  EXPECT_DOUBLE_EQ((*(*s)->read_j())[0], 7.0);
  set_energy(r, "intel-rapl:0", 4500000);
  EXPECT_DOUBLE_EQ((*(*s)->read_j())[0], 7.5);
}

TEST(RaplSource, UnreadableEnergyFileSkipsTheZoneAndSaysWhere) {
  TempDir d;
  const auto& r = d.path();
  zone(r, "intel-rapl:0", "package-0", 0);
  zone(r, "intel-rapl:0:0", "dram", 0);
  // A directory where the counter file should be: read() fails even for root.
  std::filesystem::remove(r + "/intel-rapl:0:0/energy_uj");
  std::filesystem::create_directory(r + "/intel-rapl:0:0/energy_uj");
  std::vector<std::string> notes;
  auto s = RaplSource::open(r, &notes);
  ASSERT_TRUE(s);
  EXPECT_EQ(components(**s), (std::vector<std::string>{"cpu-package-0"}));
  bool named = false;
  for (const auto& n : notes) named |= n.find("intel-rapl:0:0/energy_uj") != std::string::npos;
  EXPECT_TRUE(named);
}

TEST(RaplSource, NothingReadableIsAnErrorNamingTheFile) {
  TempDir d;
  zone(d.path(), "intel-rapl:0", "package-0", 0);
  std::filesystem::remove(d.path() + "/intel-rapl:0/energy_uj");
  std::filesystem::create_directory(d.path() + "/intel-rapl:0/energy_uj");
  std::vector<std::string> notes;
  auto s = RaplSource::open(d.path(), &notes);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().find("intel-rapl:0/energy_uj"), std::string::npos) << s.error();
}

TEST(RaplSource, MalformedCounterFileIsAReadErrorNamingTheFile) {
  TempDir d;
  zone(d.path(), "intel-rapl:0", "package-0", 10);
  std::vector<std::string> notes;
  auto s = RaplSource::open(d.path(), &notes);
  ASSERT_TRUE(s);
  meters_test::write_file(d.path() + "/intel-rapl:0/energy_uj", "12ab\n");
  auto j = (*s)->read_j();
  ASSERT_FALSE(j);
  EXPECT_NE(j.error().find("intel-rapl:0/energy_uj"), std::string::npos) << j.error();
  EXPECT_NE(j.error().find("12ab"), std::string::npos);
  // The energy is not lost: the next good read has it all.
  set_energy(d.path(), "intel-rapl:0", 3000010);
  EXPECT_DOUBLE_EQ((*(*s)->read_j())[0], 3.0);
}

TEST(RaplSource, MissingTreeExplainsVm) {
  std::vector<std::string> notes;
  auto s = RaplSource::open("/nonexistent/powercap", &notes);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().find("/nonexistent/powercap"), std::string::npos);
}

TEST(RaplSource, PermissionDeniedMessageSaysHowToGrantAccess) {
  const std::string m = meters::detail::explain_errno("/sys/class/powercap/intel-rapl:0/energy_uj",
                                                      EACCES, "rapl");
  EXPECT_NE(m.find("Permission denied"), std::string::npos);
  EXPECT_NE(m.find("docs/metering.md"), std::string::npos);
  EXPECT_NE(m.find("udev"), std::string::npos);
}

}  // namespace
