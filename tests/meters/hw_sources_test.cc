// perf PMU sysfs parsing, the perf source through injected event calls and through the real
// perf_event_open syscall (where this machine has a power PMU), MSR registers in fake device
// files, the TDP table and the estimate, /proc parsing.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <map>
#include <sys/syscall.h>
#include <fstream>

#include "fake_powercap.h"
#include "meters/cpu_tdp.h"
#include "meters/estimate_source.h"
#include "meters/msr_source.h"
#include "meters/perf_source.h"
#include "meters/process_cpu.h"

namespace {

using meters_test::TempDir;
using meters_test::write_file;

TEST(PerfPmu, ParsesTypeEventsScalesAndCpumask) {
  TempDir d;
  const auto& r = d.path();
  write_file(r + "/type", "23\n");
  write_file(r + "/cpumask", "0,36\n");
  write_file(r + "/events/energy-pkg", "event=0x02\n");
  write_file(r + "/events/energy-pkg.scale", "2.3283064365386962890625e-10\n");
  write_file(r + "/events/energy-pkg.unit", "Joules\n");
  write_file(r + "/events/energy-ram", "event=0x03\n");
  write_file(r + "/events/energy-ram.scale", "6.103515625e-05\n");
  auto p = meters::read_power_pmu(r);
  ASSERT_TRUE(p) << p.error();
  EXPECT_EQ(p->type, 23);
  EXPECT_EQ(p->cpus, (std::vector<int>{0, 36}));
  ASSERT_EQ(p->events.size(), 2u);
  EXPECT_EQ(p->events[0].name, "energy-pkg");
  EXPECT_EQ(p->events[0].config, 2u);
  EXPECT_DOUBLE_EQ(p->events[0].scale_j, std::ldexp(1.0, -32));
  EXPECT_EQ(p->events[1].config, 3u);
  EXPECT_DOUBLE_EQ(p->events[1].scale_j, std::ldexp(1.0, -14));
}

TEST(PerfPmu, CpuListRanges) {
  EXPECT_EQ(meters::parse_cpu_list("0-2,8\n"), (std::vector<int>{0, 1, 2, 8}));
}

TEST(PerfPmu, MalformedEventFileIsNamed) {
  TempDir d;
  write_file(d.path() + "/type", "23\n");
  write_file(d.path() + "/events/energy-pkg", "umask=0x02\n");
  write_file(d.path() + "/events/energy-pkg.scale", "1e-10\n");
  auto p = meters::read_power_pmu(d.path());
  ASSERT_FALSE(p);
  EXPECT_NE(p.error().find("events/energy-pkg"), std::string::npos) << p.error();
}

TEST(PerfPmu, BadScaleIsNamed) {
  TempDir d;
  write_file(d.path() + "/type", "23\n");
  write_file(d.path() + "/events/energy-pkg", "event=0x02\n");
  write_file(d.path() + "/events/energy-pkg.scale", "Joules\n");
  auto p = meters::read_power_pmu(d.path());
  ASSERT_FALSE(p);
  EXPECT_NE(p.error().find("energy-pkg.scale"), std::string::npos) << p.error();
}

TEST(PerfPmu, MissingPmuIsAnError) {
  auto p = meters::read_power_pmu("/nonexistent/power");
  ASSERT_FALSE(p);
  EXPECT_NE(p.error().find("/nonexistent/power/type"), std::string::npos);
}

// A fake PMU tree: energy-pkg and energy-ram on two sockets, or energy-psys alone.
std::string fake_pmu(const TempDir& d, bool psys_only) {
  const auto& r = d.path();
  write_file(r + "/type", "23\n");
  write_file(r + "/cpumask", psys_only ? "0\n" : "0,4\n");
  write_file(r + "/events/energy-psys", "event=0x05\n");
  write_file(r + "/events/energy-psys.scale", "0.5\n");
  if (!psys_only) {
    write_file(r + "/events/energy-pkg", "event=0x02\n");
    write_file(r + "/events/energy-pkg.scale", "0.25\n");
    write_file(r + "/events/energy-ram", "event=0x03\n");
    write_file(r + "/events/energy-ram.scale", "0.125\n");
  }
  return r;
}

// Injected event calls: every read of an event advances its count by `step` (0 = frozen).
struct FakeEvents {
  std::map<int, unsigned long long> count, step;
  std::vector<std::string> opened;  // "type/config/cpu"
  std::vector<int> closed;
  int fail_errno = 0;
  meters::PerfEventOps ops() {
    meters::PerfEventOps o;
    o.open_event = [this](int type, unsigned long long config, int cpu) {
      if (fail_errno) return -fail_errno;
      opened.push_back(std::to_string(type) + "/" + std::to_string(config) + "/" +
                       std::to_string(cpu));
      const int fd = 100 + static_cast<int>(opened.size());
      count[fd] = 1000;
      step[fd] = config == 3 ? 0 : 8;  // dram frozen unless the test changes it
      return fd;
    };
    o.read_count = [this](int fd, unsigned long long* v) {
      count[fd] += step[fd];
      *v = count[fd];
      return true;
    };
    o.close_event = [this](int fd) { closed.push_back(fd); };
    return o;
  }
};

TEST(PerfSource, InjectedEventsAreOpenedPerSocketScaledAndClosed) {
  TempDir d;
  FakeEvents fake;
  meters::PerfSource::Options o;
  o.ops = fake.ops();
  o.ops.open_event = [&fake, open = o.ops.open_event](int t, unsigned long long c, int cpu) {
    const int fd = open(t, c, cpu);
    fake.step[fd] = 8;  // everything counts
    return fd;
  };
  {
    auto s = meters::PerfSource::open(fake_pmu(d, false), nullptr, o);
    ASSERT_TRUE(s) << s.error();
    // pkg and ram on cpus 0 and 4; psys is not added on top of the package.
    EXPECT_EQ(fake.opened, (std::vector<std::string>{"23/2/0", "23/2/4", "23/3/0", "23/3/4"}));
    ASSERT_EQ((*s)->channels().size(), 4u);
    EXPECT_EQ((*s)->channels()[0].component, "cpu-package-0");
    EXPECT_EQ((*s)->channels()[3].component, "dram-1");
    EXPECT_EQ((*s)->channels()[3].kind, meters::ChannelKind::kDram);
    const unsigned long long pkg0 = fake.count[101];
    auto j = (*s)->read_j();
    ASSERT_TRUE(j) << j.error();
    // Joules since open = (count now - count at open) x scale.
    EXPECT_DOUBLE_EQ((*j)[0], static_cast<double>(pkg0 + 8 - 1008) * 0.25);
    EXPECT_DOUBLE_EQ((*j)[2], static_cast<double>(fake.count[103] - 1008) * 0.125);
  }
  EXPECT_EQ(fake.closed.size(), 4u);
}

TEST(PerfSource, PsysAloneIsUsedAsThePlatform) {
  TempDir d;
  FakeEvents fake;
  meters::PerfSource::Options o;
  o.ops = fake.ops();
  std::vector<std::string> notes;
  auto s = meters::PerfSource::open(fake_pmu(d, true), &notes, o);
  ASSERT_TRUE(s) << s.error();
  EXPECT_EQ(fake.opened, (std::vector<std::string>{"23/5/0"}));
  ASSERT_EQ((*s)->channels().size(), 1u);
  EXPECT_EQ((*s)->channels()[0].component, "platform-0");
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_NE(notes[0].find("energy-psys"), std::string::npos);
}

TEST(PerfSource, CounterThatDoesNotAdvanceIsRefusedNotZero) {
  TempDir d;
  FakeEvents fake;  // dram (config 3) frozen
  meters::PerfSource::Options o;
  o.ops = fake.ops();
  o.probe_s = 0.02;
  auto s = meters::PerfSource::open(fake_pmu(d, false), nullptr, o);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().find("energy-ram (cpu 0), energy-ram (cpu 4) opened but not counting"),
            std::string::npos)
      << s.error();
  EXPECT_NE(s.error().find("emulated PMU?"), std::string::npos);
  EXPECT_EQ(fake.closed.size(), 4u);  // nothing leaks on the error path
}

TEST(PerfSource, OpenFailureIsExplained) {
  TempDir d;
  FakeEvents fake;
  fake.fail_errno = EACCES;
  meters::PerfSource::Options o;
  o.ops = fake.ops();
  auto s = meters::PerfSource::open(fake_pmu(d, true), nullptr, o);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().find("perf_event_open(energy-psys, cpu 0)"), std::string::npos) << s.error();
  EXPECT_NE(s.error().find("perf_event_paranoid"), std::string::npos) << s.error();
}

// The real syscall path on this machine's power PMU: open every listed event, read 64-bit
// counts, scale, close; and the source either counts or says it does not (never a zero).
TEST(PerfSource, RealSyscallPath) {
  const std::string root = "/sys/bus/event_source/devices/power";
  auto pmu = meters::read_power_pmu(root);
  if (!pmu) GTEST_SKIP() << "no power PMU on this machine: " << pmu.error();
  const auto sys = meters::PerfEventOps::system();
  for (const auto& e : pmu->events) {
    const int fd = sys.open_event(pmu->type, e.config, pmu->cpus[0]);
    if (fd == -EACCES || fd == -EPERM)
      GTEST_SKIP() << "perf_event_open refused (perf_event_paranoid / CAP_PERFMON): "
                   << std::strerror(-fd);
    ASSERT_GE(fd, 0) << e.name << ": " << std::strerror(-fd);
    unsigned long long a = 0, b = 0;
    ASSERT_TRUE(sys.read_count(fd, &a)) << e.name;
    volatile double sink = 1;
    for (int i = 0; i < 2000000; ++i) sink = sink * 1.0000001;
    ASSERT_TRUE(sys.read_count(fd, &b)) << e.name;
    EXPECT_GE(b, a) << e.name << ": a 64-bit kernel count never goes back";
    EXPECT_GE(static_cast<double>(b - a) * e.scale_j, 0.0);
    sys.close_event(fd);
  }
  std::vector<std::string> notes;
  auto s = meters::PerfSource::open(root, &notes);
  if (s) {
    // A counting PMU: the energy since open grows while we burn CPU.
    volatile double sink = 1;
    for (int i = 0; i < 20000000; ++i) sink = sink * 1.0000001;
    auto j = (*s)->read_j();
    ASSERT_TRUE(j) << j.error();
    double total = 0;
    for (double v : *j) total += v;
    EXPECT_GT(total, 0.0);
  } else {
    // An emulated PMU (a VM): opened fine, refused by the probe with the reason.
    EXPECT_NE(s.error().find("opened but not counting"), std::string::npos) << s.error();
  }
}

// A fake /dev/cpu/0/msr: a sparse regular file with 8-byte registers at their addresses.
void put_msr(const std::string& path, unsigned long long address, unsigned long long value) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(pwrite(fd, &value, sizeof value, static_cast<off_t>(address)), 8);
  ::close(fd);
}

TEST(MsrSource, IntelUnitsPackageAndFixedServerDramUnit) {
  TempDir d;
  const std::string msr = d.path() + "/0/msr";
  write_file(msr, "");
  put_msr(msr, 0x606, (14ULL << 8) | 3);  // energy unit 2^-14 J
  put_msr(msr, 0x611, 1000);
  put_msr(msr, 0x619, 5000);
  meters::MsrSource::Options o;
  o.root = d.path();
  o.vendor = "GenuineIntel";
  o.family = 6;
  o.model = 0x55;  // Skylake-SP: DRAM unit fixed at 2^-16 J
  o.package_cpus = {{0, 0}};
  std::vector<std::string> notes;
  auto s = meters::MsrSource::open(o, &notes);
  ASSERT_TRUE(s) << s.error();
  ASSERT_EQ((*s)->channels().size(), 2u);
  EXPECT_EQ((*s)->channels()[1].component, "dram-0");
  put_msr(msr, 0x611, 1000 + 16384 * 50);  // 50 J
  put_msr(msr, 0x619, 5000 + 65536 * 3);   // 3 J in the fixed DRAM unit
  auto j = (*s)->read_j();
  ASSERT_TRUE(j) << j.error();
  EXPECT_DOUBLE_EQ((*j)[0], 50.0);
  EXPECT_DOUBLE_EQ((*j)[1], 3.0);
  // 32-bit wraparound of the package counter.
  put_msr(msr, 0x611, 0xFFFFFFFFULL - 16383);
  (void)(*s)->read_j();
  const double before = (*(*s)->read_j())[0];
  put_msr(msr, 0x611, 16384 * 2);  // +16384 to wrap, +2 J after
  EXPECT_DOUBLE_EQ((*(*s)->read_j())[0], before + 1.0 + 2.0);
}

TEST(MsrSource, AmdRegisters) {
  TempDir d;
  const std::string msr = d.path() + "/0/msr";
  write_file(msr, "");
  put_msr(msr, 0xC0010299, (16ULL << 8) | 3);  // 2^-16 J
  put_msr(msr, 0xC001029B, 42);
  meters::MsrSource::Options o;
  o.root = d.path();
  o.vendor = "AuthenticAMD";
  o.family = 0x19;
  o.model = 1;
  o.package_cpus = {{0, 0}};
  std::vector<std::string> notes;
  auto s = meters::MsrSource::open(o, &notes);
  ASSERT_TRUE(s) << s.error();
  ASSERT_EQ((*s)->channels().size(), 1u);
  put_msr(msr, 0xC001029B, 42 + 65536 * 7);
  EXPECT_DOUBLE_EQ((*(*s)->read_j())[0], 7.0);
}

TEST(MsrSource, FixedDramUnits) {
  EXPECT_DOUBLE_EQ(meters::MsrSource::fixed_dram_unit_j(6, 0x3F), std::ldexp(1.0, -16));
  EXPECT_DOUBLE_EQ(meters::MsrSource::fixed_dram_unit_j(6, 0x8F), std::ldexp(1.0, -14));
  EXPECT_DOUBLE_EQ(meters::MsrSource::fixed_dram_unit_j(6, 0x9E), 0.0);  // client: register
}

TEST(MsrSource, MissingDeviceExplainsModule) {
  TempDir d;
  meters::MsrSource::Options o;
  o.root = d.path();
  o.vendor = "GenuineIntel";
  o.family = 6;
  o.model = 0x55;
  std::vector<std::string> notes;
  auto s = meters::MsrSource::open(o, &notes);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().find("modprobe msr"), std::string::npos) << s.error();
}

meters::CpuTdpTable shipped() {
  auto t = meters::CpuTdpTable::load(ECOHPO_SOURCE_DIR "/meters/data/codecarbon_cpu_tdp.csv");
  EXPECT_TRUE(t) << t.error();
  return std::move(t).value();
}

TEST(CpuTdp, MatchesBrandStringsLikeCodeCarbon) {
  const auto t = shipped();
  EXPECT_GT(t.size(), 4000u);
  auto a = t.match("AMD EPYC 9124");  // exact
  ASSERT_TRUE(a);
  EXPECT_EQ(a->name, "AMD EPYC 9124");
  auto b = t.match("Intel(R) Xeon(R) Gold 6148 CPU @ 2.40GHz");  // normalized
  ASSERT_TRUE(b);
  EXPECT_EQ(b->name, "Intel Xeon Gold 6148");
  EXPECT_DOUBLE_EQ(b->tdp_w, 150.0);
  EXPECT_FALSE(t.match("Intel(R) Xeon(R) Processor"));  // ambiguous: many Xeons
  EXPECT_FALSE(t.match(""));
}

TEST(CpuTdp, MalformedRowsAreSkipped) {
  const auto t = shipped();
  EXPECT_FALSE(t.match("Intel Celeron 1000A"));  // "27.29.5" in the table
}

TEST(Estimate, RateFromTdpAndCpuinfo) {
  TempDir d;
  write_file(d.path() + "/cpuinfo",
             "processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 85\n"
             "model name\t: Intel(R) Xeon(R) Gold 6148 CPU @ 2.40GHz\nsiblings\t: 40\n\n"
             "processor\t: 1\nmodel name\t: something else\n");
  const auto info = meters::read_cpuinfo(d.path() + "/cpuinfo");
  EXPECT_EQ(info.logical_cpus, 2);
  EXPECT_EQ(info.model, 85);
  EXPECT_EQ(info.threads_per_package, 40);
  meters::EstimateSource::Options o;
  o.cpuinfo_path = d.path() + "/cpuinfo";
  meters::EstimateSource s(o);
  EXPECT_DOUBLE_EQ(s.cpu_w_per_thread(), 150.0 / 40);
  EXPECT_TRUE(s.channels()[0].estimated);
  EXPECT_EQ(s.channels()[0].source, "estimate");
  EXPECT_NE(s.describe().find("Gold 6148"), std::string::npos);
}

TEST(Estimate, UnknownCpuUsesFourWattsPerThread) {
  TempDir d;
  write_file(d.path() + "/cpuinfo", "processor\t: 0\nmodel name\t: Mystery CPU 9000\n");
  meters::EstimateSource::Options o;
  o.cpuinfo_path = d.path() + "/cpuinfo";
  meters::EstimateSource s(o);
  EXPECT_DOUBLE_EQ(s.cpu_w_per_thread(), 4.0);
  EXPECT_NE(s.describe().find("not in the TDP table"), std::string::npos);
}

TEST(ProcStat, ParsesCommWithSpacesAndParens) {
  const std::string line =
      "1234 (my (odd) prog) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 50 30 20 20 0 1 0 "
      "100 1000000 256 18446744073709551615";
  pid_t pid = 0, ppid = 0, pgrp = 0;
  double cpu = 0, rss = 0;
  ASSERT_TRUE(meters::parse_proc_stat(line, 100.0, 4096.0, &pid, &ppid, &pgrp, &cpu, &rss));
  EXPECT_EQ(pid, 1234);
  EXPECT_EQ(ppid, 1);
  EXPECT_EQ(pgrp, 1234);
  EXPECT_DOUBLE_EQ(cpu, (250 + 50 + 30 + 20) / 100.0);
  EXPECT_DOUBLE_EQ(rss, 256 * 4096.0);
  EXPECT_FALSE(meters::parse_proc_stat("garbage", 100.0, 4096.0, &pid, &ppid, &pgrp, &cpu, &rss));
}

TEST(ProcStat, CgroupCpuStatAndMachineStat) {
  TempDir d;
  write_file(d.path() + "/cpu.stat", "usage_usec 2500000\nuser_usec 2000000\n");
  auto c = meters::cgroup_cpu_s(d.path());
  ASSERT_TRUE(c);
  EXPECT_DOUBLE_EQ(*c, 2.5);
  write_file(d.path() + "/bad/cpu.stat", "nothing here\n");
  EXPECT_FALSE(meters::cgroup_cpu_s(d.path() + "/bad"));
  write_file(d.path() + "/stat", "cpu  100 0 50 1000 0 0 0 0 0 0\n");
  auto b = meters::machine_busy_cpu_s(d.path());
  ASSERT_TRUE(b);
  EXPECT_DOUBLE_EQ(*b, 150.0 / static_cast<double>(sysconf(_SC_CLK_TCK)));
}

TEST(ProcStat, CgroupMembersSumResidentMemory) {
  TempDir d;
  // pid 12 is listed but already gone from /proc: skipped.
  write_file(d.path() + "/cg/cgroup.procs", "10\n11\n12\n");
  write_file(d.path() + "/proc/10/stat",
             "10 (a) S 1 10 10 0 -1 0 0 0 0 0 5 5 0 0 20 0 1 0 100 1000 100 1\n");
  write_file(d.path() + "/proc/11/stat",
             "11 (b c) R 1 99 99 0 -1 0 0 0 0 0 5 5 0 0 20 0 1 0 100 1000 50 1\n");
  const auto u = meters::cgroup_members(d.path() + "/cg", d.path() + "/proc");
  EXPECT_EQ(u.processes, 2);
  EXPECT_DOUBLE_EQ(u.rss_bytes, 150.0 * static_cast<double>(sysconf(_SC_PAGESIZE)));
  EXPECT_EQ(meters::cgroup_members(d.path() + "/none", d.path() + "/proc").processes, 0);
}

}  // namespace
