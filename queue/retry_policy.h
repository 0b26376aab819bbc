// RetryPolicy: the contract's retry table as a pure function. Given a
// record's state, the class of the answer it just got and the time, it says
// whether to look again (and when), to park the record, or to finish it with
// which meta_status. No I/O and no clock of its own: tests walk a record
// through a 30-minute window in microseconds.
#pragma once

#include <cstdint>
#include <random>
#include <string>

#include "fetcher/lookup.h"
#include "queue/queued_record.h"

namespace orauditd {

struct RetryConfig {
  int64_t window_ms = 30 * 60 * 1000;
  int64_t first_delay_ms = 1000;
  int64_t missing_cost_delay_ms = 2000;
  int64_t backoff_initial_ms = 1000;
  int64_t backoff_max_ms = 60000;
  // A record that arrives already past its window (a replay of an old spool)
  // still gets this many lookups before it is finalized.
  int64_t late_record_attempts = 3;
};

struct RetryDecision {
  enum class Action { kRetry, kPark, kFinalize };
  Action action = Action::kRetry;
  int64_t due_ms = 0;        // kRetry and kPark: when to look again
  std::string meta_status;   // kFinalize
  std::string meta_error;    // kFinalize: why it did not resolve; also the log line
};

class RetryPolicy {
 public:
  RetryPolicy(RetryConfig config, uint64_t seed) : config_(config), rng_(seed) {}

  // When a record's lookups must stop. Counts from the call's timestamp;
  // for a record received after that, from its arrival plus a few backoffs.
  int64_t Deadline(const QueuedRecord& queued) const;

  // First due time for a record received at now_ms.
  int64_t FirstDue(const QueuedRecord& queued, int64_t now_ms) const;

  // `queued.attempts` already counts the lookup that produced `result`.
  RetryDecision Decide(const QueuedRecord& queued, const LookupResult& result, int64_t now_ms);

  // Backoff after `failures` failed lookups: exponential from
  // backoff.initial, capped at backoff.max, with jitter in [50%, 100%].
  int64_t Backoff(int64_t failures);

  const RetryConfig& config() const { return config_; }

 private:
  bool LateRecord(const QueuedRecord& queued) const;
  RetryDecision RetryAt(const QueuedRecord& queued, int64_t due_ms, int64_t now_ms,
                        const char* exhausted_status, const std::string& why);

  RetryConfig config_;
  std::mt19937_64 rng_;
};

}  // namespace orauditd
