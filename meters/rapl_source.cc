#include "meters/rapl_source.h"

#include <dirent.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <regex>

namespace meters {

namespace {

constexpr double kAssumedMaxZonePowerW = 1000.0;  // for the wrap-safe read interval

struct Found {
  std::string dir, prefix, name;
  std::vector<int> index;  // intel-rapl:0:1 -> {0, 1}
  unsigned long long energy_uj = 0, max_uj = 0;
};

bool parse_zone_dir(const std::string& entry, std::string* prefix, std::vector<int>* index) {
  const auto colon = entry.find(':');
  if (colon == std::string::npos || colon == 0) return false;
  *prefix = entry.substr(0, colon);
  index->clear();
  std::size_t p = colon;
  while (p != std::string::npos) {
    const std::size_t q = entry.find(':', p + 1);
    const std::string part = entry.substr(p + 1, q == std::string::npos ? q : q - p - 1);
    if (part.empty() || part.find_first_not_of("0123456789") != std::string::npos) return false;
    index->push_back(std::atoi(part.c_str()));
    p = q;
  }
  return !index->empty();
}

}  // namespace

std::string RaplSource::default_root() {
  return detail::env_or("ECOHPO_POWERCAP_ROOT", "/sys/class/powercap");
}

hpo::Result<std::unique_ptr<RaplSource>> RaplSource::open(const std::string& root,
                                                         std::vector<std::string>* notes) {
  DIR* dir = opendir(root.c_str());
  if (!dir)
    return hpo::make_error("rapl: no powercap tree at " + root + " (" +
                           detail::explain_errno(root, errno, "rapl") +
                           "; a VM or container usually exposes none)");
  std::vector<std::string> entries;
  while (dirent* de = readdir(dir)) entries.emplace_back(de->d_name);
  closedir(dir);
  std::sort(entries.begin(), entries.end());

  std::vector<Found> zones;
  std::vector<std::string> problems;
  for (const auto& e : entries) {
    Found f;
    if (!parse_zone_dir(e, &f.prefix, &f.index)) continue;
    f.dir = root + "/" + e;
    auto name = detail::read_text(f.dir + "/name", "rapl");
    if (!name) {
      problems.push_back(name.error());
      continue;
    }
    f.name = detail::trim(*name);
    zones.push_back(f);
  }
  auto find_zone = [&](const std::string& prefix, const std::vector<int>& index) -> const Found* {
    for (const auto& z : zones)
      if (z.prefix == prefix && z.index == index) return &z;
    return nullptr;
  };
  auto has_standard = [&](const std::string& name) {
    for (const auto& z : zones)
      if (z.prefix == "intel-rapl" && z.index.size() == 1 && z.name == name) return true;
    return false;
  };

  // Pick the zones: top-level packages (and top-level dram), dram subzones.
  struct Pick {
    Found zone;
    std::string component;
    ChannelKind kind;
    int package = -1, die = -1;
  };
  std::vector<Pick> picks;
  static const std::regex pkg_re(R"(package-(\d+)(?:-die-(\d+))?)");
  for (const auto& z : zones) {
    std::smatch m;
    if (z.index.size() == 1) {
      if (z.prefix != "intel-rapl" && has_standard(z.name)) {
        notes->push_back("rapl: " + z.dir + " (" + z.name + ") duplicates intel-rapl's " +
                         z.name + "; not added");
        continue;
      }
      if (std::regex_match(z.name, m, pkg_re)) {
        Pick p{z, "cpu-package-" + m[1].str(), ChannelKind::kCpu, std::stoi(m[1].str()),
               m[2].matched ? std::stoi(m[2].str()) : -1};
        if (p.die >= 0) p.component += "-die-" + m[2].str();
        picks.push_back(p);
      } else if (z.name == "dram") {
        picks.push_back({z, "dram-" + std::to_string(z.index[0]), ChannelKind::kDram});
      } else if (z.name == "psys") {
        notes->push_back("rapl: " + z.dir + " (psys, the whole platform) contains the package "
                         "zones; not added");
      }
    } else if (z.index.size() == 2 && z.name == "dram") {
      if (z.prefix != "intel-rapl" && find_zone("intel-rapl", z.index)) continue;
      const Found* parent = find_zone(z.prefix, {z.index[0]});
      std::string n = std::to_string(z.index[0]);
      if (parent && std::regex_match(parent->name, m, pkg_re)) n = m[1].str();
      picks.push_back({z, "dram-" + n, ChannelKind::kDram});
    }
    // core, uncore (inside package) and unknown names are never added.
  }

  // Read each picked zone once: energy and wrap range.
  std::vector<Pick> usable;
  for (auto& p : picks) {
    auto e = detail::read_u64(p.zone.dir + "/energy_uj", "rapl");
    if (!e) {
      problems.push_back(e.error());
      continue;
    }
    auto mx = detail::read_u64(p.zone.dir + "/max_energy_range_uj", "rapl");
    if (!mx || *mx == 0) {
      problems.push_back(mx ? p.zone.dir + "/max_energy_range_uj is 0" : mx.error());
      continue;
    }
    p.zone.energy_uj = *e;
    p.zone.max_uj = *mx;
    usable.push_back(p);
  }
  // Mirrored dies: sibling die zones of one package showing the same counter value.
  std::map<int, std::vector<std::size_t>> dies;
  for (std::size_t i = 0; i < usable.size(); ++i)
    if (usable[i].die >= 0) dies[usable[i].package].push_back(i);
  std::vector<char> drop(usable.size(), 0);
  for (auto& [pkg, idx] : dies) {
    if (idx.size() < 2) continue;
    bool mirrored = true;
    for (std::size_t i : idx) mirrored &= usable[i].zone.energy_uj == usable[idx[0]].zone.energy_uj;
    if (!mirrored) continue;
    for (std::size_t k = 1; k < idx.size(); ++k) drop[idx[k]] = 1;
    usable[idx[0]].component = "cpu-package-" + std::to_string(pkg);
    notes->push_back("rapl: " + std::to_string(idx.size()) + " die zones of package-" +
                     std::to_string(pkg) + " mirror one socket counter; counted once");
  }

  std::unique_ptr<RaplSource> src(new RaplSource());
  for (std::size_t i = 0; i < usable.size(); ++i) {
    if (drop[i]) continue;
    const auto& p = usable[i];
    src->zones_.push_back({p.zone.dir + "/energy_uj", p.zone.max_uj, p.zone.energy_uj, 0});
    src->channels_.push_back({p.component, "rapl", p.kind});
    src->max_interval_s_ = std::min(
        src->max_interval_s_,
        std::max(0.1, static_cast<double>(p.zone.max_uj) * 1e-6 / kAssumedMaxZonePowerW / 2));
  }
  for (const auto& pr : problems) notes->push_back("rapl: " + pr);
  if (src->zones_.empty()) {
    std::string why = problems.empty() ? "no package or dram zone under " + root : problems[0];
    return hpo::make_error("rapl: not usable: " + why);
  }
  return src;
}

hpo::Result<std::vector<double>> RaplSource::read_j() {
  std::vector<unsigned long long> now(zones_.size());
  for (std::size_t i = 0; i < zones_.size(); ++i) {
    auto v = detail::read_u64(zones_[i].energy_path, "rapl");
    if (!v) return hpo::make_error(v.error());
    now[i] = *v;
  }
  std::vector<double> out(zones_.size());
  for (std::size_t i = 0; i < zones_.size(); ++i) {
    Zone& z = zones_[i];
    if (now[i] >= z.last_uj)
      z.acc_uj += now[i] - z.last_uj;
    else  // wrapped once
      z.acc_uj += (z.max_range_uj - z.last_uj) + now[i];
    z.last_uj = now[i];
    out[i] = static_cast<double>(z.acc_uj) * 1e-6;
  }
  return out;
}

}  // namespace meters
