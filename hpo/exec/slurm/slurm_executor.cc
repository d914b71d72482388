#include "hpo/exec/slurm/slurm_executor.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "hpo/core/command_template.h"
#include "hpo/core/options_reader.h"
#include "hpo/exec/slurm/detail/slurm_process.h"
#include "hpo/core/study_spec.h"

namespace hpo {
namespace fs = std::filesystem;
namespace {

double mono_now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool read_text(const fs::path& p, std::string* out) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  *out = ss.str();
  return true;
}

std::optional<nlohmann::json> read_json(const fs::path& p) {
  std::string text;
  if (!read_text(p, &text)) return std::nullopt;
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded()) return std::nullopt;
  return j;
}

// Writes tmp + rename, so readers never see half a file.
bool write_atomic(const fs::path& p, const std::string& text) {
  const fs::path tmp = p.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return false;
    out << text;
    if (!out.flush()) return false;
  }
  std::error_code ec;
  fs::rename(tmp, p, ec);
  return !ec;
}

bool find_in_path(const std::string& program) {
  if (program.find('/') != std::string::npos) return ::access(program.c_str(), X_OK) == 0;
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/bin:/bin";
  std::size_t start = 0;
  while (start <= dirs.size()) {
    std::size_t c = dirs.find(':', start);
    if (c == std::string::npos) c = dirs.size();
    std::string dir = dirs.substr(start, c - start);
    if (dir.empty()) dir = ".";
    if (::access((dir + "/" + program).c_str(), X_OK) == 0) return true;
    start = c + 1;
  }
  return false;
}

std::string first_line(const std::string& text) {
  std::string s = text.substr(0, text.find('\n'));
  return s.substr(0, 300);
}

}  // namespace

struct SlurmExecutor::Job {
  std::int64_t number = 0;
  int attempt = 0;
  std::string id;
  fs::path dir;
  fs::path log_path;
  double submit_unix = 0.0;
  bool started = false;
  double start_unix = 0.0;
  std::uint64_t report_offset = 0;
  std::string partial;
  std::string last_state;       // last squeue state seen
  double gone_since = 0.0;      // mono time squeue stopped listing it live (0 = live)
  bool cancel_requested = false;
  double hard_cancel_at = 0.0;  // mono; 0 = none
  meters::Measurement last_energy;
  double last_elapsed_s = 0.0;
  pid_t srun_pid = -1;          // use_allocation
};

std::string SlurmExecutor::Options::validate() const {
  if (slots < 1) return "parallel must be at least 1, got " + std::to_string(slots);
  if (!(poll_interval_s > 0.0)) return "poll_interval_s must be > 0 (seconds)";
  if (!(lost_grace_s >= 0.0)) return "lost_grace_s must be >= 0 (seconds)";
  if (!(command_timeout_s > 0.0)) return "command_timeout_s must be > 0 (seconds)";
  if (!(grace_s >= 0.0)) return "grace_s must be >= 0 (seconds)";
  if (job.cpus_per_task < 0) return "cpus_per_task must be >= 1";
  if (job.gpus_per_task < 0) return "gpus_per_task must be >= 0";
  if (shared_dir.empty()) return "shared_dir must be given";
  if (scheduler_energy != "auto" && scheduler_energy != "on" && scheduler_energy != "off") {
    return "scheduler_energy must be auto, on or off, got '" + scheduler_energy + "'";
  }
  return "";
}

SlurmExecutor::SlurmExecutor(Options options) : options_(std::move(options)) {
  if (auto problem = options_.validate(); !problem.empty()) throw std::invalid_argument(problem);
}

SlurmExecutor::~SlurmExecutor() {
  for (auto& [n, job] : jobs_) {
    if (job->srun_pid > 0) {
      ::kill(-job->srun_pid, SIGTERM);
      int status = 0;
      ::waitpid(job->srun_pid, &status, 0);
    }
  }
}

fs::path SlurmExecutor::record_dir(std::int64_t number, int attempt) const {
  return options_.shared_dir / ("trial-" + std::to_string(number) + "-" + std::to_string(attempt));
}

Result<void> SlurmExecutor::prepare() {
  if (prepared_) {
    if (!prepare_error_.empty()) return make_error(prepare_error_);
    return {};
  }
  prepared_ = true;
  const std::string& submitter = options_.use_allocation ? options_.srun : options_.sbatch;
  if (!find_in_path(submitter)) {
    prepare_error_ = "'" + submitter + "' not found (executor option '" +
                     (options_.use_allocation ? "srun" : "sbatch") +
                     "'): install the Slurm client commands (Debian: slurm-client) or give "
                     "the path, e.g. executor: {type: slurm, " +
                     (options_.use_allocation ? "srun" : "sbatch") + ": /opt/slurm/bin/" +
                     (options_.use_allocation ? "srun" : "sbatch") + "}";
    return make_error(prepare_error_);
  }
  if (options_.use_allocation && !std::getenv("SLURM_JOB_ID")) {
    prepare_error_ = "use_allocation: true needs an allocation, but SLURM_JOB_ID is not set "
                     "(run ecohpo inside salloc or an sbatch job)";
    return make_error(prepare_error_);
  }
  std::error_code ec;
  fs::create_directories(options_.shared_dir, ec);
  if (ec) {
    prepare_error_ = "cannot create shared_dir '" + options_.shared_dir.string() +
                     "': " + ec.message();
    return make_error(prepare_error_);
  }
  if (options_.ecohpo_binary.empty()) {
    options_.ecohpo_binary = fs::read_symlink("/proc/self/exe", ec).string();
  }
  user_ = std::to_string(::getuid());
  if (options_.scheduler_energy == "on") {
    sacct_enabled_ = true;
  } else if (options_.scheduler_energy == "auto") {
    // Energy accounting needs both a gather plugin and a job database sacct can read.
    CommandOutput c = run_command({"scontrol", "show", "config"}, options_.command_timeout_s);
    if (c.ok()) {
      const bool energy = c.out.find("AcctGatherEnergyType") != std::string::npos &&
                          c.out.find("acct_gather_energy/none") == std::string::npos;
      const bool storage = c.out.find("accounting_storage/slurmdbd") != std::string::npos;
      sacct_enabled_ = energy && storage && find_in_path(options_.sacct);
    }
  }
  return {};
}

Result<std::string> SlurmExecutor::submit(const LaunchRequest& request) {
  if (auto p = prepare(); !p.ok()) return make_error(p.error());
  if (request.argv.empty() || request.argv[0].empty()) return make_error("empty command");
  if (jobs_.count(request.trial_number)) {
    return make_error("trial " + std::to_string(request.trial_number) + " is already running");
  }
  auto job = std::make_unique<Job>();
  job->number = request.trial_number;
  job->attempt = request.attempt;
  job->dir = fs::absolute(record_dir(request.trial_number, request.attempt));
  job->log_path = request.log_path;
  std::error_code ec;
  fs::remove_all(job->dir, ec);  // a stale directory from a run that never submitted
  fs::create_directories(job->dir, ec);
  if (ec) return make_error("cannot create '" + job->dir.string() + "': " + ec.message());

  JobScript s;
  s.ecohpo_binary = options_.ecohpo_binary;
  s.record_dir = job->dir.string();
  if (request.use_shell) {
    std::string cmd;
    for (const auto& w : request.argv) cmd += (cmd.empty() ? "" : " ") + w;
    s.argv = {"/bin/sh", "-c", cmd};
  } else {
    s.argv = request.argv;
  }
  s.env = request.env;
  s.work_dir = request.work_dir.empty() ? fs::current_path(ec).string()
                                        : fs::absolute(request.work_dir).string();
  s.timeout_s = request.timeout_s;
  s.grace_s = options_.grace_s;
  s.meters = options_.meters;
  s.meter_interval_s = options_.meter_interval_s;
  const fs::path script = job->dir / "job.sh";
  if (!write_atomic(script, job_script_text(s))) {
    return make_error("cannot write '" + script.string() + "'");
  }
  const std::string name = slurm_job_name(options_.study_name, request.trial_number);
  const std::string output = (job->dir / "job.out").string();
  job->submit_unix = unix_now();
  (void)write_atomic(job->dir / "submit.json",
                     nlohmann::json{{"submit_unix_s", job->submit_unix}}.dump() + "\n");
  ++submissions_;
  if (options_.use_allocation) {
    std::string error;
    job->srun_pid = spawn_background(srun_argv(options_.srun, options_.job, name, output,
                                               script.string()), &error);
    if (job->srun_pid < 0) return make_error(error);
    job->id = std::string(std::getenv("SLURM_JOB_ID")) + ":" + std::to_string(job->srun_pid);
  } else {
    CommandOutput c = run_command(sbatch_argv(options_.sbatch, options_.job, name, output,
                                              script.string()),
                                  options_.command_timeout_s);
    if (!c.error.empty()) return make_error(c.error);
    if (c.exit_code != 0) return make_error(explain_sbatch_error(c.err, options_.job));
    Result<std::string> id = parse_sbatch_output(c.out);
    if (!id.ok()) return make_error(id.error());
    job->id = id.value();
  }
  (void)write_atomic(job->dir / "job.id", job->id + "\n");
  std::string id = job->id;
  jobs_.emplace(request.trial_number, std::move(job));
  return id;
}

bool SlurmExecutor::reattach(const LaunchRequest& request, const std::string& executor_id) {
  if (!prepare().ok() || jobs_.count(request.trial_number)) return false;
  const fs::path dir = fs::absolute(record_dir(request.trial_number, request.attempt));
  if (!fs::is_directory(dir)) return false;
  auto job = std::make_unique<Job>();
  job->number = request.trial_number;
  job->attempt = request.attempt;
  job->dir = dir;
  job->log_path = request.log_path;
  job->id = executor_id;
  std::string text;
  if (job->id.empty() && read_text(dir / "job.id", &text)) job->id = first_line(text);
  if (auto j = read_json(dir / "submit.json")) job->submit_unix = j->value("submit_unix_s", 0.0);
  if (auto j = read_json(dir / "cursor.json")) {
    job->report_offset = j->value("offset", std::uint64_t{0});
  }
  const bool has_final = fs::exists(dir / "final.json");
  if (!has_final) {
    if (job->id.empty() || job->id.find(':') != std::string::npos) {
      return false;  // never submitted, or an srun step that died with the old coordinator
    }
    CommandOutput c = run_command({options_.squeue, "-h", "-a", "-t", "all", "-j", job->id,
                                   "-o", "%i|%T|%r"},
                                  options_.command_timeout_s);
    auto rows = parse_squeue(c.out);
    auto it = rows.find(job->id);
    if (it == rows.end() || !is_live_state(it->second.state)) return false;
    job->last_state = it->second.state;
  }
  jobs_.emplace(request.trial_number, std::move(job));
  return true;
}

void SlurmExecutor::started(Job& job, double start_unix_s, std::vector<ExecutorEvent>& out) {
  job.start_unix = start_unix_s;
  if (job.started) return;
  job.started = true;
  ExecutorEvent ev;
  ev.kind = ExecutorEvent::Kind::kStarted;
  ev.trial_number = job.number;
  ev.attempt = job.attempt;
  ev.executor_id = job.id;
  out.push_back(std::move(ev));
}

void SlurmExecutor::read_reports(Job& job, std::vector<ExecutorEvent>& out) {
  const int fd = ::open((job.dir / "reports.jsonl").c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  char chunk[65536];
  std::uint64_t offset = job.report_offset + job.partial.size();
  bool any = false;
  while (true) {
    const ssize_t n = ::pread(fd, chunk, sizeof chunk, static_cast<off_t>(offset));
    if (n <= 0) break;
    offset += static_cast<std::uint64_t>(n);
    job.partial.append(chunk, static_cast<std::size_t>(n));
    std::size_t start = 0;
    for (std::size_t nl; (nl = job.partial.find('\n', start)) != std::string::npos;
         start = nl + 1) {
      auto j = nlohmann::json::parse(job.partial.substr(start, nl - start), nullptr, false);
      job.report_offset += nl + 1 - start;
      any = true;
      if (!j.is_object()) continue;
      ExecutorEvent ev;
      ev.trial_number = job.number;
      ev.attempt = job.attempt;
      ev.executor_id = job.id;
      ev.elapsed_s = j.value("elapsed_s", 0.0);
      if (j.contains("report")) {
        ev.kind = ExecutorEvent::Kind::kReport;
        ev.report = j["report"];
        ev.energy_so_far = measurement_from_json(j.value("energy", nlohmann::json::object()));
        job.last_energy = ev.energy_so_far;
        job.last_elapsed_s = ev.elapsed_s;
      } else {
        ev.kind = ExecutorEvent::Kind::kBadOutput;
        ev.line = j.value("bad_output", std::string());
      }
      out.push_back(std::move(ev));
    }
    job.partial.erase(0, start);
  }
  ::close(fd);
  if (any) {
    // Where a restarted coordinator picks up (reattach), so reports are not delivered twice.
    (void)write_atomic(job.dir / "cursor.json",
                       nlohmann::json{{"offset", job.report_offset}}.dump());
  }
}

std::optional<double> SlurmExecutor::scheduler_energy(const std::string& job_id) {
  if (!sacct_enabled_ || job_id.find(':') != std::string::npos) return std::nullopt;
  CommandOutput c = run_command({options_.sacct, "-n", "-P", "-X", "-j", job_id, "-o",
                                 "JobID,State,ConsumedEnergyRaw"},
                                options_.command_timeout_s);
  if (!c.ok()) return std::nullopt;
  return parse_sacct_energy(c.out, job_id);
}

void SlurmExecutor::copy_log(const Job& job) const {
  if (job.log_path.empty()) return;
  std::error_code ec;
  fs::copy_file(job.dir / "log", job.log_path, fs::copy_options::overwrite_existing, ec);
}

void SlurmExecutor::finish_from_record(Job& job, std::vector<ExecutorEvent>& out) {
  auto j = read_json(job.dir / "final.json");
  Result<FinalRecord> f = j ? final_from_json(*j) : Result<FinalRecord>(make_error(
                                                        "final.json does not parse"));
  if (!f.ok()) {
    finish_lost(job, "bad final record in " + job.dir.string() + ": " + f.error(), out);
    return;
  }
  const FinalRecord& r = f.value();
  if (!job.started) started(job, r.start_unix_s, out);
  ExecutorEvent ev;
  ev.kind = ExecutorEvent::Kind::kExited;
  ev.trial_number = job.number;
  ev.attempt = job.attempt;
  ev.executor_id = job.id;
  TrialExit& x = ev.exit;
  x.kind = exit_kind_of(r);
  x.exit_code = r.exit_code;
  x.term_signal = r.term_signal;
  x.start_unix_s = r.start_unix_s;
  x.end_unix_s = r.end_unix_s;
  x.duration_s = r.duration_s;
  x.queue_s = job.submit_unix > 0 ? std::max(0.0, r.start_unix_s - job.submit_unix) : 0.0;
  x.cpu_s = r.cpu_s;
  x.message = r.message;
  x.stderr_tail = r.stderr_tail;
  x.energy = r.energy;
  if (!r.host.empty()) x.energy.notes.push_back("measured on node " + r.host);
  if (job.cancel_requested) {
    x.kind = ExitKind::kCancelled;
  } else if (r.kind == "terminated") {
    if (job.last_state == "TIMEOUT") {
      x.kind = ExitKind::kTimedOut;
      x.message = "Slurm time limit reached (executor option 'time')";
    } else {
      x.kind = ExitKind::kLost;
      x.message = "job " + job.id + " was stopped by SIGTERM from outside ecohpo (" +
                  (job.last_state.empty() ? "preempted, cancelled or node shutdown"
                                          : "Slurm state " + job.last_state) + ")";
    }
  }
  x.scheduler_energy_j = scheduler_energy(job.id);
  copy_log(job);
  out.push_back(std::move(ev));
}

void SlurmExecutor::finish_lost(Job& job, const std::string& why,
                                std::vector<ExecutorEvent>& out) {
  ExecutorEvent ev;
  ev.kind = ExecutorEvent::Kind::kExited;
  ev.trial_number = job.number;
  ev.attempt = job.attempt;
  ev.executor_id = job.id;
  TrialExit& x = ev.exit;
  const double now = unix_now();
  x.kind = job.cancel_requested ? ExitKind::kCancelled : ExitKind::kLost;
  x.start_unix_s = job.started ? job.start_unix : now;
  x.end_unix_s = now;
  x.duration_s = job.started ? std::max(0.0, now - job.start_unix) : 0.0;
  x.queue_s = job.submit_unix > 0 ? std::max(0.0, x.start_unix_s - job.submit_unix) : 0.0;
  x.message = why;
  x.energy = job.last_energy;  // partial energy: the last report's figure
  x.energy.notes.push_back("no final record: energy as of the last report (" +
                           std::to_string(job.last_elapsed_s) + " s)");
  if (std::string tail; read_text(job.dir / "log", &tail)) {
    if (tail.size() > 2000) tail = tail.substr(tail.size() - 2000);
    x.stderr_tail = tail;
  }
  x.scheduler_energy_j = scheduler_energy(job.id);
  copy_log(job);
  out.push_back(std::move(ev));
}

void SlurmExecutor::scan(Job& job, std::vector<ExecutorEvent>& out, bool* done) {
  *done = false;
  const bool has_final = fs::exists(job.dir / "final.json");
  if (!job.started) {
    if (auto j = read_json(job.dir / "started.json")) {
      started(job, j->value("start_unix_s", unix_now()), out);
    }
  }
  read_reports(job, out);
  if (has_final) {
    finish_from_record(job, out);
    *done = true;
    return;
  }
  if (job.srun_pid > 0) {
    int status = 0;
    if (::waitpid(job.srun_pid, &status, WNOHANG) == job.srun_pid) {
      job.srun_pid = -1;
      job.gone_since = mono_now();
    }
  }
  if (job.gone_since > 0.0) {
    // A cancelled job that never started has nothing to wait for.
    const double wait = job.cancel_requested && !job.started ? 0.0 : options_.lost_grace_s;
    if (mono_now() - job.gone_since >= wait) {
      finish_lost(job,
                  "job " + job.id + " ended without a final record (" +
                      (job.last_state.empty() ? std::string("no longer listed by squeue")
                                              : "Slurm state " + job.last_state) + ")",
                  out);
      *done = true;
    }
  }
}

void SlurmExecutor::query_queue(std::vector<ExecutorEvent>& out) {
  if (options_.use_allocation) return;  // steps are followed through their srun processes
  bool any = false;
  for (auto& [n, job] : jobs_) any |= job->srun_pid < 0;
  if (!any) return;
  CommandOutput c = run_command({options_.squeue, "-h", "-a", "-t", "all", "-u", user_, "-o",
                                 "%i|%T|%r"},
                                options_.command_timeout_s);
  if (!c.ok()) return;  // never declare a job lost because squeue did not answer
  auto rows = parse_squeue(c.out);
  const double now = mono_now();
  for (auto& [n, job] : jobs_) {
    auto it = rows.find(job->id);
    if (it != rows.end()) job->last_state = it->second.state;
    const bool live = it != rows.end() && is_live_state(it->second.state);
    if (live) {
      job->gone_since = 0.0;
      if (it->second.state == "RUNNING" && !job->started) started(*job, unix_now(), out);
    } else if (job->gone_since == 0.0) {
      job->gone_since = now;
    }
  }
}

std::vector<ExecutorEvent> SlurmExecutor::poll(double max_wait_s) {
  std::vector<ExecutorEvent> out = std::move(pending_);
  pending_.clear();
  const double deadline = mono_now() + std::max(0.0, max_wait_s);
  while (true) {
    double now = mono_now();
    if (now >= next_queue_check_ && !jobs_.empty()) {
      query_queue(out);
      next_queue_check_ = mono_now() + options_.poll_interval_s;
    }
    std::vector<std::int64_t> done;
    for (auto& [n, job] : jobs_) {
      bool finished = false;
      scan(*job, out, &finished);
      if (finished) {
        done.push_back(n);
      } else if (job->hard_cancel_at > 0.0 && mono_now() >= job->hard_cancel_at) {
        job->hard_cancel_at = 0.0;
        if (job->srun_pid > 0) {
          ::kill(-job->srun_pid, SIGKILL);
        } else {
          (void)run_command({options_.scancel, job->id}, options_.command_timeout_s);
        }
      }
    }
    for (auto n : done) jobs_.erase(n);
    now = mono_now();
    if (!out.empty() || now >= deadline) return out;
    const double nap = std::min({0.025, deadline - now, std::max(0.0, next_queue_check_ - now)});
    std::this_thread::sleep_for(std::chrono::duration<double>(std::max(nap, 0.001)));
  }
}

void SlurmExecutor::cancel(std::int64_t trial_number, double grace_s) {
  auto it = jobs_.find(trial_number);
  if (it == jobs_.end()) return;
  Job& job = *it->second;
  job.cancel_requested = true;
  if (job.srun_pid > 0) {
    ::kill(job.srun_pid, SIGTERM);  // srun forwards it to the step
    job.hard_cancel_at = mono_now() + options_.grace_s + grace_s + 5.0;
    return;
  }
  if (!job.started || grace_s <= 0.0) {
    (void)run_command({options_.scancel, job.id}, options_.command_timeout_s);
    return;
  }
  // The wrapper (the batch shell, by exec) stops the trial and writes its final record.
  (void)run_command({options_.scancel, "--batch", "--signal=TERM", job.id},
                    options_.command_timeout_s);
  job.hard_cancel_at = mono_now() + options_.grace_s + grace_s + 5.0;
}

std::unique_ptr<Executor> SlurmExecutor::create(const ComponentSpec& spec,
                                                const FactoryContext& ctx) {
  OptionsReader r(spec.options, spec.key);
  Options o;
  if (ctx.study) {
    o.slots = ctx.study->parallel;
    o.study_name = ctx.study->name;
    o.meters = ctx.study->meters;
    o.meter_interval_s = ctx.study->meter_interval_s;
    if (!ctx.study->storage.empty()) {
      o.shared_dir = fs::absolute(ctx.study->storage.string() + ".slurm");
    }
  }
  if (o.shared_dir.empty()) o.shared_dir = fs::absolute("ecohpo.slurm");
  o.job.partition = r.string("partition", "");
  o.job.time = r.string("time", "");
  o.job.cpus_per_task = static_cast<int>(r.integer("cpus_per_task", 0));
  o.job.gpus_per_task = static_cast<int>(r.integer("gpus_per_task", 0));
  if (const nlohmann::json* mem = r.raw("mem")) {
    if (mem->is_string()) o.job.mem = mem->get<std::string>();
    else if (mem->is_number_integer()) o.job.mem = std::to_string(mem->get<std::int64_t>());
    else throw ConfigError(r.key("mem"), "mem: expected a size such as \"4G\" or 4096 (MB)");
  }
  o.job.extra_args = r.strings("extra_args", {});
  o.use_allocation = r.boolean("use_allocation", false);
  o.poll_interval_s = r.number("poll_interval_s", o.poll_interval_s);
  o.lost_grace_s = r.number("lost_grace_s", o.lost_grace_s);
  o.command_timeout_s = r.number("command_timeout_s", o.command_timeout_s);
  o.grace_s = r.number("grace_s", o.grace_s);
  const std::string shared = r.string("shared_dir", "");
  if (!shared.empty()) o.shared_dir = fs::absolute(shared);
  o.sbatch = r.string("sbatch", o.sbatch);
  o.squeue = r.string("squeue", o.squeue);
  o.sacct = r.string("sacct", o.sacct);
  o.scancel = r.string("scancel", o.scancel);
  o.srun = r.string("srun", o.srun);
  o.ecohpo_binary = r.string("ecohpo_binary", "");
  o.scheduler_energy = r.string("scheduler_energy", o.scheduler_energy);
  r.finish();
  const std::pair<const char*, bool> checks[] = {
      {"cpus_per_task", o.job.cpus_per_task >= 0},
      {"gpus_per_task", o.job.gpus_per_task >= 0},
      {"poll_interval_s", o.poll_interval_s > 0.0},
      {"lost_grace_s", o.lost_grace_s >= 0.0},
      {"command_timeout_s", o.command_timeout_s > 0.0},
      {"grace_s", o.grace_s >= 0.0},
      {"scheduler_energy", o.scheduler_energy == "auto" || o.scheduler_energy == "on" ||
                               o.scheduler_energy == "off"}};
  for (const auto& [key, ok] : checks) {
    if (!ok) {
      Options probe = o;
      throw ConfigError(r.key(key), probe.validate().empty() ? std::string(key) + " is invalid"
                                                             : probe.validate());
    }
  }
  for (const auto& a : o.job.extra_args) {
    if (a.empty() || a[0] != '-') {
      throw ConfigError(r.key("extra_args"),
                        "extra_args: each entry must be one sbatch option starting with '-', "
                        "e.g. \"--account=ml\"; got '" + a + "'");
    }
  }
  if (o.slots < 1) throw ConfigError("/parallel", "parallel must be at least 1");
  return std::make_unique<SlurmExecutor>(o);
}

void register_slurm_executor(Registry& registry) {
  registry.executors["slurm"] = &SlurmExecutor::create;
}

}  // namespace hpo
