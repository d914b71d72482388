#include "meters/cpu_tdp.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <string_view>
#include <sstream>

#include "meters/energy_source.h"

namespace meters {

namespace {

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Space-separated words of an already normalized name.
std::vector<std::string_view> words(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t p = 0;
  while (p < s.size()) {
    const std::size_t q = s.find(' ', p);
    const std::size_t e = q == std::string_view::npos ? s.size() : q;
    if (e > p) out.push_back(s.substr(p, e - p));
    p = e + 1;
  }
  return out;
}

bool contains(const std::vector<std::string_view>& set, std::string_view w) {
  return std::find(set.begin(), set.end(), w) != set.end();
}

// Every word of a is a word of b.
bool subset(const std::vector<std::string_view>& a, const std::vector<std::string_view>& b) {
  for (auto w : a)
    if (!contains(b, w)) return false;
  return true;
}

}  // namespace

std::string normalize_cpu_name(const std::string& name) {
  std::string s = lower(name);
  const auto at = s.find('@');
  if (at != std::string::npos) s.resize(at);
  for (const char* mark : {"(r)", "(tm)", "(c)", "\u00ae", "\u2122"}) {
    const std::size_t n = std::char_traits<char>::length(mark);
    for (auto p = s.find(mark); p != std::string::npos; p = s.find(mark, p)) s.replace(p, n, " ");
  }
  std::string out;
  out.reserve(s.size());
  for (auto w : words(s)) {
    if (w == "cpu" || w == "processor") continue;
    if (w.size() > 5 && w.substr(w.size() - 5) == "-core") continue;  // "8-core"
    if (!out.empty()) out += ' ';
    out.append(w.data(), w.size());
  }
  return out;
}

hpo::Result<CpuTdpTable> CpuTdpTable::load(const std::string& csv_path) {
  auto text = detail::read_text(csv_path);
  if (!text) return hpo::make_error(text.error());
  CpuTdpTable t;
  std::istringstream in(*text);
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    const auto comma = line.rfind(',');
    if (comma == std::string::npos) continue;
    std::string name = detail::trim(line.substr(0, comma));
    if (name.size() >= 2 && name.front() == '"' && name.back() == '"')
      name = name.substr(1, name.size() - 2);
    const std::string v = detail::trim(line.substr(comma + 1));
    char* end = nullptr;
    const double w = std::strtod(v.c_str(), &end);
    if (v.empty() || end != v.c_str() + v.size() || w <= 0) continue;  // "27.29.5", 0
    t.normalized_.push_back(lower(name));  // lower-case; normalized on demand in match()
    t.entries_.push_back({std::move(name), w});
  }
  return t;
}

std::optional<TdpEntry> CpuTdpTable::match(const std::string& cpu_model) const {
  const std::string low = lower(detail::trim(cpu_model));
  if (low.empty()) return std::nullopt;
  for (std::size_t i = 0; i < entries_.size(); ++i)
    if (normalized_[i] == low) return entries_[i];
  const std::string norm = normalize_cpu_name(cpu_model);
  const auto mine = words(norm);
  if (mine.empty()) return std::nullopt;
  std::string_view longest = mine[0];
  for (auto w : mine)
    if (w.size() > longest.size()) longest = w;
  // Cheap filters first: a candidate contains my longest word (equal or mine-in-theirs), or
  // its last word (usually the model number) is in my name (theirs-in-mine).
  std::optional<TdpEntry> found;
  std::optional<TdpEntry> equal;
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    const std::string& l = normalized_[i];
    const auto sp = l.find_last_of(' ');
    const std::string_view last = sp == std::string::npos ? std::string_view(l)
                                                          : std::string_view(l).substr(sp + 1);
    const bool a = l.find(longest) != std::string::npos;
    const bool b = !last.empty() && norm.find(last) != std::string::npos;
    if (!a && !b) continue;
    const std::string theirs_norm = normalize_cpu_name(entries_[i].name);
    if (theirs_norm == norm) {
      if (!equal) equal = entries_[i];
      continue;
    }
    const auto theirs = words(theirs_norm);
    if (theirs.size() < 2 || mine.size() < 2) continue;
    if (subset(theirs, mine) || subset(mine, theirs)) {
      if (found && found->name != entries_[i].name) found = TdpEntry{"", -1.0};  // ambiguous
      else if (!found) found = entries_[i];
    }
  }
  if (equal) return equal;
  if (found && found->tdp_w < 0) return std::nullopt;
  return found;
}

CpuInfo read_cpuinfo(const std::string& path) {
  CpuInfo info;
  auto text = detail::read_text(path);
  if (!text) return info;
  std::istringstream in(*text);
  std::string line;
  while (std::getline(in, line)) {
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    const std::string key = detail::trim(line.substr(0, colon));
    const std::string val = detail::trim(line.substr(colon + 1));
    if (key == "processor") ++info.logical_cpus;
    if (info.logical_cpus > 1) continue;  // first CPU's fields only
    if ((key == "model name" || key == "Hardware" || key == "cpu model") && info.model_name.empty())
      info.model_name = val;
    else if (key == "vendor_id") info.vendor_id = val;
    else if (key == "cpu family") info.family = std::atoi(val.c_str());
    else if (key == "model") info.model = std::atoi(val.c_str());
    else if (key == "siblings") info.threads_per_package = std::atoi(val.c_str());
  }
  return info;
}

std::string data_dir() {
#ifdef ECOHPO_DATA_DIR
  return detail::env_or("ECOHPO_DATA_DIR", ECOHPO_DATA_DIR);
#else
  return detail::env_or("ECOHPO_DATA_DIR", "meters/data");
#endif
}

}  // namespace meters
