// YAML study files -> StudySpec. Two passes: the YAML tree becomes an ordered JSON tree with
// each key's position recorded (yaml_tree), then StudyParser reads the known keys from it,
// checking names and types; validate_study (study_validate.cc) checks the meaning.
#include "hpo/spec/study_yaml.h"

#include <algorithm>
#include <fstream>
#include <limits>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "hpo/core/command_template.h"
#include "hpo/spec/spec_text.h"

namespace hpo {
namespace {

using ojson = nlohmann::ordered_json;
using Locations = std::map<std::string, SourceLocation>;

std::string format_error(const SourceLocation& w, const std::string& key, const std::string& msg) {
  std::string out = w.file.empty() ? "<study>" : w.file;
  if (w.line > 0) out += ":" + std::to_string(w.line) + ":" + std::to_string(w.column);
  else if (w.column > 0) out += ": word " + std::to_string(w.column);
  out += ": ";
  if (!key.empty()) out += key + ": ";
  return out + msg;
}

// ---- pass 1: YAML -> ordered JSON + positions -------------------------------------------

struct YamlTree {
  ojson value;
  Locations locations;
  std::map<std::string, std::string> raw;  // path -> scalar text as written
};

SourceLocation at(const std::string& file, const YAML::Mark& m) {
  return SourceLocation{file, m.line + 1, m.column + 1};
}

ojson scalar_value(const YAML::Node& node) {
  const std::string& tag = node.Tag();
  const std::string& s = node.Scalar();
  if (tag == "!" || tag == "tag:yaml.org,2002:str") return s;  // quoted or !!str
  nlohmann::json typed = typed_scalar(s);
  if (tag == "tag:yaml.org,2002:float" && typed.is_number()) return typed.get<double>();
  return ojson(typed);
}

void convert(const YAML::Node& node, const std::string& path, const std::string& file,
             YamlTree& tree, ojson& out) {
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      out = nullptr;
      return;
    case YAML::NodeType::Scalar:
      out = scalar_value(node);
      tree.raw[path] = node.Scalar();
      return;
    case YAML::NodeType::Sequence: {
      out = ojson::array();
      std::size_t i = 0;
      for (const auto& item : node) {
        const std::string p = path + "/" + std::to_string(i++);
        tree.locations[p] = at(file, item.Mark());
        ojson v;
        convert(item, p, file, tree, v);
        out.push_back(std::move(v));
      }
      return;
    }
    case YAML::NodeType::Map: {
      out = ojson::object();
      for (auto it = node.begin(); it != node.end(); ++it) {
        if (!it->first.IsScalar())
          throw StudyError(at(file, it->first.Mark()), path,
                           "a key must be a plain name, not a list or mapping");
        const std::string key = it->first.Scalar();
        const std::string p = path + "/" + key;
        if (out.contains(key)) {
          const auto& first = tree.locations[p];
          throw StudyError(at(file, it->first.Mark()), p,
                           "duplicate key '" + key + "' (first given at line " +
                               std::to_string(first.line) + ")");
        }
        tree.locations[p] = at(file, it->first.Mark());
        ojson v;
        convert(it->second, p, file, tree, v);
        out[key] = std::move(v);
      }
      return;
    }
  }
}

YamlTree yaml_tree(const std::string& text, const std::string& file) {
  std::vector<YAML::Node> docs;
  try {
    docs = YAML::LoadAll(text);
  } catch (const YAML::Exception& e) {  // ParserException and friends carry a mark
    throw StudyError(SourceLocation{file, e.mark.line + 1, e.mark.column + 1}, "",
                     "YAML syntax error: " + e.msg);
  }
  if (docs.size() > 1)
    throw StudyError(SourceLocation{file, 0, 0}, "",
                     "the file holds " + std::to_string(docs.size()) +
                         " YAML documents; a study is one document");
  YamlTree tree;
  if (docs.empty() || docs[0].IsNull())
    throw StudyError(SourceLocation{file, 1, 1}, "", "the study is empty");
  tree.locations[""] = at(file, docs[0].Mark());
  convert(docs[0], "", file, tree, tree.value);
  return tree;
}

nlohmann::json plain(const ojson& j) {
  if (j.is_object()) {
    nlohmann::json out = nlohmann::json::object();
    for (auto it = j.begin(); it != j.end(); ++it) out[it.key()] = plain(it.value());
    return out;
  }
  if (j.is_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& v : j) out.push_back(plain(v));
    return out;
  }
  if (j.is_boolean()) return j.get<bool>();
  if (j.is_number_integer()) return j.get<std::int64_t>();
  if (j.is_number()) return j.get<double>();
  if (j.is_string()) return j.get<std::string>();
  return nullptr;
}

// ---- pass 2: the known keys -------------------------------------------------------------

class StudyParser {
 public:
  StudyParser(std::string file, YamlTree tree) : file_(std::move(file)), tree_(std::move(tree)) {}

  StudySpec parse();

 private:
  [[noreturn]] void fail(const std::string& key, const std::string& msg) const {
    throw StudyError(where(key), key, msg);
  }
  SourceLocation where(const std::string& key) const {
    std::string k = key;
    while (true) {
      if (auto it = tree_.locations.find(k); it != tree_.locations.end()) return it->second;
      if (k.empty()) return SourceLocation{file_, 0, 0};
      k = k.substr(0, k.rfind('/'));
    }
  }
  void check_keys(const ojson& obj, const std::string& path,
                  const std::vector<std::string>& allowed, const std::string& what) const;
  const ojson& mapping(const ojson& j, const std::string& path, const std::string& what) const;
  std::string text(const ojson& j, const std::string& path) const;
  std::string scalar_text(const ojson& j, const std::string& path) const;
  double number(const ojson& j, const std::string& path) const;
  std::int64_t integer(const ojson& j, const std::string& path) const;
  bool boolean(const ojson& j, const std::string& path) const;
  ParamValue value(const ojson& j, const std::string& path) const;
  std::vector<ParamValue> values(const ojson& j, const std::string& path) const;
  std::vector<std::string> command(const ojson& j, bool shell) const;
  ParamSpec param(const std::string& name, const ojson& j) const;
  void condition(ParamSpec& p, const ojson& obj, const std::string& path) const;
  Objective objective(const ojson& j, const std::string& path) const;
  ComponentSpec component(const ojson& j, const std::string& path, const std::string& what,
                          const char* type_key = "type") const;
  void budget(const ojson& j, Budget& b) const;
  void carbon(const ojson& j, CarbonSpec& c) const;

  std::string file_;
  YamlTree tree_;
  mutable Locations aliases_;  // extra key paths pointing at written keys (when -> condition)
};

void StudyParser::check_keys(const ojson& obj, const std::string& path,
                             const std::vector<std::string>& allowed,
                             const std::string& what) const {
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    if (std::find(allowed.begin(), allowed.end(), it.key()) != allowed.end()) continue;
    std::string msg = "unknown key '" + it.key() + "' in " + what;
    if (auto near = did_you_mean(it.key(), allowed); !near.empty())
      msg += "; did you mean '" + near + "'?";
    fail(path + "/" + it.key(), msg + " (allowed: " + join_names(allowed) + ")");
  }
}

const ojson& StudyParser::mapping(const ojson& j, const std::string& path,
                                  const std::string& what) const {
  if (!j.is_object())
    fail(path, "expected a mapping (" + what + "), got " + describe_json(plain(j)));
  return j;
}

std::string StudyParser::text(const ojson& j, const std::string& path) const {
  if (!j.is_string()) fail(path, "expected a string, got " + describe_json(plain(j)));
  return j.get<std::string>();
}

std::string StudyParser::scalar_text(const ojson& j, const std::string& path) const {
  if (j.is_null() || j.is_object() || j.is_array())
    fail(path, "expected a single value (a word or number), got " + describe_json(plain(j)));
  auto it = tree_.raw.find(path);
  return it != tree_.raw.end() ? it->second : j.get<std::string>();
}

double StudyParser::number(const ojson& j, const std::string& path) const {
  if (!j.is_number()) fail(path, "expected a number, got " + describe_json(plain(j)));
  return j.get<double>();
}

std::int64_t StudyParser::integer(const ojson& j, const std::string& path) const {
  if (!j.is_number_integer())
    fail(path, "expected an integer, got " + describe_json(plain(j)));
  return j.get<std::int64_t>();
}

bool StudyParser::boolean(const ojson& j, const std::string& path) const {
  if (!j.is_boolean()) fail(path, "expected true or false, got " + describe_json(plain(j)));
  return j.get<bool>();
}

ParamValue StudyParser::value(const ojson& j, const std::string& path) const {
  if (j.is_boolean()) return j.get<bool>();
  if (j.is_number_integer()) return j.get<std::int64_t>();
  if (j.is_number()) return j.get<double>();
  if (j.is_string()) return j.get<std::string>();
  fail(path, "expected a value (string, number or boolean), got " + describe_json(plain(j)));
}

std::vector<ParamValue> StudyParser::values(const ojson& j, const std::string& path) const {
  std::vector<ParamValue> out;
  if (!j.is_array()) {
    out.push_back(value(j, path));
    return out;
  }
  for (std::size_t i = 0; i < j.size(); ++i) out.push_back(value(j[i], path + "/" + std::to_string(i)));
  return out;
}

std::vector<std::string> StudyParser::command(const ojson& j, bool shell) const {
  if (j.is_string()) {
    const std::string s = j.get<std::string>();
    if (shell) return {s};
    try {
      return split_command_line(s);
    } catch (const std::invalid_argument& e) {
      fail("/command", e.what());
    }
  }
  if (!j.is_array())
    fail("/command", "expected a list of words or one string, got " + describe_json(plain(j)));
  std::vector<std::string> argv;
  for (std::size_t i = 0; i < j.size(); ++i)
    argv.push_back(scalar_text(j[i], "/command/" + std::to_string(i)));
  if (shell && argv.size() > 1)
    fail("/command", "with shell: true the command is one string for /bin/sh -c, not a list");
  return argv;
}

void StudyParser::condition(ParamSpec& p, const ojson& obj, const std::string& path) const {
  const bool has_cond = obj.contains("condition"), has_when = obj.contains("when");
  if (has_cond && has_when)
    fail(path + "/when", "give either condition: or when:, not both");
  const std::string cpath = path + "/condition";
  if (has_cond) {
    const ojson& c = mapping(obj["condition"], cpath, "{parent: NAME, values: [...]}");
    check_keys(c, cpath, {"parent", "values"}, "a condition");
    if (!c.contains("parent")) fail(cpath, "a condition needs parent: NAME");
    if (!c.contains("values")) fail(cpath, "a condition needs values: [...]");
    p.condition = Condition{text(c["parent"], cpath + "/parent"),
                            values(c["values"], cpath + "/values")};
    return;
  }
  if (!has_when) return;
  const std::string wpath = path + "/when";
  const ojson& w = mapping(obj["when"], wpath, "{PARENT: VALUE} or {PARENT: [VALUES]}");
  if (w.size() != 1)
    fail(wpath, "when: names exactly one parent parameter, e.g. when: {optimizer: sgd}");
  const std::string parent = w.begin().key();
  const std::string vpath = wpath + "/" + parent;
  p.condition = Condition{parent, values(w.begin().value(), vpath)};
  aliases_[cpath] = where(wpath);
  aliases_[cpath + "/parent"] = where(vpath);
  aliases_[cpath + "/values"] = where(vpath);
}

ParamSpec StudyParser::param(const std::string& name, const ojson& j) const {
  const std::string path = "/space/" + name;
  ParamSpec p;
  p.name = name;
  if (j.is_null())
    fail(path, "parameter '" + name + "' has no definition (give {type: ...}, a list of "
               "choices or a fixed value)");
  if (j.is_array()) {  // short form: a list of choices
    p.kind = ParamKind::kCategorical;
    p.choices = values(j, path);
    aliases_[path + "/choices"] = where(path);
    return p;
  }
  if (!j.is_object()) {  // short form: a fixed value
    p.kind = ParamKind::kFixed;
    p.fixed = value(j, path);
    return p;
  }
  static const std::vector<std::string> kAll{"type",    "low",   "high",      "log", "step",
                                             "choices", "value", "condition", "when"};
  check_keys(j, path, kAll, "parameter '" + name + "'");
  std::string type;
  if (j.contains("type")) type = text(j["type"], path + "/type");
  else if (j.contains("choices")) type = "categorical";
  else if (j.contains("value")) type = "fixed";
  else fail(path, "parameter '" + name + "' needs type: float, int, categorical or fixed");
  std::vector<std::string> allowed{"type", "condition", "when"};
  if (type == "float" || type == "int") {
    p.kind = type == "float" ? ParamKind::kFloat : ParamKind::kInt;
    allowed.insert(allowed.end(), {"low", "high", "log", "step"});
  } else if (type == "categorical" || type == "choice") {
    p.kind = ParamKind::kCategorical;
    allowed.push_back("choices");
  } else if (type == "fixed") {
    p.kind = ParamKind::kFixed;
    allowed.push_back("value");
  } else {
    const std::vector<std::string> types{"float", "int", "categorical", "fixed"};
    std::string msg = "unknown parameter type '" + type + "'";
    if (auto near = did_you_mean(type, types); !near.empty()) msg += "; did you mean '" + near + "'?";
    fail(path + "/type", msg + " (allowed: float, int, categorical, fixed)");
  }
  for (auto it = j.begin(); it != j.end(); ++it)
    if (std::find(allowed.begin(), allowed.end(), it.key()) == allowed.end())
      fail(path + "/" + it.key(), "'" + it.key() + "' does not apply to a " + type +
                                      " parameter (allowed: " + join_names(allowed) + ")");
  if (p.is_numeric()) {
    if (!j.contains("low") || !j.contains("high"))
      fail(path, "a " + type + " parameter needs low and high");
    p.low = number(j["low"], path + "/low");
    p.high = number(j["high"], path + "/high");
    if (j.contains("log")) p.log = boolean(j["log"], path + "/log");
    if (j.contains("step")) p.step = number(j["step"], path + "/step");
  } else if (p.kind == ParamKind::kCategorical) {
    if (!j.contains("choices")) fail(path, "a categorical parameter needs choices: [...]");
    if (!j["choices"].is_array())
      fail(path + "/choices", "expected a list of choices, got " + describe_json(plain(j["choices"])));
    p.choices = values(j["choices"], path + "/choices");
  } else {
    if (!j.contains("value")) fail(path, "a fixed parameter needs value: ...");
    p.fixed = value(j["value"], path + "/value");
  }
  condition(p, j, path);
  return p;
}

Objective StudyParser::objective(const ojson& j, const std::string& path) const {
  if (j.is_string())
    fail(path, "objective '" + j.get<std::string>() + "' needs a direction: write {name: " +
                   j.get<std::string>() + ", direction: minimize} or maximize");
  const ojson& o = mapping(j, path, "{name: METRIC, direction: minimize|maximize}");
  check_keys(o, path, {"name", "direction"}, "an objective");
  if (!o.contains("name")) fail(path, "an objective needs name: METRIC");
  Objective obj;
  obj.name = text(o["name"], path + "/name");
  if (!o.contains("direction"))
    fail(path, "objective '" + obj.name + "' needs direction: minimize or maximize");
  const std::string dir = text(o["direction"], path + "/direction");
  if (!parse_direction(dir, &obj.direction))
    fail(path + "/direction", "direction '" + dir + "' is not valid (allowed: minimize, maximize, "
                              "min, max)");
  return obj;
}

ComponentSpec StudyParser::component(const ojson& j, const std::string& path,
                                     const std::string& what, const char* type_key) const {
  ComponentSpec c;
  c.key = path;
  if (j.is_string()) {
    c.type = j.get<std::string>();
    aliases_[path + "/type"] = where(path);
    return c;
  }
  const ojson& m = mapping(j, path, what);
  const bool has_type = m.contains("type"), has_rule = m.contains("rule");
  if (std::string(type_key) == "rule" && has_type && has_rule)
    fail(path + "/rule", "give either type: or rule:, not both");
  const char* used = has_type || std::string(type_key) == "type" ? "type" : "rule";
  if (!m.contains(used)) fail(path, what + " needs type: NAME");
  c.type = text(m[used], path + "/" + used);
  if (std::string(used) == "rule") aliases_[path + "/type"] = where(path + "/rule");
  for (auto it = m.begin(); it != m.end(); ++it)
    if (it.key() != used) c.options[it.key()] = plain(it.value());
  return c;
}

void StudyParser::budget(const ojson& j, Budget& b) const {
  const ojson& m = mapping(j, "/budget", "{trials: N, energy_kwh: X, co2e_kg: X, wall_time_s: X}");
  check_keys(m, "/budget", {"trials", "energy_kwh", "co2e_kg", "wall_time_s"}, "budget");
  if (m.contains("trials")) b.trials = integer(m["trials"], "/budget/trials");
  if (m.contains("energy_kwh")) b.energy_kwh = number(m["energy_kwh"], "/budget/energy_kwh");
  if (m.contains("co2e_kg")) b.co2e_kg = number(m["co2e_kg"], "/budget/co2e_kg");
  if (m.contains("wall_time_s")) b.wall_time_s = number(m["wall_time_s"], "/budget/wall_time_s");
}

void StudyParser::carbon(const ojson& j, CarbonSpec& c) const {
  const ojson& m = mapping(j, "/carbon", "{region: IE, pue: 1.2, ...}");
  check_keys(m, "/carbon", {"intensity_g_per_kwh", "intensity_csv", "region", "pue", "embodied"},
             "carbon");
  if (m.contains("intensity_g_per_kwh"))
    c.intensity_g_per_kwh = number(m["intensity_g_per_kwh"], "/carbon/intensity_g_per_kwh");
  if (m.contains("intensity_csv")) c.intensity_csv = text(m["intensity_csv"], "/carbon/intensity_csv");
  if (m.contains("region")) c.region = text(m["region"], "/carbon/region");
  if (m.contains("pue")) c.pue = number(m["pue"], "/carbon/pue");
  if (m.contains("embodied")) {
    const std::string p = "/carbon/embodied";
    const ojson& e = mapping(m["embodied"], p, "{hardware_kg, lifetime_years, share}");
    check_keys(e, p, {"hardware_kg", "lifetime_years", "share"}, "embodied");
    CarbonSpec::Embodied emb;
    if (e.contains("hardware_kg")) emb.hardware_kg = number(e["hardware_kg"], p + "/hardware_kg");
    if (e.contains("lifetime_years"))
      emb.lifetime_years = number(e["lifetime_years"], p + "/lifetime_years");
    if (e.contains("share")) emb.share = number(e["share"], p + "/share");
    c.embodied = emb;
  }
}

int to_int(std::int64_t v) {
  return static_cast<int>(std::clamp<std::int64_t>(v, std::numeric_limits<int>::min(),
                                                   std::numeric_limits<int>::max()));
}

// Parents before the parameters that depend on them, otherwise in the order written.
void order_parents_first(std::vector<ParamSpec>& params) {
  std::vector<ParamSpec> out;
  std::vector<bool> placed(params.size(), false);
  bool progress = true;
  while (out.size() < params.size() && progress) {
    progress = false;
    for (std::size_t i = 0; i < params.size(); ++i) {
      if (placed[i]) continue;
      const auto& c = params[i].condition;
      bool ready = !c;
      if (c) {
        const bool parent_exists = std::any_of(params.begin(), params.end(),
                                               [&](const ParamSpec& q) { return q.name == c->parent; });
        ready = !parent_exists || std::any_of(out.begin(), out.end(), [&](const ParamSpec& q) {
                  return q.name == c->parent;
                });
      }
      if (ready) {
        out.push_back(params[i]);
        placed[i] = true;
        progress = true;
        break;  // restart so that the written order wins among ready parameters
      }
    }
  }
  for (std::size_t i = 0; i < params.size(); ++i)  // a cycle: left for validate() to report
    if (!placed[i]) out.push_back(params[i]);
  params = std::move(out);
}

StudySpec StudyParser::parse() {
  const ojson& root = tree_.value;
  if (!root.is_object())
    fail("", "a study is a mapping of keys (name, command, space, objectives, ...), got " +
                 describe_json(plain(root)));
  static const std::vector<std::string> kKeys{
      "name",       "description",     "command",  "shell",        "work_dir",
      "env",        "space",           "objectives", "sampler",    "seed",
      "budget",     "parallel",        "trial_timeout_s", "retries", "storage",
      "meters",     "meter_interval_s", "gpus_per_trial", "hardware", "carbon", "pruner",
      "early_stop", "executor"};
  check_keys(root, "", kKeys, "the study");

  StudySpec spec;
  spec.source_path = file_;
  spec.name = root.contains("name") ? text(root["name"], "/name")
                                    : std::filesystem::path(file_).stem().string();
  if (spec.name.empty() && !root.contains("name")) spec.name = "study";
  if (root.contains("description")) (void)text(root["description"], "/description");
  if (root.contains("shell")) spec.shell = boolean(root["shell"], "/shell");
  if (!root.contains("command") || root["command"].is_null())
    fail("/command",
         "the study needs command: the trial program and its arguments, e.g. "
         "[\"/usr/bin/python3\", \"train.py\", \"--lr\", \"{lr}\"]");
  spec.command = command(root["command"], spec.shell);
  if (root.contains("work_dir")) spec.work_dir = text(root["work_dir"], "/work_dir");
  if (root.contains("env")) {
    const ojson& env = mapping(root["env"], "/env", "NAME: value");
    for (auto it = env.begin(); it != env.end(); ++it)
      spec.env[it.key()] = scalar_text(it.value(), "/env/" + it.key());
  }
  if (root.contains("space") && !root["space"].is_null()) {
    const ojson& space = mapping(root["space"], "/space", "parameter name: definition");
    for (auto it = space.begin(); it != space.end(); ++it)
      spec.space.params.push_back(param(it.key(), it.value()));
    order_parents_first(spec.space.params);
  }
  if (!root.contains("objectives"))
    fail("/objectives", "the study needs objectives: a list of {name: METRIC, direction: minimize|maximize}");
  if (!root["objectives"].is_array())
    fail("/objectives", "expected a list of {name, direction}, got " +
                            describe_json(plain(root["objectives"])));
  for (std::size_t i = 0; i < root["objectives"].size(); ++i)
    spec.objectives.push_back(objective(root["objectives"][i], "/objectives/" + std::to_string(i)));
  if (root.contains("sampler") && !root["sampler"].is_null())
    spec.sampler = component(root["sampler"], "/sampler", "sampler");
  if (root.contains("seed")) {
    const std::int64_t seed = integer(root["seed"], "/seed");
    if (seed < 0) fail("/seed", "the seed must be >= 0 (got " + std::to_string(seed) + ")");
    if (!spec.sampler.options.contains("seed")) {
      spec.sampler.options["seed"] = seed;
      aliases_["/sampler/seed"] = where("/seed");
    }
  }
  if (root.contains("budget") && !root["budget"].is_null()) budget(root["budget"], spec.budget);
  if (root.contains("parallel")) spec.parallel = static_cast<int>(
      to_int(integer(root["parallel"], "/parallel")));
  if (root.contains("trial_timeout_s"))
    spec.trial_timeout_s = number(root["trial_timeout_s"], "/trial_timeout_s");
  if (root.contains("retries")) spec.retries = static_cast<int>(
      to_int(integer(root["retries"], "/retries")));
  spec.storage = root.contains("storage") ? text(root["storage"], "/storage")
                                          : "runs/" + spec.name + ".h5";
  if (root.contains("meters")) {
    const ojson& m = root["meters"];
    if (m.is_string()) spec.meters = {m.get<std::string>()};
    else if (!m.is_array()) fail("/meters", "expected a list of meter names, got " + describe_json(plain(m)));
    else {
      spec.meters.clear();
      for (std::size_t i = 0; i < m.size(); ++i)
        spec.meters.push_back(text(m[i], "/meters/" + std::to_string(i)));
    }
  }
  if (root.contains("meter_interval_s"))
    spec.meter_interval_s = number(root["meter_interval_s"], "/meter_interval_s");
  if (root.contains("gpus_per_trial")) spec.gpus_per_trial = static_cast<int>(
      to_int(integer(root["gpus_per_trial"], "/gpus_per_trial")));
  if (root.contains("hardware") && !root["hardware"].is_null()) {
    const ojson& h = mapping(root["hardware"], "/hardware", "{gpu_power_limit_w: \"{gpu_w}\"}");
    check_keys(h, "/hardware", {"gpu_power_limit_w"}, "hardware");
    if (h.contains("gpu_power_limit_w"))
      spec.hardware.gpu_power_limit_w = scalar_text(h["gpu_power_limit_w"], "/hardware/gpu_power_limit_w");
  }
  if (root.contains("carbon") && !root["carbon"].is_null()) carbon(root["carbon"], spec.carbon);
  if (root.contains("pruner") && !root["pruner"].is_null() &&
      !(root["pruner"].is_string() && root["pruner"].get<std::string>() == "none"))
    spec.pruner = component(root["pruner"], "/pruner", "pruner");
  if (root.contains("early_stop") && !root["early_stop"].is_null()) {
    const ojson& rules = root["early_stop"];
    if (!rules.is_array())
      fail("/early_stop", "expected a list of rules ({type: NAME, ...}), got " +
                              describe_json(plain(rules)));
    for (std::size_t i = 0; i < rules.size(); ++i)
      spec.early_stop.push_back(
          component(rules[i], "/early_stop/" + std::to_string(i), "a stop rule", "rule"));
  }
  if (root.contains("executor") && !root["executor"].is_null())
    spec.executor = component(root["executor"], "/executor", "executor");

  spec.locations = tree_.locations;
  for (const auto& [k, v] : aliases_) spec.locations.emplace(k, v);
  return spec;
}

}  // namespace

StudyError::StudyError(SourceLocation where, std::string key, const std::string& message)
    : std::runtime_error(format_error(where, key, message)),
      where_(std::move(where)),
      key_(std::move(key)),
      message_(message) {}

StudySpec parse_study_yaml_text(const std::string& text, const std::string& label) {
  YamlTree tree = yaml_tree(text, label);
  StudySpec spec = StudyParser(label, std::move(tree)).parse();
  spec.source_text = text;
  return spec;
}

StudySpec load_study_yaml_text(const std::string& text, const std::string& label,
                               const Registry& registry) {
  StudySpec spec = parse_study_yaml_text(text, label);
  validate_study(spec, registry);
  return spec;
}

StudySpec load_study_yaml(const std::filesystem::path& path, const Registry& registry) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw StudyError(SourceLocation{path.string(), 0, 0}, "",
                     "cannot read the study file (missing or not readable)");
  std::ostringstream text;
  text << in.rdbuf();
  return load_study_yaml_text(text.str(), path.string(), registry);
}

}  // namespace hpo
