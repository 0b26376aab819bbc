// Clock: the one way the daemon reads time, so that retry windows, backoff
// and deadlines can be walked through in tests without sleeping.
//
// NowMs() is wall-clock Unix time in milliseconds: the retry window counts
// from a record's own timestamp, which is wall time. Implementations are
// safe to call from any thread.
#pragma once

#include <atomic>
#include <cstdint>

namespace orauditd {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual int64_t NowMs() const = 0;
};

class SystemClock final : public Clock {
 public:
  int64_t NowMs() const override;
  static SystemClock* Default();
};

// A clock that moves only when told to.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(int64_t start_ms) : now_ms_(start_ms) {}
  int64_t NowMs() const override { return now_ms_.load(); }
  void Set(int64_t ms) { now_ms_.store(ms); }
  void Advance(int64_t ms) { now_ms_.fetch_add(ms); }

 private:
  std::atomic<int64_t> now_ms_;
};

}  // namespace orauditd
