// FakeMeter: a TEST DOUBLE for meters::Meter. It measures nothing: every span is charged a
// fixed power (watts) times its wall duration, as one component "cpu-package-0" with source
// "fake". It records the targets it was given so tests can check what the executor passed.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "meters/meter.h"

namespace testing_support {

class FakeMeter final : public meters::Meter {
 public:
  explicit FakeMeter(double power_w) : power_w_(power_w) {}

  meters::MeterHandle begin(const meters::MeterTarget& target) override {
    std::lock_guard lock(mu_);
    const meters::MeterHandle h = next_++;
    spans_[h] = Clock::now();
    targets.push_back(target);
    return h;
  }
  meters::Measurement read(meters::MeterHandle h) override {
    std::lock_guard lock(mu_);
    ++reads;
    return measure(h);
  }
  meters::Measurement end(meters::MeterHandle h) override {
    std::lock_guard lock(mu_);
    meters::Measurement m = measure(h);
    spans_.erase(h);
    ++ends;
    return m;
  }
  std::string describe() const override { return "fake(" + std::to_string(power_w_) + " W)"; }

  std::vector<meters::MeterTarget> targets;  // every begin(), in order
  int reads = 0;
  int ends = 0;
  int open_spans() const { return static_cast<int>(spans_.size()); }

 private:
  using Clock = std::chrono::steady_clock;
  meters::Measurement measure(meters::MeterHandle h) const {
    meters::Measurement m;
    auto it = spans_.find(h);
    if (it == spans_.end()) return m;
    m.duration_s = std::chrono::duration<double>(Clock::now() - it->second).count();
    m.components.push_back({"cpu-package-0", "fake", power_w_ * m.duration_s, false});
    return m;
  }
  double power_w_;
  std::mutex mu_;
  std::map<meters::MeterHandle, Clock::time_point> spans_;
  meters::MeterHandle next_ = 1;
};

}  // namespace testing_support
