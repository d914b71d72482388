#include "hpo/exec/gpu/gpu_power.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "hpo/core/command_template.h"

namespace hpo {
namespace {

std::string watts_text(double w) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", w);
  return buf;
}

std::optional<double> as_number(const ParamValue& v) {
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* i = std::get_if<std::int64_t>(&v)) return static_cast<double>(*i);
  return std::nullopt;
}

}  // namespace

std::optional<double> parse_watts(const std::string& text) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || end == text.c_str() || *end != '\0' || !std::isfinite(v) || v <= 0)
    return std::nullopt;
  return v;
}

Result<std::vector<std::string>> GpuPowerKnob::begin(const std::vector<int>& gpus,
                                                     const nlohmann::json& recorded) {
  std::vector<std::string> notes;
  for (int g : gpus) {
    auto now = limits_.limit_mw(g);
    if (!now.ok()) return make_error(now.error());
    const std::string key = std::to_string(g);
    unsigned original = now.value();
    if (recorded.is_object() && recorded.contains(key) && recorded[key].is_number_integer() &&
        recorded[key].get<long long>() > 0)
      original = static_cast<unsigned>(recorded[key].get<long long>());
    originals_mw_[g] = original;
    if (now.value() != original) {
      if (auto r = limits_.set_limit_mw(g, original); !r.ok()) return make_error(r.error());
      notes.push_back("GPU " + key + ": power limit restored to " + watts_text(original / 1000.0) +
                      " W (it was " + watts_text(now.value() / 1000.0) +
                      " W, left by an interrupted trial)");
    }
  }
  return notes;
}

nlohmann::json GpuPowerKnob::originals_json() const {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [g, mw] : originals_mw_) j[std::to_string(g)] = mw;
  return j;
}

Result<double> GpuPowerKnob::watts(const Params& params) const {
  const std::string text = substitute({template_w_}, params).at(0);
  const auto w = parse_watts(text);
  if (!w) return make_error("gpu_power_limit_w: '" + text + "' is not watts (a number > 0)");
  return *w;
}

Result<double> GpuPowerKnob::apply(const Params& params, const std::vector<int>& gpus) {
  auto w = watts(params);
  if (!w.ok()) return w;
  const unsigned mw = static_cast<unsigned>(std::lround(w.value() * 1000.0));
  std::vector<int> done;
  for (int g : gpus) {
    if (auto r = limits_.set_limit_mw(g, mw); !r.ok()) {
      restore(done);
      return make_error(r.error());
    }
    done.push_back(g);
  }
  return w.value();
}

std::vector<std::string> GpuPowerKnob::restore(const std::vector<int>& gpus) {
  std::vector<std::string> problems;
  for (int g : gpus) {
    auto it = originals_mw_.find(g);
    if (it == originals_mw_.end()) continue;
    if (auto r = limits_.set_limit_mw(g, it->second); !r.ok())
      problems.push_back("GPU " + std::to_string(g) + ": power limit not restored: " + r.error());
  }
  return problems;
}

std::optional<std::pair<double, double>> possible_watts(const StudySpec& spec) {
  const std::string& t = spec.hardware.gpu_power_limit_w;
  if (t.empty()) return std::nullopt;
  if (auto w = parse_watts(t)) return std::make_pair(*w, *w);
  if (t.size() < 3 || t.front() != '{' || t.back() != '}') return std::nullopt;
  const ParamSpec* p = spec.space.find(t.substr(1, t.size() - 2));
  if (!p) return std::nullopt;
  if (p->is_numeric()) return std::make_pair(p->low, p->high);
  std::vector<ParamValue> values = p->choices;
  if (p->kind == ParamKind::kFixed) values = {p->fixed};
  if (values.empty()) return std::nullopt;
  double lo = 0, hi = 0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    auto v = as_number(values[i]);
    if (!v) return std::nullopt;  // a non-number fails at its trial, with its value named
    lo = i ? std::min(lo, *v) : *v;
    hi = i ? std::max(hi, *v) : *v;
  }
  return std::make_pair(lo, hi);
}

Result<void> check_power_range(const StudySpec& spec, const meters::GpuPowerLimits& limits,
                               const std::vector<int>& gpus) {
  const auto range = possible_watts(spec);
  for (int g : gpus) {
    auto r = limits.range_mw(g);
    if (!r.ok()) return make_error(r.error());
    if (!range) continue;
    const double lo_w = r.value().min_mw / 1000.0, hi_w = r.value().max_mw / 1000.0;
    if (range->first < lo_w || range->second > hi_w)
      return make_error("the values " + watts_text(range->first) + ".." + watts_text(range->second) +
                        " W go outside GPU " + std::to_string(g) + "'s power-limit range " +
                        watts_text(lo_w) + ".." + watts_text(hi_w) + " W");
  }
  return {};
}

}  // namespace hpo
