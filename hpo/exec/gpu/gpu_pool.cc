#include "hpo/exec/gpu/gpu_pool.h"

#include <algorithm>
#include <cctype>

namespace hpo {

namespace {

std::string trim(const std::string& s) {
  std::size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

std::vector<std::string> split_commas(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    const std::size_t comma = s.find(',', start);
    const std::size_t end = comma == std::string::npos ? s.size() : comma;
    out.push_back(trim(s.substr(start, end - start)));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

bool is_index(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(),
                                   [](unsigned char c) { return std::isdigit(c) != 0; });
}

// CUDA reads CUDA_VISIBLE_DEVICES up to the first invalid entry; we refuse one instead, so a
// typo never silently hands out the wrong GPUs.
Result<GpuPool::Gpu> resolve(const std::string& entry,
                             const std::vector<meters::GpuDevice>& metered) {
  const std::string where = "CUDA_VISIBLE_DEVICES entry '" + entry + "'";
  if (entry.rfind("MIG-", 0) == 0)
    return make_error(where + ": MIG instances are not supported (NVML meters whole GPUs)");
  if (is_index(entry)) {
    const int index = std::stoi(entry);
    if (metered.empty()) return GpuPool::Gpu{-1, entry};
    for (const auto& g : metered)
      if (g.index == index) return GpuPool::Gpu{g.index, g.uuid.empty() ? entry : g.uuid};
    return make_error(where + ": NVML lists no GPU " + entry + " (it sees " +
                      std::to_string(metered.size()) + ")");
  }
  if (entry.rfind("GPU-", 0) != 0)
    return make_error(where + ": expected a GPU index or a GPU-... UUID");
  if (metered.empty()) return GpuPool::Gpu{-1, entry};
  std::vector<GpuPool::Gpu> matches;
  for (const auto& g : metered)
    if (!g.uuid.empty() && g.uuid.rfind(entry, 0) == 0) matches.push_back({g.index, g.uuid});
  if (matches.size() > 1) return make_error(where + ": the prefix matches several GPUs");
  if (matches.empty()) return make_error(where + ": no GPU that NVML lists has this UUID");
  return matches.front();
}

}  // namespace

Result<GpuPool> GpuPool::make(int gpus_per_trial, const std::vector<meters::GpuDevice>& metered,
                              const std::optional<std::string>& visible, int unverified_count) {
  GpuPool pool;
  pool.gpus_per_trial_ = gpus_per_trial;
  if (gpus_per_trial <= 0) return pool;
  if (visible) {
    const std::string v = trim(*visible);
    if (v.empty() || v == "-1" || v == "NoDevFiles")
      return make_error("gpus_per_trial is " + std::to_string(gpus_per_trial) +
                        " but CUDA_VISIBLE_DEVICES='" + *visible + "' hides every GPU");
    for (const std::string& entry : split_commas(v)) {
      Result<Gpu> g = resolve(entry, metered);
      if (!g.ok()) return make_error(g.error());
      const bool duplicate = std::any_of(pool.all_.begin(), pool.all_.end(), [&](const Gpu& x) {
        return x.token == g.value().token;
      });
      if (duplicate) return make_error("CUDA_VISIBLE_DEVICES names GPU '" + entry + "' twice");
      pool.all_.push_back(g.value());
    }
  } else if (!metered.empty()) {
    for (const auto& g : metered)
      pool.all_.push_back({g.index, g.uuid.empty() ? std::to_string(g.index) : g.uuid});
  } else {
    for (int i = 0; i < unverified_count; ++i) pool.all_.push_back({-1, std::to_string(i)});
  }
  if (metered.empty())
    pool.notes_.push_back("GPU energy not measured: no GPU meter (nvml) is readable here; "
                          "trials get CUDA_VISIBLE_DEVICES from " +
                          std::string(visible ? "the coordinator's CUDA_VISIBLE_DEVICES"
                                              : "indices 0.." + std::to_string(unverified_count - 1)) +
                          ", unverified");
  if (static_cast<int>(pool.all_.size()) < gpus_per_trial)
    return make_error("gpus_per_trial is " + std::to_string(gpus_per_trial) + " but only " +
                      std::to_string(pool.all_.size()) + " GPU(s) are available");
  pool.free_ = pool.all_;
  return pool;
}

int GpuPool::max_concurrent_trials() const {
  return gpus_per_trial_ <= 0 ? 0 : size() / gpus_per_trial_;
}

std::vector<GpuPool::Gpu> GpuPool::take() {
  if (!can_take() || gpus_per_trial_ <= 0) return {};
  std::vector<Gpu> out(free_.begin(), free_.begin() + gpus_per_trial_);
  free_.erase(free_.begin(), free_.begin() + gpus_per_trial_);
  return out;
}

void GpuPool::give_back(const std::vector<Gpu>& gpus) {
  for (const Gpu& g : gpus) free_.push_back(g);
  auto position = [this](const Gpu& g) {
    for (std::size_t i = 0; i < all_.size(); ++i)
      if (all_[i].token == g.token) return i;
    return all_.size();
  };
  std::sort(free_.begin(), free_.end(),
            [&](const Gpu& a, const Gpu& b) { return position(a) < position(b); });
}

std::string GpuPool::visible_devices(const std::vector<Gpu>& gpus) {
  std::string out;
  for (const Gpu& g : gpus) out += (out.empty() ? "" : ",") + g.token;
  return out;
}

std::vector<int> GpuPool::meter_indices(const std::vector<Gpu>& gpus) {
  std::vector<int> out;
  for (const Gpu& g : gpus)
    if (g.meter_index >= 0) out.push_back(g.meter_index);
  return out;
}

}  // namespace hpo
