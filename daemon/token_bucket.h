// TokenBucket: a request-rate limit with bursts up to one second's worth.
// Time comes in from the caller, so the bucket is testable without sleeping.
#pragma once

#include <algorithm>
#include <cstdint>

namespace orauditd {

class TokenBucket {
 public:
  explicit TokenBucket(double rate_per_second)
      : max_rate_(rate_per_second), rate_(rate_per_second), capacity_(std::max(1.0, rate_per_second)), tokens_(capacity_) {}

  // Takes one token if there is one.
  bool TryTake(int64_t now_ms) {
    Refill(now_ms);
    if (tokens_ < 1) return false;
    tokens_ -= 1;
    return true;
  }

  // When the next token will be there.
  int64_t NextTokenMs(int64_t now_ms) {
    Refill(now_ms);
    if (tokens_ >= 1) return now_ms;
    return now_ms + static_cast<int64_t>((1 - tokens_) * 1000 / rate_) + 1;
  }

  // Slows down (after a 429) by halving the rate, never below 1 per second.
  void SlowDown() { rate_ = std::max(1.0, rate_ / 2); }
  // Creeps back towards the configured rate after a success.
  void Recover() { rate_ = std::min(max_rate_, rate_ * 1.05); }
  double rate() const { return rate_; }

 private:
  void Refill(int64_t now_ms) {
    if (last_ms_ != 0 && now_ms > last_ms_) {
      tokens_ = std::min(capacity_, tokens_ + (now_ms - last_ms_) * rate_ / 1000);
    }
    last_ms_ = std::max(last_ms_, now_ms);
  }

  double max_rate_;
  double rate_;
  double capacity_;
  double tokens_;
  int64_t last_ms_ = 0;
};

}  // namespace orauditd
