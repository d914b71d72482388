#include "meters/attributing_meter.h"

#include <pthread.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

namespace meters {

double steady_now_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string AttributingMeter::Options::validate() const {
  if (!(interval_s >= 0.01 && interval_s <= 3600))
    return "meter interval_s must be in [0.01, 3600], got " + std::to_string(interval_s);
  if (min_read_gap_s < 0) return "meter min_read_gap_s must be >= 0";
  return "";
}

AttributingMeter::AttributingMeter(std::vector<std::unique_ptr<EnergySource>> sources,
                                   Options options, std::vector<std::string> notes)
    : sources_(std::move(sources)),
      options_(std::move(options)),
      notes_(std::move(notes)),
      table_(options_.proc_root) {
  interval_s_ = options_.interval_s;
  for (std::size_t s = 0; s < sources_.size(); ++s) {
    interval_s_ = std::min(interval_s_, sources_[s]->max_read_interval_s());
    for (const auto& c : sources_[s]->channels()) flat_.push_back({s, c});
  }
  last_j_.assign(flat_.size(), 0.0);
  machine_j_.assign(flat_.size(), 0.0);
  idle_by_channel_j_.assign(flat_.size(), 0.0);
  source_errors_.assign(sources_.size(), "");
  for (std::size_t s = 0; s < sources_.size(); ++s) {
    auto r = sources_[s]->read_j();
    std::size_t k = 0;
    for (std::size_t f = 0; f < flat_.size(); ++f)
      if (flat_[f].source == s) {
        if (r) last_j_[f] = (*r)[k];
        ++k;
      }
    if (!r) source_errors_[s] = r.error();
  }
  auto busy = machine_busy_cpu_s(options_.proc_root);
  last_busy_s_ = busy ? *busy : -1.0;
  last_children_s_ = reaped_children_cpu_s();
  start_s_ = last_sample_s_ = steady_now_s();
  if (options_.sampling_thread) thread_ = std::thread([this] { loop(); });
}

AttributingMeter::~AttributingMeter() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void AttributingMeter::loop() {
  std::unique_lock<std::mutex> lock(mu_);
  const auto period = std::chrono::duration<double>(interval_s_);
  auto next = std::chrono::steady_clock::now() + std::chrono::duration_cast<std::chrono::steady_clock::duration>(period);
  while (!stop_) {
    if (cv_.wait_until(lock, next, [this] { return stop_; })) break;
    sample_locked(steady_now_s());
    next += std::chrono::duration_cast<std::chrono::steady_clock::duration>(period);
    const auto now = std::chrono::steady_clock::now();
    if (next < now) next = now + std::chrono::duration_cast<std::chrono::steady_clock::duration>(period);
  }
}

double AttributingMeter::cpu_now_locked(Target& t, double* rss_bytes, bool* vanished) {
  *rss_bytes = 0.0;
  *vanished = false;
  if (t.has_clock) {
    auto c = clock_cpu_s(t.clock);
    if (c) return *c;
    *vanished = true;  // thread exited
    return t.last_cpu_s;
  }
  if (t.final_cpu_s) {
    // Reaped: the reaper's rusage is exact, and a /proc scan for a tree that is gone would
    // only cost time on the launch path.
    *vanished = true;
    return t.last_cpu_s;
  }
  if (!t.spec.cgroup_dir.empty()) {
    auto c = cgroup_cpu_s(t.spec.cgroup_dir);
    if (c) {
      // Resident memory only when a channel charges it (the estimate's memory term).
      const bool needs_rss = std::any_of(flat_.begin(), flat_.end(), [](const Flat& f) {
        return f.channel.model == ChannelModel::kPerRssGbSecond;
      });
      if (needs_rss) *rss_bytes = cgroup_members(t.spec.cgroup_dir, options_.proc_root).rss_bytes;
      return *c;
    }
    t.notes.push_back("cgroup " + c.error() + "; using the /proc tree instead");
    t.spec.cgroup_dir.clear();
  }
  TreeUsage u;
  if (!table_.walk(t.spec.pgid, &u)) {
    if (!scanned_) {
      table_.scan();
      scanned_ = true;
    }
    u = table_.tree(t.spec.pgid);
  }
  *rss_bytes = u.rss_bytes;
  if (u.processes == 0) {
    *vanished = true;
    return t.last_cpu_s;
  }
  return u.cpu_s;
}

void AttributingMeter::sample_locked(double now_s) {
  const double dt = now_s - last_sample_s_;
  // 1. Counter deltas. A failed read keeps the old value: the energy shows up next time.
  std::vector<double> delta(flat_.size(), 0.0);
  for (std::size_t s = 0; s < sources_.size(); ++s) {
    auto r = sources_[s]->read_j();
    if (!r) {
      source_errors_[s] = r.error();
      continue;
    }
    source_errors_[s].clear();
    std::size_t k = 0;
    for (std::size_t f = 0; f < flat_.size(); ++f) {
      if (flat_[f].source != s) continue;
      const double v = (*r)[k++];
      delta[f] = std::max(0.0, v - last_j_[f]);
      last_j_[f] = v;
    }
  }
  // 2. Machine busy CPU and each target's CPU over the interval.
  double dbusy = 0.0;
  auto busy = machine_busy_cpu_s(options_.proc_root);
  if (busy && last_busy_s_ >= 0) dbusy = std::max(0.0, *busy - last_busy_s_);
  last_busy_s_ = busy ? *busy : -1.0;

  scanned_ = false;  // a full /proc scan only for trees the leader walk cannot reach

  struct Step {
    Target* t;
    double dcpu, rss_gb, dt;
  };
  std::vector<Step> steps;
  std::vector<Step*> newly_vanished;
  steps.reserve(targets_.size());
  for (auto& [h, t] : targets_) {
    double rss = 0.0, d = 0.0;
    bool gone = false;
    if (!t.vanished) {
      const double cur = cpu_now_locked(t, &rss, &gone);
      if (!gone) {
        d = std::max(0.0, cur - t.last_cpu_s);
        t.last_cpu_s = cur;
        t.last_rss_bytes = rss;
      } else {
        rss = t.last_rss_bytes;  // exited during this interval
      }
    } else {
      gone = true;
    }
    steps.push_back({&t, d, rss / 1e9, now_s - std::max(t.last_sample_s, t.begin_s)});
    if (gone && !t.vanished) {
      t.vanished = true;
      // Both ends charge the tree's whole life (its reaper's rusage, or its growth of our
      // RUSAGE_CHILDREN), including the little it burnt before begin(): that start-up is
      // the trial's own cost. Hence begin_cpu_s, which the live intervals left out.
      if (t.final_cpu_s) {
        steps.back().dcpu = std::max(0.0, t.begin_cpu_s + *t.final_cpu_s - t.last_cpu_s);
      } else if (!t.has_clock) {
        newly_vanished.push_back(&steps.back());
      }
    }
  }
  // A tree reaped by this process since the last sample: its CPU time moved into our
  // RUSAGE_CHILDREN; the part not yet seen is that increase minus what was attributed.
  // Read only after the walk: a tree the walk found gone was reaped before this read, so its
  // CPU time is in the increase. (Read before the walk, a reap in between lost up to a whole
  // interval of the tree's CPU time.) A reap just after the walk leaves only the microseconds
  // between the walk and the exit unseen.
  const double children = reaped_children_cpu_s();
  const double dchildren = std::max(0.0, children - last_children_s_);
  last_children_s_ = children;
  if (!newly_vanished.empty()) {
    // Several trees gone at once: split by their CPU rate so far (the best evidence left).
    double rate_sum = 0.0;
    std::vector<double> rate;
    for (Step* s : newly_vanished) {
      const double span = std::max(1e-9, s->t->last_sample_s - s->t->begin_s);
      rate.push_back((s->t->last_cpu_s - s->t->begin_cpu_s) / span + 1e-9);
      rate_sum += rate.back();
    }
    for (std::size_t k = 0; k < newly_vanished.size(); ++k) {
      Step* s = newly_vanished[k];
      const double share = dchildren * rate[k] / rate_sum;
      s->dcpu = std::max(0.0, share + s->t->begin_cpu_s - s->t->last_cpu_s);
    }
  }
  double sum_d = 0.0;
  for (const auto& s : steps) sum_d += s.dcpu;
  const double denom = std::max(dbusy, sum_d);

  // 3. Split each channel's delta.
  std::vector<double> interval_j(steps.size(), 0.0);
  for (std::size_t f = 0; f < flat_.size(); ++f) {
    const Channel& c = flat_[f].channel;
    double charged = 0.0, total = 0.0;
    switch (c.model) {
      case ChannelModel::kCounter:
        total = delta[f];
        if (c.kind == ChannelKind::kGpu) {
          std::vector<std::size_t> holders;
          for (std::size_t i = 0; i < steps.size(); ++i) {
            const auto& g = steps[i].t->spec.gpu_indices;
            if (std::find(g.begin(), g.end(), c.gpu_index) != g.end()) holders.push_back(i);
          }
          for (std::size_t i : holders) {
            const double e = total / static_cast<double>(holders.size());
            steps[i].t->energy_j[f] += e;
            interval_j[i] += e;
            charged += e;
          }
        } else if (denom > 0) {
          for (std::size_t i = 0; i < steps.size(); ++i) {
            const double e = total * steps[i].dcpu / denom;
            steps[i].t->energy_j[f] += e;
            interval_j[i] += e;
            charged += e;
          }
        }
        break;
      case ChannelModel::kPerCpuSecond:
        total = c.rate_w * denom;
        for (std::size_t i = 0; i < steps.size(); ++i) {
          const double e = c.rate_w * steps[i].dcpu;
          steps[i].t->energy_j[f] += e;
          interval_j[i] += e;
          charged += e;
        }
        break;
      case ChannelModel::kPerRssGbSecond:
        for (std::size_t i = 0; i < steps.size(); ++i) {
          const double e = c.rate_w * steps[i].rss_gb * steps[i].dt;
          steps[i].t->energy_j[f] += e;
          interval_j[i] += e;
          charged += e;
        }
        total = charged;
        break;
    }
    machine_j_[f] += total;
    idle_by_channel_j_[f] += std::max(0.0, total - charged);
  }
  for (std::size_t i = 0; i < steps.size(); ++i) {
    Target& t = *steps[i].t;
    t.cpu_s += steps[i].dcpu;
    if (steps[i].dt > 0)
      t.trace.push_back({now_s - t.begin_s, interval_j[i] / steps[i].dt});
    t.last_sample_s = now_s;
  }
  (void)dt;
  last_sample_s_ = now_s;
}

MeterHandle AttributingMeter::begin(const MeterTarget& target) {
  std::lock_guard<std::mutex> lock(mu_);
  const double now = steady_now_s();
  Target t;
  t.spec = target;
  t.begin_s = t.last_sample_s = now;
  t.energy_j.assign(flat_.size(), 0.0);
  if (target.pgid == 0) {
    t.has_clock = pthread_getcpuclockid(pthread_self(), &t.clock) == 0;
    if (!t.has_clock) t.notes.push_back("no CPU clock for the calling thread");
  }
  scanned_ = false;
  double rss = 0.0;
  bool gone = false;
  t.begin_cpu_s = t.last_cpu_s = cpu_now_locked(t, &rss, &gone);
  t.last_rss_bytes = rss;
  if (gone && !t.has_clock) t.notes.push_back("process group " + std::to_string(target.pgid) +
                                              " not found at begin()");
  // Provenance of the CPU-time weights (docs/metering.md, "Attribution").
  if (!t.has_clock) {
    t.notes.push_back(t.spec.cgroup_dir.empty()
                          ? "cpu time: /proc process tree of group " + std::to_string(target.pgid)
                          : "cpu time: cgroup v2 " + t.spec.cgroup_dir);
  }
  const MeterHandle h = next_handle_++;
  targets_.emplace(h, std::move(t));
  return h;
}

Measurement AttributingMeter::measurement_locked(const Target& t, double now_s) const {
  Measurement m;
  m.duration_s = now_s - t.begin_s;
  m.cpu_s = t.cpu_s;
  for (std::size_t f = 0; f < flat_.size(); ++f) {
    const Channel& c = flat_[f].channel;
    if (c.kind == ChannelKind::kGpu) {
      const auto& g = t.spec.gpu_indices;
      if (std::find(g.begin(), g.end(), c.gpu_index) == g.end()) continue;
    }
    m.components.push_back({c.component, c.source, t.energy_j[f], c.estimated});
  }
  m.trace = t.trace;
  m.notes = notes_;
  for (std::size_t s = 0; s < sources_.size(); ++s)
    if (!source_errors_[s].empty())
      m.notes.push_back(sources_[s]->name() + ": last read failed: " + source_errors_[s]);
  m.notes.insert(m.notes.end(), t.notes.begin(), t.notes.end());
  return m;
}

Measurement AttributingMeter::read(MeterHandle handle) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = targets_.find(handle);
  if (it == targets_.end()) return Measurement{{}, {}, {}, {}, {"unknown meter handle"}};
  const double now = steady_now_s();
  if (now - last_sample_s_ >= options_.min_read_gap_s) sample_locked(now);
  return measurement_locked(it->second, now);
}

Measurement AttributingMeter::end(MeterHandle handle) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = targets_.find(handle);
  if (it == targets_.end()) return Measurement{{}, {}, {}, {}, {"unknown meter handle"}};
  const double now = steady_now_s();
  sample_locked(now);
  Measurement m = measurement_locked(it->second, now);
  targets_.erase(it);
  return m;
}

void AttributingMeter::set_final_cpu_s(MeterHandle handle, double cpu_s) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = targets_.find(handle);
  if (it != targets_.end()) it->second.final_cpu_s = cpu_s;
}

std::vector<GpuDevice> AttributingMeter::gpus() const {
  std::vector<GpuDevice> out;
  for (const auto& s : sources_)
    for (const Channel& c : s->channels())
      if (c.kind == ChannelKind::kGpu && c.gpu_index >= 0) out.push_back({c.gpu_index, c.device_uuid});
  std::sort(out.begin(), out.end(),
            [](const GpuDevice& a, const GpuDevice& b) { return a.index < b.index; });
  return out;
}

std::string AttributingMeter::describe() const {
  std::string out;
  for (const auto& s : sources_) out += (out.empty() ? "" : "+") + s->describe();
  char buf[64];
  std::snprintf(buf, sizeof buf, ", every %gs", interval_s_);
  return out + buf;
}

double AttributingMeter::idle_j() const {
  std::lock_guard<std::mutex> lock(mu_);
  double s = 0.0;
  for (double v : idle_by_channel_j_) s += v;
  return s;
}

Measurement AttributingMeter::machine() const {
  std::lock_guard<std::mutex> lock(mu_);
  Measurement m;
  m.duration_s = last_sample_s_ - start_s_;
  double idle = 0.0;
  for (std::size_t f = 0; f < flat_.size(); ++f) {
    const Channel& c = flat_[f].channel;
    m.components.push_back({c.component, c.source, machine_j_[f], c.estimated});
    idle += idle_by_channel_j_[f];
  }
  m.notes = notes_;
  m.notes.push_back("unattributed (idle, other processes, unheld GPUs): " +
                    std::to_string(idle) + " J");
  return m;
}

void AttributingMeter::sample_now() {
  std::lock_guard<std::mutex> lock(mu_);
  sample_locked(steady_now_s());
}

}  // namespace meters
