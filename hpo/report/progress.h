// Progress: the study's only writer to the terminal below the CLI (a StudyObserver).
// On a TTY it redraws one live status line, at most 4 times a second:
//   [12/50] running 2  failed 1  front 5  0.0031 kWh  elapsed 0:42  ETA 2:13
// Otherwise (a pipe, a CI log) it prints one plain line per finished trial:
//   trial 12 complete  f1=0.2 f2=0.81  1.02 s  3.1e-05 kWh  [12/50, front 5]
// Quiet mode prints nothing but the final summary (which the CLI prints itself).
#pragma once

#include <cstdio>
#include <string>

#include "hpo/study/study_loop.h"

namespace hpo {

class Progress final : public StudyObserver {
 public:
  struct Options {
    bool quiet = false;
    int tty = -1;                 // 1 = live line, 0 = plain lines, -1 = isatty(fileno(out))
    double redraw_interval_s = 0.25;
  };
  // `out` is not owned (usually stdout).
  Progress(Options options, std::FILE* out);

  void on_begin(const StudySpec& spec, const StudyProgress& p) override;
  void on_trial_started(const Trial& trial, const StudyProgress& p) override;
  void on_trial_finished(const Trial& trial, const StudyProgress& p) override;
  void on_tick(const StudyProgress& p) override;
  void on_stopping(const std::string& why, const StudyProgress& p) override;
  void on_end(const StudySummary& summary) override;

  // The status line text (no terminal codes), for tests.
  static std::string status_line(const StudyProgress& p, double eta_s);
  // One finished trial as a plain line, for tests.
  static std::string trial_line(const Trial& trial, const StudySpec& spec,
                                const StudyProgress& p);

 private:
  void redraw(const StudyProgress& p, bool force);
  void clear_line();
  double eta_s(const StudyProgress& p) const;

  Options options_;
  std::FILE* out_;
  const StudySpec* spec_ = nullptr;
  bool tty_ = false;
  double last_draw_ = -1.0;
  bool line_shown_ = false;
  std::int64_t done_at_begin_ = 0;
  double elapsed_at_begin_ = 0.0;
};

}  // namespace hpo
