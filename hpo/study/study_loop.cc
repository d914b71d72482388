#include "hpo/study/study_loop.h"

#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "hpo/stopping/budget.h"
#include "hpo/core/command_template.h"
#include "hpo/exec/gpu/gpu_power.h"
#include "hpo/front/pareto.h"
#include "hpo/exec/report_parser.h"

namespace hpo {
namespace {

double mono_now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}
double process_cpu_s() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

std::string signal_name(int sig) {
  const char* d = ::sigabbrev_np(sig);
  return d ? std::string("SIG") + d : "signal " + std::to_string(sig);
}

std::string fmt(double x) {
  std::ostringstream os;
  os.precision(4);
  os << x;
  return os.str();
}

// A trial number waiting to be (re-)run with known values.
struct Rerun {
  std::int64_t number = 0;
  int attempt = 0;
  Params params;
};

// What the loop knows about a running attempt beyond its Trial record.
struct Running {
  int attempt = 0;
  std::string bad_output;  // first unparsable report line, with the reason
  enum class Intent { kNone, kPrune, kInterrupt } intent = Intent::kNone;
  std::string intent_reason;
  std::vector<GpuPool::Gpu> gpus;
  bool power_limited = false;  // its GPUs' power limits were set (restore them at the end)
};

class Loop {
 public:
  Loop(const StudySpec& spec, StudyParts& parts, StudyStore& store, StudyObserver* observer,
       const RunOptions& options)
      : spec_(spec), parts_(parts), store_(store), observer_(observer), options_(options),
        budget_(spec.budget) {}

  StudySummary run();

 private:
  StudyView view() const { return StudyView{spec_.space, spec_.objectives, trials_}; }
  std::size_t index_of(std::int64_t number, int attempt) const;
  Trial& record(std::int64_t number, int attempt) { return trials_[index_of(number, attempt)]; }
  void insert(Trial t);
  void resume();
  void fill_slots();
  bool reruns_allowed() const;
  bool launch(std::int64_t number, int attempt, Params params, double sampler_s,
              double sampler_cpu_s, double sampler_kwh);
  void on_event(ExecutorEvent& ev, std::vector<Trial>& finished);
  void finalize(Trial& t, Running& r, const TrialExit& x);
  void after_finished(const std::vector<Trial>& finished);
  void stop(const StopVerdict& v, Termination why);
  void handle_interrupts();
  void add_to_front(const Trial& t);
  double elapsed() const { return prior_elapsed_s_ + (mono_now() - start_mono_); }
  void refresh_progress();

  const StudySpec& spec_;
  StudyParts& parts_;
  StudyStore& store_;
  StudyObserver* observer_;
  const RunOptions& options_;
  BudgetTracker budget_;

  std::vector<Trial> trials_;  // every record, sorted by (number, attempt)
  std::map<std::int64_t, Running> running_;
  std::deque<Rerun> reruns_;
  std::int64_t next_number_ = 0;
  std::vector<Point> front_;
  std::optional<GpuPool> gpu_pool_;  // only when gpus_per_trial > 0
  std::optional<GpuPowerKnob> power_;  // only with hardware.gpu_power_limit_w and a pool
  double start_mono_ = 0.0;
  double prior_elapsed_s_ = 0.0;
  double last_elapsed_saved_ = 0.0;
  double coordinator_kwh_ = 0.0;
  int interrupts_seen_ = 0;
  bool stopping_ = false;
  std::optional<StopRecord> stop_;
  Termination termination_ = Termination::kBudget;
  StudyProgress progress_;
  std::int64_t resumed_reruns_ = 0;
};

std::size_t Loop::index_of(std::int64_t number, int attempt) const {
  auto it = std::lower_bound(trials_.begin(), trials_.end(), std::make_pair(number, attempt),
                             [](const Trial& t, const std::pair<std::int64_t, int>& key) {
                               return std::make_pair(t.number, t.attempt) < key;
                             });
  return static_cast<std::size_t>(it - trials_.begin());
}

void Loop::insert(Trial t) {
  const std::size_t i = index_of(t.number, t.attempt);
  trials_.insert(trials_.begin() + static_cast<std::ptrdiff_t>(i), std::move(t));
}

void Loop::add_to_front(const Trial& t) {
  if (t.state != TrialState::kComplete || t.values.size() != spec_.objectives.size()) return;
  Point p(t.values.size());
  for (std::size_t i = 0; i < p.size(); ++i) {
    p[i] = to_minimization(t.values[i], spec_.objectives[i].direction);
  }
  for (const auto& q : front_) {
    if (dominates(q, p) || q == p) return;
  }
  std::erase_if(front_, [&](const Point& q) { return dominates(p, q); });
  front_.push_back(std::move(p));
}

void Loop::resume() {
  trials_ = store_.trials();
  std::sort(trials_.begin(), trials_.end(), [](const Trial& a, const Trial& b) {
    return std::make_pair(a.number, a.attempt) < std::make_pair(b.number, b.attempt);
  });
  std::vector<Trial> repaired;
  for (auto& t : trials_) {
    if (t.state == TrialState::kRunning) {
      // A trial that outlived the coordinator (a Slurm job) is followed again, not re-run.
      LaunchRequest again;
      again.trial_number = t.number;
      again.attempt = t.attempt;
      again.timeout_s = spec_.trial_timeout_s;
      again.log_path = t.log_path;
      if (parts_.executor->reattach(again, t.executor_id)) {
        running_[t.number].attempt = t.attempt;
        ++progress_.running;
        continue;
      }
      t.state = TrialState::kInterrupted;
      t.reason = "coordinator stopped";
      if (t.end_unix_s <= 0.0) t.end_unix_s = t.start_unix_s;
      repaired.push_back(t);
    }
  }
  if (!repaired.empty()) store_.trials_finished(repaired);
  // The latest record of each number decides whether it runs again.
  for (std::size_t i = 0; i < trials_.size(); ++i) {
    const Trial& t = trials_[i];
    next_number_ = std::max(next_number_, t.number + 1);
    add_to_front(t);
    if (i + 1 < trials_.size() && trials_[i + 1].number == t.number) continue;
    int failures = 0;
    for (std::size_t j = i + 1; j-- > 0 && trials_[j].number == t.number;) {
      failures += trials_[j].state == TrialState::kFailed;
    }
    const bool rerun = t.state == TrialState::kInterrupted ||
                       (t.state == TrialState::kFailed && failures <= spec_.retries);
    if (rerun) {
      reruns_.push_back({t.number, t.attempt + 1, t.params});
      ++resumed_reruns_;
    }
  }
  const auto& attrs = store_.attributes();
  if (attrs.contains("wall_time_s") && attrs["wall_time_s"].is_number()) {
    prior_elapsed_s_ = attrs["wall_time_s"].get<double>();
  }
  if (attrs.contains("coordinator_kwh") && attrs["coordinator_kwh"].is_number()) {
    coordinator_kwh_ = attrs["coordinator_kwh"].get<double>();
  }
}

void Loop::stop(const StopVerdict& v, Termination why) {
  if (stop_) return;
  StopRecord r;
  r.rule = v.rule;
  r.message = v.message;
  r.at_trial = v.at_trial;
  r.numbers = v.numbers;
  r.unix_s = unix_now();
  stop_ = r;
  termination_ = why;
  stopping_ = true;
  progress_.stopping = true;
  if (observer_) observer_->on_stopping(r.message.empty() ? r.rule : r.message, progress_);
}

bool Loop::launch(std::int64_t number, int attempt, Params params, double sampler_s,
                  double sampler_cpu_s, double sampler_kwh) {
  Trial t;
  t.number = number;
  t.attempt = attempt;
  t.params = std::move(params);
  t.state = TrialState::kRunning;
  t.start_unix_s = unix_now();
  t.sampler_s = sampler_s;
  t.sampler_cpu_s = sampler_cpu_s;
  t.sampler_kwh = sampler_kwh;

  LaunchRequest req;
  req.trial_number = number;
  req.attempt = attempt;
  if (spec_.shell) {
    req.argv = {substitute_shell(spec_.command.at(0), t.params)};
    req.use_shell = true;
  } else {
    req.argv = substitute(spec_.command, t.params);
  }
  for (const auto& [k, v] : spec_.env) req.env.emplace_back(k, v);
  req.env.emplace_back("ECOHPO_TRIAL", std::to_string(number));
  req.env.emplace_back("ECOHPO_ATTEMPT", std::to_string(attempt));
  req.env.emplace_back("ECOHPO_PARAMS", params_to_json(t.params).dump());
  if (!options_.log_dir.empty()) {
    req.log_path = options_.log_dir /
                   ("trial-" + std::to_string(number) + "-" + std::to_string(attempt) + ".log");
    t.log_path = req.log_path.string();
  }
  req.work_dir = spec_.work_dir;
  req.timeout_s = spec_.trial_timeout_s;
  Running r;
  r.attempt = attempt;
  std::string power_error;
  if (gpu_pool_) {
    r.gpus = gpu_pool_->take();
    req.gpu_indices = GpuPool::meter_indices(r.gpus);
    req.env.emplace_back("CUDA_VISIBLE_DEVICES", GpuPool::visible_devices(r.gpus));
    req.env.emplace_back("CUDA_DEVICE_ORDER", "PCI_BUS_ID");
    if (power_) {
      Result<double> w = power_->apply(t.params, req.gpu_indices);
      if (w.ok()) {
        req.env.emplace_back("ECOHPO_GPU_POWER_LIMIT_W", fmt(w.value()));
        r.power_limited = true;
      } else {
        power_error = "GPU power limit: " + w.error();
      }
    }
  }

  store_.trial_started(t);  // durable before the process exists: a resume re-runs it
  insert(t);
  running_[number] = r;
  Result<std::string> id = power_error.empty() ? parts_.executor->submit(req)
                                               : Result<std::string>(make_error(power_error));
  if (!id.ok()) {
    TrialExit x;
    x.kind = ExitKind::kLaunchError;
    x.message = id.error();
    x.start_unix_s = x.end_unix_s = t.start_unix_s;
    std::vector<Trial> finished;
    Trial& rec = record(number, attempt);
    finalize(rec, running_[number], x);
    finished.push_back(rec);
    running_.erase(number);
    after_finished(finished);
    return false;
  }
  record(number, attempt).executor_id = id.value();
  ++progress_.running;
  if (observer_) observer_->on_trial_started(record(number, attempt), progress_);
  return true;
}

bool Loop::reruns_allowed() const {
  // A retry or re-run belongs to a trial number the budget already counted: it still runs
  // after the trial budget is used up, but not after an interrupt or any other stop.
  return !stop_ || stop_->rule == "budget.trials";
}

void Loop::fill_slots() {
  const int slots = parts_.executor->slots();
  while (static_cast<int>(running_.size()) < slots) {
    if (gpu_pool_ && !gpu_pool_->can_take()) return;  // a trial must first give its GPUs back
    if (stopping_ && (reruns_.empty() || !reruns_allowed())) return;
    if (!reruns_.empty()) {
      Rerun r = std::move(reruns_.front());
      reruns_.pop_front();
      if (running_.count(r.number)) {  // should not happen; keep the order safe
        reruns_.push_back(std::move(r));
        break;
      }
      if (!launch(r.number, r.attempt, std::move(r.params), 0.0, 0.0, 0.0)) return;
      continue;
    }
    StudyView v = view();
    if (parts_.sampler->exhausted(v)) {
      StopVerdict s;
      s.stop = true;
      s.rule = "sampler.exhausted";
      s.message = "the " + std::string(parts_.sampler->name()) +
                  " sampler has no configuration left to propose";
      s.at_trial = next_number_ - 1;
      stop(s, Termination::kExhausted);
      return;
    }
    // Ask the sampler, timing it and metering the coordinator's own energy.
    const std::int64_t number = next_number_;
    const double w0 = mono_now(), c0 = process_cpu_s();
    meters::MeterHandle h = 0;
    if (parts_.meter) {
      meters::MeterTarget target;
      target.pgid = 0;
      target.label = "sampler, trial " + std::to_string(number);
      h = parts_.meter->begin(target);
    }
    Params params = parts_.sampler->suggest(v, number);
    spec_.space.add_fixed(params);
    const double sampler_s = mono_now() - w0, sampler_cpu_s = process_cpu_s() - c0;
    const double sampler_kwh = parts_.meter ? parts_.meter->end(h).total_kwh() : 0.0;

    StopVerdict b = budget_.before_launch(v, params, elapsed(), coordinator_kwh_);
    if (b.stop) {
      coordinator_kwh_ += sampler_kwh;  // a proposal that never ran is still the optimizer's
      stop(b, Termination::kBudget);
      return;
    }
    ++next_number_;
    if (!launch(number, 0, std::move(params), sampler_s, sampler_cpu_s, sampler_kwh)) return;
  }
}

void Loop::finalize(Trial& t, Running& r, const TrialExit& x) {
  t.start_unix_s = x.start_unix_s > 0 ? x.start_unix_s : t.start_unix_s;
  t.end_unix_s = x.end_unix_s > 0 ? x.end_unix_s : unix_now();
  t.duration_s = x.duration_s;
  t.queue_s = x.queue_s;
  t.cpu_s = x.cpu_s;
  t.exit_code = x.exit_code;
  t.term_signal = x.term_signal;
  t.energy = energy_from_measurement(x.energy);
  if (x.scheduler_energy_j) t.energy.scheduler_energy_kwh = *x.scheduler_energy_j / meters::kJoulesPerKwh;
  if (parts_.carbon) parts_.carbon->account(t.energy, t.start_unix_s, t.end_unix_s);

  std::string missing;
  for (const auto& o : spec_.objectives) {
    if (!t.figure(o.name)) missing += (missing.empty() ? "'" : ", '") + o.name + "'";
  }
  auto failed = [&](std::string why) {
    t.state = TrialState::kFailed;
    t.reason = std::move(why);
  };
  if (r.intent == Running::Intent::kPrune) {
    t.state = TrialState::kPruned;
    t.reason = r.intent_reason;
  } else if (r.intent == Running::Intent::kInterrupt) {
    t.state = TrialState::kInterrupted;
    t.reason = r.intent_reason;
  } else {
    switch (x.kind) {
      case ExitKind::kLaunchError:
        failed("cannot start: " + x.message);
        break;
      case ExitKind::kTimedOut:
        failed("timed out after " + fmt(spec_.trial_timeout_s) + " s (trial_timeout_s)");
        break;
      case ExitKind::kSignaled:
        failed("killed by " + signal_name(x.term_signal));
        break;
      case ExitKind::kCancelled:
        failed("cancelled");
        break;
      case ExitKind::kLost:
        t.state = TrialState::kInterrupted;
        t.reason = "lost: " + x.message;
        break;
      case ExitKind::kExited:
        if (x.exit_code != 0) {
          failed("exit status " + std::to_string(x.exit_code));
        } else if (!r.bad_output.empty()) {
          failed("unparsable output: " + r.bad_output);
        } else if (!missing.empty()) {
          std::string got;
          for (const auto& [k, v] : t.metrics) got += (got.empty() ? "" : ", ") + k;
          failed("missing objective metric " + missing + " (reported: " +
                 (got.empty() ? "nothing" : got) + ")");
        } else {
          t.state = TrialState::kComplete;
          t.reason.clear();
        }
        break;
    }
  }
  if (t.state == TrialState::kComplete) {
    t.values.clear();
    for (const auto& o : spec_.objectives) t.values.push_back(*t.figure(o.name));
  } else {
    t.stderr_tail = x.stderr_tail;
  }
  if (power_ && r.power_limited)
    for (const auto& problem : power_->restore(GpuPool::meter_indices(r.gpus)))
      std::fprintf(stderr, "ecohpo: %s\n", problem.c_str());
  r.power_limited = false;
  if (gpu_pool_) gpu_pool_->give_back(r.gpus);
  r.gpus.clear();
}

void Loop::on_event(ExecutorEvent& ev, std::vector<Trial>& finished) {
  auto it = running_.find(ev.trial_number);
  if (it == running_.end() || it->second.attempt != ev.attempt) return;
  Running& r = it->second;
  Trial& t = record(ev.trial_number, ev.attempt);
  switch (ev.kind) {
    case ExecutorEvent::Kind::kStarted:
      if (!ev.executor_id.empty()) t.executor_id = ev.executor_id;
      break;
    case ExecutorEvent::Kind::kBadOutput:
      if (r.bad_output.empty()) {
        r.bad_output = parse_report_line(ev.line).reason + ": " + ev.line.substr(0, 200);
      }
      break;
    case ExecutorEvent::Kind::kReport: {
      ParsedLine p = parse_report_object(ev.report);
      if (p.kind != ParsedLine::Kind::kReport) {
        if (r.bad_output.empty()) r.bad_output = p.reason;
        break;
      }
      for (const auto& [k, v] : p.metrics) t.metrics[k] = v;  // the last value wins
      if (!p.step) break;
      Report rep;
      rep.step = *p.step;
      rep.metrics = MetricMap(p.metrics.begin(), p.metrics.end());
      rep.elapsed_s = ev.elapsed_s;
      rep.energy_kwh = ev.energy_so_far.total_kwh();
      t.reports.push_back(rep);
      store_.trial_report(t.number, t.attempt, rep);
      if (parts_.pruner && r.intent == Running::Intent::kNone) {
        PruneVerdict v = parts_.pruner->should_prune(view(), t);
        if (v.prune) {
          r.intent = Running::Intent::kPrune;
          r.intent_reason = v.reason.empty() ? "pruned" : v.reason;
          parts_.executor->cancel(t.number, options_.cancel_grace_s);
        }
      }
      break;
    }
    case ExecutorEvent::Kind::kExited:
      finalize(t, r, ev.exit);
      finished.push_back(t);
      running_.erase(it);
      --progress_.running;
      break;
  }
}

void Loop::after_finished(const std::vector<Trial>& finished) {
  if (finished.empty()) return;
  store_.trials_finished(finished);
  for (const Trial& t : finished) {
    add_to_front(t);
    bool final_record = true;
    switch (t.state) {
      case TrialState::kComplete: ++progress_.complete; break;
      case TrialState::kPruned: ++progress_.pruned; break;
      case TrialState::kInterrupted: ++progress_.interrupted; break;
      case TrialState::kFailed: {
        ++progress_.failed;
        int failures = 0;
        for (std::size_t j = index_of(t.number, 0);
             j < trials_.size() && trials_[j].number == t.number; ++j) {
          failures += trials_[j].state == TrialState::kFailed;
        }
        const bool launchable = t.reason.rfind("cannot start", 0) != 0;
        if (launchable && failures <= spec_.retries && reruns_allowed()) {
          reruns_.push_back({t.number, t.attempt + 1, t.params});
          final_record = false;
        }
        break;
      }
      case TrialState::kRunning: break;
    }
    if (t.state == TrialState::kInterrupted && t.reason.rfind("lost", 0) == 0) {
      int lost = 0;
      for (std::size_t j = index_of(t.number, 0);
           j < trials_.size() && trials_[j].number == t.number; ++j) {
        lost += trials_[j].state == TrialState::kInterrupted;
      }
      if (lost <= spec_.retries && reruns_allowed()) {
        reruns_.push_back({t.number, t.attempt + 1, t.params});
        final_record = false;
      }
    }
    if (final_record) ++progress_.done;
    refresh_progress();
    if (observer_) observer_->on_trial_finished(t, progress_);
    if (t.state == TrialState::kFailed && t.reason.rfind("cannot start", 0) == 0) {
      StopVerdict s;
      s.stop = true;
      s.rule = "launch_error";
      s.message = "the trial command cannot start: " + t.reason.substr(14);
      s.at_trial = t.number;
      stop(s, Termination::kLaunchError);
    }
  }
  StudyView v = view();
  if (!stopping_) {
    for (auto& rule : parts_.stop_rules) {
      StopVerdict s = rule->check(v);
      if (s.stop) {
        stop(s, Termination::kStopRule);
        break;
      }
    }
  }
  if (!stopping_) {
    StopVerdict b = budget_.exhausted(v, elapsed(), coordinator_kwh_);
    if (b.stop) stop(b, Termination::kBudget);
  }
  if (mono_now() - last_elapsed_saved_ > 1.0) {
    store_.set_attribute("wall_time_s", elapsed());
    store_.set_attribute("coordinator_kwh", coordinator_kwh_);
    last_elapsed_saved_ = mono_now();
  }
}

void Loop::handle_interrupts() {
  if (!options_.interrupts) return;
  const int n = options_.interrupts();
  if (n <= interrupts_seen_) return;
  interrupts_seen_ = n;
  if (n >= 1 && !stop_) {
    StopVerdict s;
    s.stop = true;
    s.rule = "interrupted";
    s.message = "interrupted: no new trials; running trials finish (interrupt again to stop them)";
    s.at_trial = next_number_ - 1;
    stop(s, Termination::kInterrupted);
  }
  stopping_ = true;
  progress_.stopping = true;
  if (n >= 2) {
    termination_ = Termination::kInterrupted;
    if (stop_) {
      stop_->rule = "interrupted";
      stop_->message = "interrupted twice: running trials were stopped and recorded as interrupted";
    }
    reruns_.clear();
    for (auto& [number, r] : running_) {
      if (r.intent == Running::Intent::kInterrupt) continue;
      r.intent = Running::Intent::kInterrupt;
      r.intent_reason = "interrupted by user";
      parts_.executor->cancel(number, options_.cancel_grace_s);
    }
  }
}

void Loop::refresh_progress() {
  progress_.front_size = static_cast<std::int64_t>(front_.size());
  progress_.elapsed_s = elapsed();
  BudgetUsage u = budget_.usage(view(), coordinator_kwh_);
  progress_.energy_kwh = u.energy_kwh;
}

StudySummary Loop::run() {
  start_mono_ = mono_now();
  last_elapsed_saved_ = start_mono_;
  if (spec_.gpus_per_trial > 0) {
    if (parts_.gpus) {
      gpu_pool_ = *parts_.gpus;
    } else {  // no pool from the caller (e.g. a Slurm executor): indices, as many as slots need
      Result<GpuPool> p = GpuPool::make(spec_.gpus_per_trial, {}, std::nullopt,
                                        parts_.executor->slots() * spec_.gpus_per_trial);
      if (p.ok()) gpu_pool_ = std::move(p).value();
    }
  }
  if (gpu_pool_ && parts_.gpu_power && !spec_.hardware.gpu_power_limit_w.empty()) {
    // Originals from the study file when resuming (the GPUs may still carry a killed
    // trial's limit), else as found now; recorded before the first trial changes them.
    power_.emplace(*parts_.gpu_power, spec_.hardware.gpu_power_limit_w);
    const auto& attrs = store_.attributes();
    const nlohmann::json recorded = attrs.contains("gpu_power_limits_mw")
                                        ? attrs["gpu_power_limits_mw"] : nlohmann::json();
    auto notes = power_->begin(GpuPool::meter_indices(gpu_pool_->all()), recorded);
    if (notes.ok()) {
      for (const auto& n : notes.value()) std::fprintf(stderr, "ecohpo: %s\n", n.c_str());
      store_.set_attribute("gpu_power_limits_mw", power_->originals_json());
    } else {
      StopVerdict s;
      s.stop = true;
      s.rule = "launch_error";
      s.message = "GPU power limits cannot be read: " + notes.error();
      stop(s, Termination::kLaunchError);
    }
  }
  if (options_.resume) resume();
  progress_.total = spec_.budget.trials.value_or(-1);
  for (const auto& t : trials_) {
    switch (t.state) {
      case TrialState::kComplete: ++progress_.complete; break;
      case TrialState::kPruned: ++progress_.pruned; break;
      case TrialState::kFailed: ++progress_.failed; break;
      case TrialState::kInterrupted: ++progress_.interrupted; break;
      case TrialState::kRunning: break;
    }
  }
  {
    std::set<std::int64_t> numbers, again;
    for (const auto& t : trials_) numbers.insert(t.number);
    for (const auto& r : reruns_) again.insert(r.number);
    for (const auto& [n, r] : running_) again.insert(n);  // re-attached, not finished yet
    progress_.done = static_cast<std::int64_t>(numbers.size() - again.size());
  }
  refresh_progress();
  if (observer_) observer_->on_begin(spec_, progress_);

  std::vector<Trial> finished;
  double last_tick = 0.0;
  while (true) {
    handle_interrupts();
    fill_slots();
    if (running_.empty()) break;  // stopping, or nothing could be launched
    std::vector<ExecutorEvent> events = parts_.executor->poll(options_.poll_s);
    finished.clear();
    for (auto& ev : events) on_event(ev, finished);
    after_finished(finished);
    const double now = mono_now();
    if (observer_ && now - last_tick >= 0.1) {
      progress_.elapsed_s = elapsed();
      observer_->on_tick(progress_);
      last_tick = now;
    }
  }
  if (!stop_) {
    // Launching stopped without a verdict (e.g. nothing left to re-run after the stop).
    StopVerdict s;
    s.stop = true;
    s.rule = "finished";
    s.message = "no trial left to run";
    stop(s, Termination::kBudget);
  }
  store_.study_stopped(*stop_);
  store_.set_attribute("wall_time_s", elapsed());
  store_.set_attribute("coordinator_kwh", coordinator_kwh_);
  store_.checkpoint();

  StudySummary s;
  s.termination = termination_;
  s.stop = *stop_;
  refresh_progress();
  s.progress = progress_;
  s.resumed_reruns = resumed_reruns_;
  s.sampler_kwh = coordinator_kwh_;
  std::set<std::int64_t> charged;
  for (const auto& t : trials_) {
    s.trial_kwh += t.energy.energy_kwh;
    s.co2e_kg += t.energy.co2e_kg;
    if (charged.insert(t.number).second) s.sampler_kwh += t.sampler_kwh;
  }
  if (observer_) observer_->on_end(s);
  return s;
}

}  // namespace

StudySummary run_study(const StudySpec& spec, StudyParts& parts, StudyStore& store,
                       StudyObserver* observer, const RunOptions& options) {
  Loop loop(spec, parts, store, observer, options);
  return loop.run();
}

}  // namespace hpo
