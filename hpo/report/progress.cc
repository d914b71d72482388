#include "hpo/report/progress.h"

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <sstream>

namespace hpo {
namespace {

double mono_now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string clock_text(double s) {
  if (!std::isfinite(s) || s < 0) return "?";
  const long t = std::lround(s);
  char buf[32];
  if (t >= 3600) {
    std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", t / 3600, (t / 60) % 60, t % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%ld:%02ld", t / 60, t % 60);
  }
  return buf;
}

std::string num(double x) {
  std::ostringstream os;
  os.precision(4);
  os << x;
  return os.str();
}

}  // namespace

Progress::Progress(Options options, std::FILE* out) : options_(options), out_(out) {
  tty_ = options_.tty < 0 ? ::isatty(::fileno(out_)) != 0 : options_.tty == 1;
}

std::string Progress::status_line(const StudyProgress& p, double eta) {
  std::ostringstream os;
  os << "[" << p.done << "/" << (p.total >= 0 ? std::to_string(p.total) : "?") << "] running "
     << p.running << "  failed " << p.failed;
  if (p.pruned > 0) os << "  pruned " << p.pruned;
  os << "  front " << p.front_size << "  " << num(p.energy_kwh) << " kWh  elapsed "
     << clock_text(p.elapsed_s);
  if (p.stopping) {
    os << "  stopping";
  } else if (eta >= 0) {
    os << "  ETA " << clock_text(eta);
  }
  return os.str();
}

std::string Progress::trial_line(const Trial& t, const StudySpec& spec, const StudyProgress& p) {
  std::ostringstream os;
  os << "trial " << t.number;
  if (t.attempt > 0) os << " (attempt " << t.attempt << ")";
  os << " " << to_string(t.state);
  if (t.state == TrialState::kComplete) {
    for (std::size_t i = 0; i < t.values.size() && i < spec.objectives.size(); ++i) {
      os << (i == 0 ? "  " : " ") << spec.objectives[i].name << "=" << num(t.values[i]);
    }
  } else if (!t.reason.empty()) {
    os << ": " << t.reason;
  }
  os << "  " << num(t.duration_s) << " s  " << num(t.energy.energy_kwh) << " kWh  [" << p.done
     << "/" << (p.total >= 0 ? std::to_string(p.total) : "?") << ", front " << p.front_size
     << "]";
  return os.str();
}

double Progress::eta_s(const StudyProgress& p) const {
  if (p.total < 0) return -1;
  const std::int64_t done_now = p.done - done_at_begin_;
  const double spent = p.elapsed_s - elapsed_at_begin_;
  if (done_now <= 0 || spent <= 0) return -1;
  return spent / static_cast<double>(done_now) * static_cast<double>(p.total - p.done);
}

void Progress::clear_line() {
  if (tty_ && line_shown_) {
    std::fputs("\r\033[K", out_);
    line_shown_ = false;
  }
}

void Progress::redraw(const StudyProgress& p, bool force) {
  if (options_.quiet || !tty_) return;
  const double now = mono_now();
  if (!force && last_draw_ >= 0 && now - last_draw_ < options_.redraw_interval_s) return;
  last_draw_ = now;
  std::fprintf(out_, "\r\033[K%s", status_line(p, eta_s(p)).c_str());
  std::fflush(out_);
  line_shown_ = true;
}

void Progress::on_begin(const StudySpec& spec, const StudyProgress& p) {
  spec_ = &spec;
  done_at_begin_ = p.done;
  elapsed_at_begin_ = p.elapsed_s;
  if (options_.quiet) return;
  std::fprintf(out_, "study %s: %s%s\n", spec.name.c_str(),
               p.total >= 0 ? (std::to_string(p.total) + " trials").c_str() : "no trial budget",
               p.done > 0 ? (", resuming after " + std::to_string(p.done)).c_str() : "");
  std::fflush(out_);
  redraw(p, true);
}

void Progress::on_trial_started(const Trial& trial, const StudyProgress& p) { redraw(p, false); }

void Progress::on_trial_finished(const Trial& trial, const StudyProgress& p) {
  if (options_.quiet) return;
  if (!tty_) {
    if (spec_) std::fprintf(out_, "%s\n", trial_line(trial, *spec_, p).c_str());
    std::fflush(out_);
    return;
  }
  if (trial.state == TrialState::kFailed && spec_) {  // failures stay visible above the line
    clear_line();
    std::fprintf(out_, "%s\n", trial_line(trial, *spec_, p).c_str());
  }
  redraw(p, false);
}

void Progress::on_tick(const StudyProgress& p) { redraw(p, false); }

void Progress::on_stopping(const std::string& why, const StudyProgress& p) {
  if (options_.quiet) return;
  clear_line();
  std::fprintf(out_, "stopping: %s\n", why.c_str());
  std::fflush(out_);
  redraw(p, true);
}

void Progress::on_end(const StudySummary& summary) {
  clear_line();
  std::fflush(out_);
}

}  // namespace hpo
