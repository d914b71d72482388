// validate_study: the meaning of a StudySpec, whether it came from YAML or sweep flags. Each
// rule names the key it is about so that the error points at the line that broke it.
#include <algorithm>
#include <cmath>
#include <set>

#include "hpo/carbon/carbon.h"
#include "hpo/core/command_template.h"
#include "hpo/core/config_error.h"
#include "hpo/exec/gpu/gpu_power.h"
#include "hpo/spec/spec_text.h"
#include "hpo/spec/study_yaml.h"

namespace hpo {
namespace {

class Checker {
 public:
  Checker(const StudySpec& spec, const Registry& registry) : spec_(spec), registry_(registry) {}

  void run() {
    basics();
    space();
    objectives();
    command();
    numbers();
    meters();
    hardware();
    carbon();
    carbon_sources();
    components();
  }

 private:
  [[noreturn]] void fail(const std::string& key, const std::string& msg) const {
    throw StudyError(spec_.locate(key), key, msg);
  }
  static std::string num(double x) { return format_double(x); }

  void basics() const {
    if (spec_.name.empty()) fail("/name", "the study name must not be empty");
    for (const auto& [k, v] : spec_.env)
      if (k.empty() || k.find('=') != std::string::npos || k.find('\0') != std::string::npos)
        fail("/env/" + k, "'" + k + "' is not a valid environment variable name");
    if (spec_.storage.empty())
      fail("/storage", "storage must name the study file (e.g. runs/study.h5)");
  }

  static bool valid_param_name(const std::string& n) {
    if (n.empty() || !(std::isalpha(static_cast<unsigned char>(n[0])) || n[0] == '_')) return false;
    return std::all_of(n.begin(), n.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
    });
  }

  std::vector<std::string> param_names() const {
    std::vector<std::string> names;
    for (const auto& p : spec_.space.params) names.push_back(p.name);
    return names;
  }

  void param(const ParamSpec& p) const {
    const std::string path = "/space/" + p.name;
    if (p.is_numeric()) {
      const std::string type = p.kind == ParamKind::kInt ? "int" : "float";
      if (!std::isfinite(p.low)) fail(path + "/low", "low must be a finite number");
      if (!std::isfinite(p.high)) fail(path + "/high", "high must be a finite number");
      if (p.kind == ParamKind::kInt) {
        if (p.low != std::floor(p.low))
          fail(path + "/low", "an int parameter needs whole-number bounds (got low " + num(p.low) + ")");
        if (p.high != std::floor(p.high))
          fail(path + "/high", "an int parameter needs whole-number bounds (got high " + num(p.high) + ")");
      }
      if (p.low > p.high)
        fail(path + "/low", "low (" + num(p.low) + ") is greater than high (" + num(p.high) +
                                "); low must be <= high");
      if (p.log && p.low <= 0)
        fail(path + "/low", "log: true needs low > 0 (got " + num(p.low) +
                                "); use a positive low or log: false");
      if (p.step) {
        if (!std::isfinite(*p.step) || *p.step <= 0)
          fail(path + "/step", "step must be > 0 (got " + num(*p.step) + ")");
        if (p.log) fail(path + "/step", "step cannot be combined with log: true");
        if (p.kind == ParamKind::kInt && *p.step != std::floor(*p.step))
          fail(path + "/step", "an int parameter needs a whole-number step (got " + num(*p.step) + ")");
      }
    } else if (p.kind == ParamKind::kCategorical) {
      if (p.choices.empty())
        fail(path + "/choices", "choices must list at least one value (strings, numbers or booleans)");
      for (std::size_t i = 0; i < p.choices.size(); ++i)
        for (std::size_t j = 0; j < i; ++j)
          if (params_equal(p.choices[i], p.choices[j]))
            fail(path + "/choices/" + std::to_string(i),
                 "duplicate choice '" + format_param(p.choices[i]) + "'; each choice must differ");
    }
    if (p.condition) {
      const std::string cpath = path + "/condition";
      const auto& c = *p.condition;
      if (c.parent == p.name) fail(cpath + "/parent", "a parameter cannot depend on itself");
      const ParamSpec* parent = spec_.space.find(c.parent);
      if (!parent) {
        std::string msg = "the condition names unknown parameter '" + c.parent + "'";
        if (auto near = did_you_mean(c.parent, param_names()); !near.empty())
          msg += "; did you mean '" + near + "'?";
        fail(cpath + "/parent", msg + " (parameters: " + join_names(param_names()) + ")");
      }
      if (c.values.empty()) fail(cpath + "/values", "a condition needs at least one value");
      for (const auto& v : c.values)
        if (!parent->contains(v))
          fail(cpath + "/values", "value '" + format_param(v) + "' is not a possible value of '" +
                                      c.parent + "'");
    }
    if (auto e = p.validate(); !e.empty()) fail(path, e);
  }

  void space() const {
    std::set<std::string> seen;
    for (const auto& p : spec_.space.params) {
      const std::string path = "/space/" + p.name;
      if (!valid_param_name(p.name))
        fail(path, "'" + p.name + "' is not a valid parameter name (a letter or '_' followed by "
                   "letters, digits, '_', '.' or '-')");
      if (!seen.insert(p.name).second) fail(path, "duplicate parameter name '" + p.name + "'");
    }
    for (const auto& p : spec_.space.params) param(p);
    if (auto e = spec_.space.validate(); !e.empty()) {
      // Left over: the order of conditional parameters (a cycle of conditions).
      const auto colon = e.find(':');
      const std::string name = colon == std::string::npos ? "" : e.substr(0, colon);
      fail(spec_.space.find(name) ? "/space/" + name + "/condition" : "/space",
           e + " (conditions must not form a cycle)");
    }
  }

  void objectives() const {
    if (spec_.objectives.empty())
      fail("/objectives", "list at least one objective: {name: METRIC, direction: minimize|maximize}");
    std::set<std::string> seen;
    for (std::size_t i = 0; i < spec_.objectives.size(); ++i) {
      const auto& o = spec_.objectives[i];
      const std::string path = "/objectives/" + std::to_string(i) + "/name";
      if (o.name.empty()) fail(path, "an objective needs a name (a reported metric or one of " +
                                         join_names(builtin_objectives()) + ")");
      if (!seen.insert(o.name).second) fail(path, "duplicate objective '" + o.name + "'");
    }
  }

  void command() const {
    const auto& argv = spec_.command;
    if (argv.empty() || argv[0].empty())
      fail("/command", "the command is empty; give the trial program and its arguments");
    const auto names = param_names();
    for (std::size_t i = 0; i < argv.size(); ++i) {
      const std::string key = "/command/" + std::to_string(i);
      std::set<std::string> used;
      try {
        used = placeholders({argv[i]});
      } catch (const std::invalid_argument& e) {
        fail(key, e.what());
      }
      for (const auto& u : used) {
        if (spec_.space.find(u)) continue;
        std::string msg = "placeholder {" + u + "} names no parameter";
        if (auto near = did_you_mean(u, names); !near.empty()) msg += "; did you mean {" + near + "}?";
        fail(key, msg + (names.empty() ? " (the space is empty)" : " (parameters: " + join_names(names) + ")"));
      }
    }
  }

  void hardware() const {
    const std::string& w = spec_.hardware.gpu_power_limit_w;
    if (w.empty()) return;
    const std::string key = "/hardware/gpu_power_limit_w";
    if (spec_.gpus_per_trial < 1)
      fail(key, "a GPU power limit is set on the trial's own GPUs: it needs gpus_per_trial >= 1");
    if (spec_.executor.type != "local")
      fail(key, "GPU power limits are set by the local executor; with " + spec_.executor.type +
                    " set them in the job script");
    std::set<std::string> used;
    try {
      used = placeholders({w});
    } catch (const std::invalid_argument& e) {
      fail(key, e.what());
    }
    if (used.empty() && !parse_watts(w))
      fail(key, "expected watts (a number > 0) or a {parameter}, got '" + w + "'");
    const auto names = param_names();
    for (const auto& u : used) {
      const ParamSpec* p = spec_.space.find(u);
      if (!p) {
        std::string msg = "placeholder {" + u + "} names no parameter";
        if (auto near = did_you_mean(u, names); !near.empty()) msg += "; did you mean {" + near + "}?";
        fail(key, msg);
      }
    }
  }

  void non_negative(const std::string& key, double v, const std::string& what) const {
    if (!std::isfinite(v) || v < 0) fail(key, what + " must be >= 0 (got " + num(v) + ")");
  }
  void positive(const std::string& key, double v, const std::string& what) const {
    if (!std::isfinite(v) || v <= 0) fail(key, what + " must be > 0 (got " + num(v) + ")");
  }

  void numbers() const {
    const auto& b = spec_.budget;
    if (b.trials && *b.trials < 1)
      fail("/budget/trials", "trials must be >= 1 (got " + std::to_string(*b.trials) + ")");
    if (b.energy_kwh) positive("/budget/energy_kwh", *b.energy_kwh, "energy_kwh");
    if (b.co2e_kg) positive("/budget/co2e_kg", *b.co2e_kg, "co2e_kg");
    if (b.wall_time_s) positive("/budget/wall_time_s", *b.wall_time_s, "wall_time_s");
    if (spec_.parallel < 1)
      fail("/parallel", "parallel must be >= 1 (got " + std::to_string(spec_.parallel) + ")");
    non_negative("/trial_timeout_s", spec_.trial_timeout_s, "trial_timeout_s (0 = no timeout)");
    if (spec_.retries < 0)
      fail("/retries", "retries must be >= 0 (got " + std::to_string(spec_.retries) + ")");
    positive("/meter_interval_s", spec_.meter_interval_s, "meter_interval_s");
    if (spec_.gpus_per_trial < 0)
      fail("/gpus_per_trial", "gpus_per_trial must be >= 0 (got " +
                                  std::to_string(spec_.gpus_per_trial) + ")");
  }

  void meters() const {
    const auto& known = known_meter_names();
    if (spec_.meters.empty()) fail("/meters", "list at least one meter (" + join_names(known) + ")");
    std::set<std::string> seen;
    for (std::size_t i = 0; i < spec_.meters.size(); ++i) {
      const std::string& m = spec_.meters[i];
      const std::string key = "/meters/" + std::to_string(i);
      if (std::find(known.begin(), known.end(), m) == known.end()) {
        std::string msg = "unknown meter '" + m + "'";
        if (auto near = did_you_mean(m, known); !near.empty()) msg += "; did you mean '" + near + "'?";
        fail(key, msg + " (allowed: " + join_names(known) + ")");
      }
      if (!seen.insert(m).second) fail(key, "meter '" + m + "' is listed twice");
      if (m == "auto" && spec_.meters.size() > 1)
        fail(key, "auto picks the meters itself; list either auto or explicit sources");
    }
  }

  void carbon() const {
    const auto& c = spec_.carbon;
    if (c.intensity_g_per_kwh)
      non_negative("/carbon/intensity_g_per_kwh", *c.intensity_g_per_kwh, "intensity_g_per_kwh");
    if (!std::isfinite(c.pue) || c.pue < 1)
      fail("/carbon/pue", "pue must be >= 1 (got " + num(c.pue) +
                              "); 1.0 means no overhead beyond the machine itself");
    if (c.embodied) {
      non_negative("/carbon/embodied/hardware_kg", c.embodied->hardware_kg, "hardware_kg");
      positive("/carbon/embodied/lifetime_years", c.embodied->lifetime_years, "lifetime_years");
      if (!(c.embodied->share > 0 && c.embodied->share <= 1))
        fail("/carbon/embodied/share", "share must be in (0, 1] (got " + num(c.embodied->share) + ")");
    }
  }

  // The intensity source must be usable now: a readable CSV, a known region.
  void carbon_sources() const {
    try {
      const CarbonAccountant accountant(spec_.carbon);
    } catch (const ConfigError& e) {
      fail(e.key().empty() ? "/carbon" : e.key(), e.what());
    }
  }

  template <class Make>
  void construct(const ComponentSpec& c, Make make) const {
    try {
      (void)make(c);
    } catch (const ConfigError& e) {
      const std::string key = e.key().empty() ? c.key : e.key();
      fail(key, e.what());
    } catch (const std::invalid_argument& e) {
      fail(c.key, e.what());
    }
  }

  void components() const {
    const FactoryContext ctx{&spec_, nullptr};
    if (!registry_.samplers.empty())
      construct(spec_.sampler, [&](const ComponentSpec& c) { return registry_.make_sampler(c, ctx); });
    if (spec_.pruner && !registry_.pruners.empty())
      construct(*spec_.pruner, [&](const ComponentSpec& c) { return registry_.make_pruner(c, ctx); });
    if (!registry_.stop_rules.empty())
      for (const auto& r : spec_.early_stop)
        construct(r, [&](const ComponentSpec& c) { return registry_.make_stop_rule(c, ctx); });
    if (!registry_.executors.empty())
      construct(spec_.executor, [&](const ComponentSpec& c) { return registry_.make_executor(c, ctx); });
  }

  const StudySpec& spec_;
  const Registry& registry_;
};

}  // namespace

const std::vector<std::string>& known_meter_names() {
  static const std::vector<std::string> kNames{"auto", "rapl", "perf", "msr", "nvml", "estimate"};
  return kNames;
}

void validate_study(const StudySpec& spec, const Registry& registry) {
  Checker(spec, registry).run();
}

StudyError located_error(const StudySpec& spec, const ConfigError& error) {
  return StudyError(spec.locate(error.key()), error.key(), error.what());
}

}  // namespace hpo
