#include "queue/pending_stats.h"

namespace orauditd {
namespace {

// The start of the second `ms` falls in (floor, also before 1970).
int64_t SecondOf(int64_t ms) { return ms - ((ms % 1000) + 1000) % 1000; }

void Bump(std::map<int64_t, int64_t>* counts, int64_t ms, int64_t delta) {
  auto [it, inserted] = counts->try_emplace(SecondOf(ms), 0);
  it->second += delta;
  if (it->second == 0) counts->erase(it);
}

}  // namespace

void PendingStats::Add(int64_t received_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  Bump(&by_received_ms_, received_ms, 1);
  ++records_;
}

void PendingStats::Remove(int64_t received_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  Bump(&by_received_ms_, received_ms, -1);
  --records_;
}

void PendingStats::SetCounting(bool counting) {
  std::lock_guard<std::mutex> lock(mu_);
  counting_ = counting;
}

PendingStats::Snapshot PendingStats::Read() const {
  std::lock_guard<std::mutex> lock(mu_);
  Snapshot snapshot;
  snapshot.records = records_ > 0 ? static_cast<uint64_t>(records_) : 0;
  snapshot.counting = counting_;
  for (const auto& [received_ms, count] : by_received_ms_) {
    // A negative entry is a record whose leaving was seen first; it is
    // about to cancel out and is nobody's intake time.
    if (count > 0) {
      snapshot.oldest_received_ms = received_ms;
      break;
    }
  }
  return snapshot;
}

}  // namespace orauditd
