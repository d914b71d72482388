#include "meters/msr_source.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>

#include "meters/cpu_tdp.h"

namespace meters {

namespace {

constexpr unsigned long long kIntelUnit = 0x606, kIntelPkg = 0x611, kIntelDram = 0x619;
constexpr unsigned long long kAmdUnit = 0xC0010299, kAmdPkg = 0xC001029B;

bool read_msr(int fd, unsigned long long address, unsigned long long* value) {
  return pread(fd, value, sizeof *value, static_cast<off_t>(address)) == sizeof *value;
}

std::vector<std::pair<int, int>> discover(const std::string& root) {
  std::map<int, int> first_cpu;  // package -> lowest cpu with an msr file
  DIR* dir = opendir(root.c_str());
  if (!dir) return {};
  std::vector<int> cpus;
  while (dirent* de = readdir(dir)) {
    const std::string n = de->d_name;
    if (n.empty() || n.find_first_not_of("0123456789") != std::string::npos) continue;
    if (access((root + "/" + n + "/msr").c_str(), F_OK) == 0) cpus.push_back(std::atoi(n.c_str()));
  }
  closedir(dir);
  for (int c : cpus) {
    auto pkg = detail::read_u64("/sys/devices/system/cpu/cpu" + std::to_string(c) +
                                "/topology/physical_package_id");
    const int p = pkg ? static_cast<int>(*pkg) : 0;
    auto it = first_cpu.find(p);
    if (it == first_cpu.end() || c < it->second) first_cpu[p] = c;
  }
  std::vector<std::pair<int, int>> out(first_cpu.begin(), first_cpu.end());
  return out;
}

}  // namespace

std::string MsrSource::default_root() { return detail::env_or("ECOHPO_MSR_ROOT", "/dev/cpu"); }

double MsrSource::fixed_dram_unit_j(int family, int model) {
  if (family != 6) return 0.0;
  switch (model) {
    case 0x3F: case 0x4F: case 0x56: case 0x55: case 0x6A: case 0x6C: case 0x57: case 0x85:
      return 1.0 / 65536.0;  // 15.3 uJ
    case 0x8F: case 0xCF: case 0xAD: case 0xAE: case 0xAF:
      return 1.0 / 16384.0;  // 61 uJ
    default:
      return 0.0;
  }
}

hpo::Result<std::unique_ptr<MsrSource>> MsrSource::open(const Options& options,
                                                       std::vector<std::string>* notes) {
  const std::string root = options.root.empty() ? default_root() : options.root;
  CpuInfo info;
  if (options.vendor.empty() || options.family < 0 || options.model < 0) info = read_cpuinfo();
  const std::string vendor = options.vendor.empty() ? info.vendor_id : options.vendor;
  const int family = options.family >= 0 ? options.family : info.family;
  const int model = options.model >= 0 ? options.model : info.model;
  const bool amd = vendor == "AuthenticAMD" || vendor == "HygonGenuine";
  if (!amd && vendor != "GenuineIntel")
    return hpo::make_error("msr: unsupported CPU vendor '" + vendor + "'");
  auto pkgs = options.package_cpus.empty() ? discover(root) : options.package_cpus;
  if (pkgs.empty())
    return hpo::make_error("msr: no " + root + "/N/msr device (load the msr module: "
                           "`modprobe msr`; a VM usually exposes no RAPL MSRs)");
  std::unique_ptr<MsrSource> src(new MsrSource());
  for (const auto& [pkg, cpu] : pkgs) {
    const std::string path = root + "/" + std::to_string(cpu) + "/msr";
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return hpo::make_error("msr: " + detail::explain_errno(path, errno, "msr"));
    src->fds_.push_back(fd);
    unsigned long long unit = 0;
    const unsigned long long unit_reg = amd ? kAmdUnit : kIntelUnit;
    if (!read_msr(fd, unit_reg, &unit))
      return hpo::make_error("msr: cannot read the power-unit register in " + path + ": " +
                             (errno ? std::strerror(errno) : "short read"));
    const double unit_j = 1.0 / static_cast<double>(1ULL << ((unit >> 8) & 0x1F));
    const unsigned long long pkg_reg = amd ? kAmdPkg : kIntelPkg;
    unsigned long long v = 0;
    if (!read_msr(fd, pkg_reg, &v))
      return hpo::make_error("msr: cannot read the package energy register in " + path);
    src->regs_.push_back({fd, pkg_reg, unit_j, static_cast<unsigned>(v & 0xFFFFFFFFu), 0});
    src->channels_.push_back({"cpu-package-" + std::to_string(pkg), "msr", ChannelKind::kCpu});
    if (!amd) {
      if (read_msr(fd, kIntelDram, &v)) {
        const double fixed = fixed_dram_unit_j(family, model);
        src->regs_.push_back({fd, kIntelDram, fixed > 0 ? fixed : unit_j,
                              static_cast<unsigned>(v & 0xFFFFFFFFu), 0});
        src->channels_.push_back({"dram-" + std::to_string(pkg), "msr", ChannelKind::kDram});
      } else {
        notes->push_back("msr: no DRAM energy register on package " + std::to_string(pkg));
      }
    }
  }
  return src;
}

MsrSource::~MsrSource() {
  for (int fd : fds_) ::close(fd);
}

hpo::Result<std::vector<double>> MsrSource::read_j() {
  std::vector<unsigned> now(regs_.size());
  for (std::size_t i = 0; i < regs_.size(); ++i) {
    unsigned long long v = 0;
    if (!read_msr(regs_[i].fd, regs_[i].address, &v))
    {
      char buf[96];
      std::snprintf(buf, sizeof buf, "msr: read of register 0x%llX failed", regs_[i].address);
      return hpo::make_error(buf);
    }
    now[i] = static_cast<unsigned>(v & 0xFFFFFFFFu);
  }
  std::vector<double> out(regs_.size());
  for (std::size_t i = 0; i < regs_.size(); ++i) {
    Reg& r = regs_[i];
    r.acc += static_cast<unsigned>(now[i] - r.last);  // modulo 2^32: one wrap is fine
    r.last = now[i];
    out[i] = static_cast<double>(r.acc) * r.unit_j;
  }
  return out;
}

}  // namespace meters
