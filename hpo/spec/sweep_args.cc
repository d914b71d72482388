// `ecohpo sweep` flags -> StudySpec. A hand-written loop over the words: every flag maps to
// one StudySpec field, and records the word's position under the field's YAML key path so
// that validate_study() can point at the flag.
#include "hpo/spec/sweep_args.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "hpo/core/command_template.h"
#include "hpo/core/config_error.h"
#include "hpo/spec/spec_text.h"

namespace hpo {
namespace {

const char* const kCommandLine = "<command line>";

const std::vector<std::string>& value_flags() {
  static const std::vector<std::string> kFlags{
      "-p",           "--param",         "--maximize",      "--minimize",  "--sampler",
      "--sampler-opt", "--seed",         "--trials",        "--energy-kwh", "--co2e-kg",
      "--wall-time-s", "--parallel",     "--timeout",       "--retries",   "--storage",
      "--name",        "--meters",       "--meter-interval", "--region",   "--pue",
      "--intensity",   "--intensity-csv", "--pruner",       "--pruner-opt", "--early-stop",
      "--executor",    "--executor-opt", "--gpus-per-trial", "--work-dir", "--env",
      "--gpu-power-limit-w"};
  return kFlags;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    const auto pos = s.find(sep, start);
    out.push_back(s.substr(start, pos - start));
    if (pos == std::string::npos) return out;
    start = pos + 1;
  }
}

// `what` names the field inside a flag's value ("LOW"); "" for the flag's whole value.
std::string expected(const std::string& what, const std::string& kind, const std::string& text) {
  return (what.empty() ? "expected " + kind : what + " must be " + kind) + ", got '" + text + "'";
}

double to_number(const std::string& text, const std::string& key, const std::string& what) {
  const auto j = typed_word(text);
  if (!j.is_number()) throw ConfigError(key, expected(what, "a number", text));
  return j.get<double>();
}

std::int64_t to_integer(const std::string& text, const std::string& key, const std::string& what) {
  const auto j = typed_word(text);
  if (!j.is_number_integer()) throw ConfigError(key, expected(what, "a whole number", text));
  return j.get<std::int64_t>();
}

int to_int(const std::string& text, const std::string& key, const std::string& what) {
  const std::int64_t v = to_integer(text, key, what);
  if (v < -(1LL << 31) || v >= (1LL << 31))
    throw ConfigError(key, "out of range: " + text);
  return static_cast<int>(v);
}

ParamValue to_value(const std::string& text, const std::string& key) {
  const auto j = typed_word(text);
  if (j.is_null()) throw ConfigError(key, "a value must not be empty");
  return param_from_json(j);
}

// "K=V" -> {K, typed V}.
std::pair<std::string, nlohmann::json> key_value(const std::string& text, const std::string& flag) {
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0)
    throw ConfigError(flag, "expected KEY=VALUE, got '" + text + "'");
  return {text.substr(0, eq), typed_word(text.substr(eq + 1))};
}

class SweepParser {
 public:
  explicit SweepParser(const std::vector<std::string>& args) : args_(args) {}
  StudySpec parse();

 private:
  void note(const std::string& key) { spec_.locations[key] = SourceLocation{kCommandLine, 0, word_}; }
  void set_option(ComponentSpec& c, const std::string& text, const std::string& flag);
  void apply(const std::string& flag, const std::string& value);

  const std::vector<std::string>& args_;
  StudySpec spec_;
  int word_ = 0;  // 1-based index of the flag's value word
  bool seen_name_ = false, seen_storage_ = false, seen_meters_ = false;
  std::optional<std::int64_t> seed_;
  int seed_word_ = 0;
};

void SweepParser::set_option(ComponentSpec& c, const std::string& text, const std::string& flag) {
  auto [k, v] = key_value(text, flag);
  if (k == "type")
    throw ConfigError(flag + " " + k, "set the type with " + flag.substr(0, flag.size() - 4));
  if (c.options.contains(k)) throw ConfigError(flag + " " + k, "option '" + k + "' given twice");
  c.options[k] = v;
  note(c.key + "/" + k);
}

void SweepParser::apply(const std::string& flag, const std::string& value) {
  if (flag == "-p" || flag == "--param") {
    ParamSpec p = parse_param_flag(value);
    note("/space/" + p.name);
    spec_.space.params.push_back(std::move(p));
  } else if (flag == "--maximize" || flag == "--minimize") {
    if (value.empty()) throw ConfigError(flag, "needs a metric name");
    const auto i = std::to_string(spec_.objectives.size());
    spec_.objectives.push_back(
        {value, flag == "--maximize" ? Direction::kMaximize : Direction::kMinimize});
    note("/objectives/" + i);
    note("/objectives/" + i + "/name");
  } else if (flag == "--sampler") {
    spec_.sampler.type = value;
    note("/sampler");
    note("/sampler/type");
  } else if (flag == "--sampler-opt") {
    set_option(spec_.sampler, value, flag);
  } else if (flag == "--seed") {
    seed_ = to_integer(value, flag, "");
    if (*seed_ < 0) throw ConfigError(flag, "the seed must be >= 0, got '" + value + "'");
    seed_word_ = word_;
    note("/seed");
  } else if (flag == "--trials") {
    spec_.budget.trials = to_integer(value, flag, "");
    note("/budget/trials");
  } else if (flag == "--energy-kwh") {
    spec_.budget.energy_kwh = to_number(value, flag, "");
    note("/budget/energy_kwh");
  } else if (flag == "--co2e-kg") {
    spec_.budget.co2e_kg = to_number(value, flag, "");
    note("/budget/co2e_kg");
  } else if (flag == "--wall-time-s") {
    spec_.budget.wall_time_s = to_number(value, flag, "");
    note("/budget/wall_time_s");
  } else if (flag == "--parallel") {
    spec_.parallel = to_int(value, flag, "");
    note("/parallel");
  } else if (flag == "--timeout") {
    spec_.trial_timeout_s = to_number(value, flag, "");
    note("/trial_timeout_s");
  } else if (flag == "--retries") {
    spec_.retries = to_int(value, flag, "");
    note("/retries");
  } else if (flag == "--storage") {
    spec_.storage = value;
    seen_storage_ = true;
    note("/storage");
  } else if (flag == "--name") {
    spec_.name = value;
    seen_name_ = true;
    note("/name");
  } else if (flag == "--meters") {
    if (!seen_meters_) spec_.meters.clear();
    seen_meters_ = true;
    note("/meters");
    for (const auto& m : split(value, ',')) {
      note("/meters/" + std::to_string(spec_.meters.size()));
      spec_.meters.push_back(m);
    }
  } else if (flag == "--meter-interval") {
    spec_.meter_interval_s = to_number(value, flag, "");
    note("/meter_interval_s");
  } else if (flag == "--region") {
    spec_.carbon.region = value;
    note("/carbon/region");
  } else if (flag == "--pue") {
    spec_.carbon.pue = to_number(value, flag, "");
    note("/carbon/pue");
  } else if (flag == "--intensity") {
    spec_.carbon.intensity_g_per_kwh = to_number(value, flag, "");
    note("/carbon/intensity_g_per_kwh");
  } else if (flag == "--intensity-csv") {
    spec_.carbon.intensity_csv = value;
    note("/carbon/intensity_csv");
  } else if (flag == "--pruner") {
    if (!spec_.pruner) spec_.pruner = ComponentSpec{"", nlohmann::json::object(), "/pruner"};
    spec_.pruner->type = value;
    note("/pruner");
    note("/pruner/type");
  } else if (flag == "--pruner-opt") {
    if (!spec_.pruner) spec_.pruner = ComponentSpec{"", nlohmann::json::object(), "/pruner"};
    set_option(*spec_.pruner, value, flag);
  } else if (flag == "--early-stop") {
    const std::string key = "/early_stop/" + std::to_string(spec_.early_stop.size());
    ComponentSpec rule{"", nlohmann::json::object(), key};
    const auto colon = value.find(':');
    rule.type = value.substr(0, colon);
    if (rule.type.empty()) throw ConfigError(flag, "expected TYPE[:key=value,...], got '" + value + "'");
    note(key);
    note(key + "/type");
    if (colon != std::string::npos)
      for (const auto& kv : split(value.substr(colon + 1), ',')) set_option(rule, kv, flag);
    spec_.early_stop.push_back(std::move(rule));
  } else if (flag == "--executor") {
    spec_.executor.type = value;
    note("/executor");
    note("/executor/type");
  } else if (flag == "--executor-opt") {
    set_option(spec_.executor, value, flag);
  } else if (flag == "--gpus-per-trial") {
    spec_.gpus_per_trial = to_int(value, flag, "");
    note("/gpus_per_trial");
  } else if (flag == "--gpu-power-limit-w") {
    spec_.hardware.gpu_power_limit_w = value;
    note("/hardware");
    note("/hardware/gpu_power_limit_w");
  } else if (flag == "--work-dir") {
    spec_.work_dir = value;
    note("/work_dir");
  } else if (flag == "--env") {
    const auto eq = value.find('=');
    if (eq == std::string::npos || eq == 0)
      throw ConfigError(flag, "expected NAME=VALUE, got '" + value + "'");
    spec_.env[value.substr(0, eq)] = value.substr(eq + 1);
    note("/env/" + value.substr(0, eq));
  }
}

StudySpec SweepParser::parse() {
  spec_.name = "sweep";
  spec_.source_path = kCommandLine;
  std::string source = "ecohpo sweep";
  std::size_t i = 0;
  bool have_command = false;
  const auto& passthrough = sweep_passthrough_flags();
  const auto& flags = value_flags();
  for (; i < args_.size(); ++i) {
    const std::string& w = args_[i];
    if (w == "--") {
      have_command = true;
      source += " --";
      break;
    }
    if (passthrough.count(w)) continue;
    source += " " + shell_quote(w);
    word_ = static_cast<int>(i) + 1;
    if (w == "--shell") {
      spec_.shell = true;
      note("/shell");
      continue;
    }
    std::string flag = w, value;
    bool inline_value = false;
    if (w.rfind("--", 0) == 0) {
      if (auto eq = w.find('='); eq != std::string::npos) {
        flag = w.substr(0, eq);
        value = w.substr(eq + 1);
        inline_value = true;
      }
    }
    if (std::find(flags.begin(), flags.end(), flag) == flags.end()) {
      if (w.empty() || w[0] != '-')
        throw ConfigError(w, "unexpected word '" + w +
                                 "'; the trial command goes after --, e.g. -- python3 train.py --lr {lr}");
      std::vector<std::string> all = flags;
      all.push_back("--shell");
      all.insert(all.end(), passthrough.begin(), passthrough.end());
      std::string msg = "unknown flag '" + flag + "'";
      if (auto near = did_you_mean(flag, all); !near.empty()) msg += "; did you mean '" + near + "'?";
      throw ConfigError(flag, msg + " (see ecohpo sweep --help)");
    }
    if (!inline_value) {
      if (i + 1 >= args_.size() || args_[i + 1] == "--")
        throw ConfigError(flag, "needs a value");
      value = args_[++i];
      source += " " + shell_quote(value);
      word_ = static_cast<int>(i) + 1;
    }
    apply(flag, value);
  }
  if (!have_command || i + 1 >= args_.size())
    throw ConfigError("--", "give the trial command after --, e.g. -- /usr/bin/python3 train.py "
                            "--lr {lr}");
  word_ = static_cast<int>(i) + 2;
  note("/command");
  std::vector<std::string> command;
  for (std::size_t j = i + 1; j < args_.size(); ++j) {
    word_ = static_cast<int>(j) + 1;
    if (!spec_.shell) note("/command/" + std::to_string(command.size()));
    command.push_back(args_[j]);
    source += " " + shell_quote(args_[j]);
  }
  if (spec_.shell) {
    std::string joined;
    for (const auto& c : command) joined += (joined.empty() ? "" : " ") + c;
    spec_.command = {joined};
    spec_.locations["/command/0"] = spec_.locations["/command"];
  } else {
    spec_.command = std::move(command);
  }
  if (seed_ && !spec_.sampler.options.contains("seed")) {
    spec_.sampler.options["seed"] = *seed_;
    spec_.locations["/sampler/seed"] = SourceLocation{kCommandLine, 0, seed_word_};
  }
  if (!seen_storage_) spec_.storage = "runs/" + spec_.name + ".h5";
  spec_.source_text = source;
  return spec_;
}

}  // namespace

const std::set<std::string>& sweep_passthrough_flags() {
  static const std::set<std::string> kFlags{"--resume", "--quiet", "-q", "--dry-run", "--help",
                                            "-h"};
  return kFlags;
}

ParamSpec parse_param_flag(const std::string& text) {
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0)
    throw ConfigError("--param", "expected NAME=TYPE:..., e.g. lr=float:1e-4:0.1:log, got '" +
                                     text + "'");
  ParamSpec p;
  p.name = text.substr(0, eq);
  const std::string key = "--param " + p.name;
  std::string rest = text.substr(eq + 1);
  // A trailing ":when=PARENT=V1,V2" makes the parameter conditional.
  if (auto w = rest.find(":when="); w != std::string::npos) {
    const std::string cond = rest.substr(w + 6);
    rest = rest.substr(0, w);
    const auto ceq = cond.find('=');
    if (ceq == std::string::npos || ceq == 0 || ceq + 1 == cond.size())
      throw ConfigError(key, "expected when=PARENT=VALUE[,VALUE...], got 'when=" + cond + "'");
    Condition c{cond.substr(0, ceq), {}};
    for (const auto& v : split(cond.substr(ceq + 1), ',')) c.values.push_back(to_value(v, key));
    p.condition = std::move(c);
  }
  const auto colon = rest.find(':');
  const std::string type = rest.substr(0, colon);
  const std::string body = colon == std::string::npos ? "" : rest.substr(colon + 1);
  const std::string forms =
      " (forms: NAME=float:LOW:HIGH[:log][:step=S], NAME=int:LOW:HIGH[:log][:step=S], "
      "NAME=choice:A,B,C, NAME=fixed:VALUE, each optionally ending in :when=PARENT=V1,V2)";
  if (type == "float" || type == "int") {
    p.kind = type == "float" ? ParamKind::kFloat : ParamKind::kInt;
    const auto fields = split(body, ':');
    if (colon == std::string::npos || fields.size() < 2)
      throw ConfigError(key, "a " + type + " parameter needs LOW:HIGH" + forms);
    p.low = to_number(fields[0], key, "LOW");
    p.high = to_number(fields[1], key, "HIGH");
    for (std::size_t i = 2; i < fields.size(); ++i) {
      if (fields[i] == "log") {
        p.log = true;
      } else if (fields[i].rfind("step=", 0) == 0) {
        p.step = to_number(fields[i].substr(5), key, "step");
      } else {
        throw ConfigError(key, "unknown field '" + fields[i] + "' (allowed: log, step=S, when=P=V)");
      }
    }
  } else if (type == "choice" || type == "categorical") {
    p.kind = ParamKind::kCategorical;
    if (colon == std::string::npos || body.empty())
      throw ConfigError(key, "a choice parameter needs values: NAME=choice:A,B,C");
    for (const auto& v : split(body, ',')) p.choices.push_back(to_value(v, key));
  } else if (type == "fixed") {
    p.kind = ParamKind::kFixed;
    if (colon == std::string::npos || body.empty())
      throw ConfigError(key, "a fixed parameter needs a value: NAME=fixed:VALUE");
    p.fixed = to_value(body, key);
  } else {
    std::string msg = "unknown parameter type '" + type + "'";
    if (auto near = did_you_mean(type, {"float", "int", "choice", "fixed"}); !near.empty())
      msg += "; did you mean '" + near + "'?";
    throw ConfigError(key, msg + forms);
  }
  return p;
}

StudySpec parse_sweep_args(const std::vector<std::string>& args) {
  return SweepParser(args).parse();
}

std::string sweep_usage() {
  return R"(Usage: ecohpo sweep [FLAGS] -- COMMAND [ARGS...]

Runs a study defined on the command line, with the same engine as `ecohpo run study.yaml`.
{name} in COMMAND is replaced by the value of parameter `name` for each trial.

Search space (repeatable):
  -p, --param NAME=float:LOW:HIGH[:log][:step=S]   a real number (log: sample on a log scale)
  -p, --param NAME=int:LOW:HIGH[:log][:step=S]     an integer
  -p, --param NAME=choice:A,B,C                    one of the values (typed: 1, 2.5, true, relu)
  -p, --param NAME=fixed:VALUE                     always VALUE
      ...:when=PARENT=V1,V2                        only when PARENT has one of the values
Objectives (repeatable, order kept):
  --maximize METRIC, --minimize METRIC     a reported metric, or energy_kwh, co2e_kg, duration_s, cpu_s
Search:
  --sampler TYPE  --sampler-opt KEY=VALUE  --seed N
  --pruner TYPE   --pruner-opt KEY=VALUE   --early-stop TYPE[:KEY=VALUE,...] (repeatable)
Budget:
  --trials N  --energy-kwh X  --co2e-kg X  --wall-time-s X
Execution:
  --parallel N  --timeout S (per trial, 0 = none)  --retries N  --gpus-per-trial N
  --gpu-power-limit-w W|{param}  (each trial's GPUs capped at W watts, restored after)
  --executor TYPE  --executor-opt KEY=VALUE  --work-dir DIR  --env NAME=VALUE  --shell
Energy and carbon:
  --meters a,b (auto, rapl, perf, msr, nvml, estimate)  --meter-interval S
  --region R  --pue X  --intensity G_PER_KWH  --intensity-csv FILE
Study file:
  --name NAME (default sweep)  --storage PATH (default runs/NAME.h5)  --resume
Other:
  --dry-run  --quiet  --help

Examples:
  ecohpo sweep -p lr=float:1e-4:0.1:log -p width=int:16:512:log -p act=choice:relu,tanh \
    --maximize accuracy --minimize energy_kwh --sampler random --trials 20 --parallel 2 \
    --storage runs/s.h5 -- /usr/bin/python3 train.py --lr {lr} --width {width} --act {act}

  ecohpo sweep -p x1=float:0:1 -p x2=float:0:1 --minimize f1 --minimize f2 \
    --sampler tpe --sampler-opt n_startup_trials=10 --seed 3 --trials 100 \
    --early-stop hypervolume_plateau:window=20,min_improvement=0.001 -- ./zdt1 {x1} {x2}

  ecohpo sweep -p optimizer=choice:sgd,adam -p momentum=float:0:0.99:when=optimizer=sgd \
    --maximize accuracy --minimize co2e_kg --region IE --pue 1.2 --energy-kwh 0.5 \
    --resume -- python3 train.py --opt {optimizer} --momentum {momentum}
)";
}

}  // namespace hpo
