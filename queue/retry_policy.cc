#include "queue/retry_policy.h"

#include <algorithm>

namespace orauditd {
namespace {

// Lookups whose missing cost is retried at exactly missing_cost_delay.
constexpr int64_t kCostMissingFixedTries = 5;

}  // namespace

bool RetryPolicy::LateRecord(const QueuedRecord& queued) const {
  return queued.record.received_ms >= queued.record.timestamp_ms + config_.window_ms;
}

int64_t RetryPolicy::Deadline(const QueuedRecord& queued) const {
  int64_t window_end = queued.record.timestamp_ms + config_.window_ms;
  if (!LateRecord(queued)) return window_end;
  // Enough time for the late attempts at capped backoff.
  return queued.record.received_ms + config_.late_record_attempts * config_.backoff_max_ms;
}

int64_t RetryPolicy::FirstDue(const QueuedRecord& queued, int64_t now_ms) const {
  if (!queued.record.generation_id) return now_ms;  // nothing to look up: finish at once
  return now_ms + config_.first_delay_ms;
}

int64_t RetryPolicy::Backoff(int64_t failures) {
  int64_t delay = config_.backoff_initial_ms;
  for (int64_t i = 1; i < failures && delay < config_.backoff_max_ms; ++i) delay *= 2;
  delay = std::min(delay, config_.backoff_max_ms);
  std::uniform_int_distribution<int64_t> jitter(delay / 2, delay);
  return std::max<int64_t>(1, jitter(rng_));
}

RetryDecision RetryPolicy::RetryAt(const QueuedRecord& queued, int64_t due_ms, int64_t now_ms,
                                   const char* exhausted_status, const std::string& why) {
  RetryDecision decision;
  int64_t deadline = Deadline(queued);
  bool late_exhausted =
      LateRecord(queued) && queued.attempts >= config_.late_record_attempts;
  if (now_ms >= deadline || late_exhausted) {
    decision.action = RetryDecision::Action::kFinalize;
    decision.meta_status = exhausted_status;
    decision.meta_error = why + " (gave up after " + std::to_string(queued.attempts) +
                          " lookups)";
    return decision;
  }
  decision.action = RetryDecision::Action::kRetry;
  // The last try lands on the deadline rather than past it.
  decision.due_ms = std::min(due_ms, deadline);
  return decision;
}

RetryDecision RetryPolicy::Decide(const QueuedRecord& queued, const LookupResult& result,
                                  int64_t now_ms) {
  RetryDecision decision;
  switch (result.cls) {
    case LookupClass::kResolved:
      decision.action = RetryDecision::Action::kFinalize;
      decision.meta_status = "resolved";
      return decision;

    case LookupClass::kCostMissing: {
      // A cost usually shows up seconds after the call, so the first tries
      // keep to missing_cost_delay. One still missing after those is asked
      // at a growing interval, as a 404 is, so that a generation whose cost
      // never comes does not spend a lookup every few seconds of the window.
      int64_t delay = config_.missing_cost_delay_ms;
      if (queued.attempts > kCostMissingFixedTries) {
        delay = std::max(delay, Backoff(queued.attempts - kCostMissingFixedTries));
      }
      return RetryAt(queued, now_ms + delay, now_ms, "unresolved",
                     "total_cost not available: " + result.detail);
    }

    case LookupClass::kNotYet:
      return RetryAt(queued, now_ms + Backoff(queued.attempts), now_ms, "unresolved",
                     "generation not found: " + result.detail);

    case LookupClass::kRateLimited:
    case LookupClass::kTransient: {
      int64_t due = now_ms + Backoff(queued.attempts);
      if (result.retry_at_ms && *result.retry_at_ms > now_ms) due = *result.retry_at_ms;
      return RetryAt(queued, due, now_ms, "unresolved", result.detail);
    }

    case LookupClass::kNoCredits:
      // Account-level: the caller pauses the key; this record simply waits.
      return RetryAt(queued, now_ms + config_.backoff_max_ms, now_ms, "unresolved",
                     result.detail);

    case LookupClass::kAuthFailed:
    case LookupClass::kMisconfigured: {
      const char* final_status =
          result.cls == LookupClass::kAuthFailed ? "auth_failed" : "failed";
      decision = RetryAt(queued, Deadline(queued), now_ms, final_status, result.detail);
      if (decision.action == RetryDecision::Action::kRetry) {
        decision.action = RetryDecision::Action::kPark;
      }
      return decision;
    }

    case LookupClass::kFailed:
      decision.action = RetryDecision::Action::kFinalize;
      decision.meta_status = "failed";
      decision.meta_error = result.detail;
      return decision;
  }
  return decision;
}

}  // namespace orauditd
