#include "meters/estimate_source.h"

#include <unistd.h>

#include <cstdio>

#include "meters/cpu_tdp.h"

namespace meters {

namespace {
constexpr double kUnknownCpuWPerThread = 4.0;  // CodeCarbon DEFAULT_POWER_PER_CORE
}

std::string EstimateSource::Options::validate() const {
  if (cpu_w_per_thread < 0) return "estimate: cpu_w_per_thread must be >= 0";
  if (memory_w_per_gb < 0) return "estimate: memory_w_per_gb must be >= 0";
  return "";
}

EstimateSource::EstimateSource(const Options& options) {
  double w = options.cpu_w_per_thread;
  char buf[256];
  std::string how;
  if (w > 0) {
    std::snprintf(buf, sizeof buf, "%.2f W per busy thread (given)", w);
    how = buf;
  } else {
    const CpuInfo info = read_cpuinfo(options.cpuinfo_path);
    const std::string csv =
        options.tdp_csv.empty() ? data_dir() + "/codecarbon_cpu_tdp.csv" : options.tdp_csv;
    auto table = CpuTdpTable::load(csv);
    std::optional<TdpEntry> hit;
    if (table) hit = table->match(info.model_name);
    int threads = info.threads_per_package > 0 ? info.threads_per_package
                                               : static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN));
    if (threads <= 0) threads = 1;
    if (hit) {
      w = hit->tdp_w / threads;
      std::snprintf(buf, sizeof buf, "'%s' = '%s' TDP %.0f W / %d threads = %.2f W per busy thread",
                    info.model_name.c_str(), hit->name.c_str(), hit->tdp_w, threads, w);
    } else {
      w = kUnknownCpuWPerThread;
      std::snprintf(buf, sizeof buf, "'%s' not in the TDP table%s: %.1f W per busy thread",
                    info.model_name.c_str(), table ? "" : (" (" + table.error() + ")").c_str(), w);
    }
    how = buf;
  }
  Channel cpu{"cpu", "estimate", ChannelKind::kCpu, -1, ChannelModel::kPerCpuSecond, w, true};
  Channel mem{"memory", "estimate", ChannelKind::kOther, -1, ChannelModel::kPerRssGbSecond,
              options.memory_w_per_gb, true};
  channels_ = {cpu, mem};
  std::snprintf(buf, sizeof buf, "; memory %.3f W/GB resident", options.memory_w_per_gb);
  describe_ = "estimate(cpu " + how + buf + ")";
}

}  // namespace meters
