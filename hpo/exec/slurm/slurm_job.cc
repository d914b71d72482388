#include "hpo/exec/slurm/slurm_job.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <sstream>

#include "hpo/core/command_template.h"

namespace hpo {
namespace {

std::string number_text(double x) {
  std::ostringstream os;
  os.precision(17);
  os << x;
  return os.str();
}

std::vector<std::string> lines_of(std::string_view text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) nl = text.size();
    std::string line(text.substr(start, nl - start));
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (!line.empty()) out.push_back(line);
    start = nl + 1;
  }
  return out;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    std::size_t p = s.find(sep, start);
    out.push_back(s.substr(start, p == std::string::npos ? std::string::npos : p - start));
    if (p == std::string::npos) return out;
    start = p + 1;
  }
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) {
    return std::isdigit(c) != 0;
  });
}

// The user's sbatch options as flags, in a fixed order.
void add_user_options(std::vector<std::string>& a, const SlurmJobOptions& o) {
  if (!o.partition.empty()) a.push_back("--partition=" + o.partition);
  if (!o.time.empty()) a.push_back("--time=" + o.time);
  if (o.cpus_per_task > 0) a.push_back("--cpus-per-task=" + std::to_string(o.cpus_per_task));
  if (o.gpus_per_task > 0) a.push_back("--gpus-per-task=" + std::to_string(o.gpus_per_task));
  if (!o.mem.empty()) a.push_back("--mem=" + o.mem);
  for (const auto& x : o.extra_args) a.push_back(x);
}

}  // namespace

std::string job_script_text(const JobScript& s) {
  std::ostringstream os;
  os << "#!/bin/bash\n"
     << "# ecohpo trial job: runs the trial under the node-side wrapper, which meters it and\n"
     << "# writes its reports and final record to the record directory (docs/slurm.md).\n";
  for (const auto& [k, v] : s.env) os << "export " << k << "=" << shell_quote(v) << "\n";
  if (!s.work_dir.empty()) os << "cd " << shell_quote(s.work_dir) << " || exit 97\n";
  os << "exec " << shell_quote(s.ecohpo_binary) << " slurm-wrapper --record "
     << shell_quote(s.record_dir);
  if (s.timeout_s > 0) os << " --timeout " << number_text(s.timeout_s);
  os << " --grace " << number_text(s.grace_s);
  std::string meters;
  for (const auto& m : s.meters) meters += (meters.empty() ? "" : ",") + m;
  if (!meters.empty()) os << " --meters " << shell_quote(meters);
  os << " --meter-interval " << number_text(s.meter_interval_s) << " --";
  for (const auto& w : s.argv) os << " " << shell_quote(w);
  os << "\n";
  return os.str();
}

std::vector<std::string> sbatch_argv(const std::string& sbatch, const SlurmJobOptions& o,
                                     const std::string& job_name, const std::string& output,
                                     const std::string& script) {
  std::vector<std::string> a{sbatch, "--parsable", "--job-name=" + job_name,
                             "--output=" + output};
  add_user_options(a, o);
  const bool requeue = std::find(o.extra_args.begin(), o.extra_args.end(), "--requeue") !=
                       o.extra_args.end();
  if (!requeue) a.push_back("--no-requeue");
  a.push_back(script);
  return a;
}

std::vector<std::string> srun_argv(const std::string& srun, const SlurmJobOptions& o,
                                   const std::string& job_name, const std::string& output,
                                   const std::string& script) {
  std::vector<std::string> a{srun, "--nodes=1", "--ntasks=1", "--exclusive",
                             "--job-name=" + job_name, "--output=" + output};
  add_user_options(a, o);
  a.push_back("/bin/bash");
  a.push_back(script);
  return a;
}

std::string slurm_job_name(std::string_view study, std::int64_t number) {
  std::string name = "ecohpo-";
  for (char c : study) {
    const bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
    name += ok ? c : '_';
  }
  return name + "-" + std::to_string(number);
}

Result<std::string> parse_sbatch_output(std::string_view out) {
  for (const auto& line : lines_of(out)) {
    std::string id = line.substr(0, line.find(';'));
    if (all_digits(id)) return id;
  }
  std::string shown(out.substr(0, 300));
  return make_error("sbatch printed no job id: '" + shown + "'");
}

std::string explain_sbatch_error(std::string_view err, const SlurmJobOptions& o) {
  std::string text;
  for (const auto& line : lines_of(err)) text += (text.empty() ? "" : "; ") + line;
  if (text.empty()) text = "no message";
  std::string lower = text;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  std::string hint;
  if (lower.find("partition") != std::string::npos && !o.partition.empty()) {
    hint = "executor option 'partition: " + o.partition + "'";
  } else if (lower.find("time limit") != std::string::npos ||
             lower.find("invalid time") != std::string::npos) {
    hint = "executor option 'time: " + o.time + "'";
  } else if (lower.find("gres") != std::string::npos || lower.find("gpu") != std::string::npos) {
    hint = "executor option 'gpus_per_task: " + std::to_string(o.gpus_per_task) + "'";
  } else if (lower.find("memory") != std::string::npos || lower.find("mem") != std::string::npos) {
    hint = "executor option 'mem: " + o.mem + "'";
  } else if (lower.find("cpu") != std::string::npos || lower.find("node configuration") !=
                                                            std::string::npos) {
    hint = "executor option 'cpus_per_task: " + std::to_string(o.cpus_per_task) + "'";
  } else if (lower.find("account") != std::string::npos ||
             lower.find("qos") != std::string::npos ||
             lower.find("unrecognized option") != std::string::npos ||
             lower.find("invalid option") != std::string::npos) {
    std::string extra;
    for (const auto& x : o.extra_args) extra += (extra.empty() ? "" : ", ") + x;
    hint = "executor option 'extra_args: [" + extra + "]'";
  }
  return "sbatch refused the job: " + text + (hint.empty() ? "" : " (" + hint + ")");
}

std::map<std::string, SqueueRow> parse_squeue(std::string_view out) {
  std::map<std::string, SqueueRow> rows;
  for (const auto& line : lines_of(out)) {
    auto f = split(line, '|');
    if (f.size() < 2) continue;
    // Array/het suffixes ("123_4", "123+0") are not ours; plain ids only.
    if (!all_digits(f[0])) continue;
    SqueueRow r{f[0], f[1], f.size() > 2 ? f[2] : ""};
    rows[r.job_id] = r;
  }
  return rows;
}

bool is_live_state(std::string_view s) {
  for (std::string_view live : {"PENDING", "CONFIGURING", "RUNNING", "COMPLETING", "SUSPENDED",
                                "REQUEUED", "REQUEUE_HOLD", "REQUEUE_FED", "RESIZING",
                                "SIGNALING", "STAGE_OUT", "STOPPED", "RESV_DEL_HOLD"}) {
    if (s == live) return true;
  }
  return false;
}

std::optional<double> parse_sacct_energy(std::string_view out, std::string_view job_id) {
  for (const auto& line : lines_of(out)) {
    auto f = split(line, '|');
    if (f.size() < 3 || f[0] != job_id) continue;
    const std::string& e = f[2];
    if (!all_digits(e)) return std::nullopt;
    const double j = std::stod(e);
    if (j <= 0.0) return std::nullopt;
    return j;
  }
  return std::nullopt;
}

nlohmann::json measurement_to_json(const meters::Measurement& m) {
  nlohmann::json comps = nlohmann::json::array();
  for (const auto& c : m.components) {
    comps.push_back({{"component", c.component},
                     {"source", c.source},
                     {"energy_j", c.energy_j},
                     {"estimated", c.estimated}});
  }
  nlohmann::json trace = nlohmann::json::array();
  for (const auto& s : m.trace) trace.push_back({s.t_s, s.power_w});
  return {{"duration_s", m.duration_s}, {"cpu_s", m.cpu_s}, {"components", comps},
          {"trace", trace}, {"notes", m.notes}};
}

meters::Measurement measurement_from_json(const nlohmann::json& j) {
  meters::Measurement m;
  if (!j.is_object()) return m;
  m.duration_s = j.value("duration_s", 0.0);
  m.cpu_s = j.value("cpu_s", 0.0);
  if (j.contains("components") && j["components"].is_array()) {
    for (const auto& c : j["components"]) {
      if (!c.is_object()) continue;
      meters::ComponentEnergy e;
      e.component = c.value("component", std::string());
      e.source = c.value("source", std::string());
      e.energy_j = c.value("energy_j", 0.0);
      e.estimated = c.value("estimated", false);
      m.components.push_back(e);
    }
  }
  if (j.contains("trace") && j["trace"].is_array()) {
    for (const auto& s : j["trace"]) {
      if (s.is_array() && s.size() == 2 && s[0].is_number() && s[1].is_number()) {
        m.trace.push_back({s[0].get<double>(), s[1].get<double>()});
      }
    }
  }
  if (j.contains("notes") && j["notes"].is_array()) {
    for (const auto& n : j["notes"]) {
      if (n.is_string()) m.notes.push_back(n.get<std::string>());
    }
  }
  return m;
}

nlohmann::json final_to_json(const FinalRecord& f) {
  return {{"kind", f.kind},         {"exit_code", f.exit_code},
          {"term_signal", f.term_signal}, {"start_unix_s", f.start_unix_s},
          {"end_unix_s", f.end_unix_s}, {"duration_s", f.duration_s},
          {"cpu_s", f.cpu_s},       {"host", f.host},
          {"message", f.message},   {"stderr_tail", f.stderr_tail},
          {"energy", measurement_to_json(f.energy)}};
}

Result<FinalRecord> final_from_json(const nlohmann::json& j) {
  if (!j.is_object()) return make_error("final record is not a JSON object");
  try {
    FinalRecord f;
    f.kind = j.at("kind").get<std::string>();
    if (f.kind != "exited" && f.kind != "signaled" && f.kind != "timed_out" &&
        f.kind != "terminated" && f.kind != "launch_error") {
      return make_error("final record: unknown kind '" + f.kind + "'");
    }
    f.exit_code = j.value("exit_code", -1);
    f.term_signal = j.value("term_signal", 0);
    f.start_unix_s = j.value("start_unix_s", 0.0);
    f.end_unix_s = j.value("end_unix_s", 0.0);
    f.duration_s = j.value("duration_s", 0.0);
    f.cpu_s = j.value("cpu_s", 0.0);
    f.host = j.value("host", std::string());
    f.message = j.value("message", std::string());
    f.stderr_tail = j.value("stderr_tail", std::string());
    if (j.contains("energy")) f.energy = measurement_from_json(j["energy"]);
    return f;
  } catch (const nlohmann::json::exception& e) {
    return make_error(std::string("final record: ") + e.what());
  }
}

ExitKind exit_kind_of(const FinalRecord& f) {
  if (f.kind == "signaled") return ExitKind::kSignaled;
  if (f.kind == "timed_out") return ExitKind::kTimedOut;
  if (f.kind == "terminated") return ExitKind::kCancelled;
  if (f.kind == "launch_error") return ExitKind::kLaunchError;
  return ExitKind::kExited;
}

}  // namespace hpo
