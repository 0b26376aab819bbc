#include "queue/retry_policy.h"

#include <gtest/gtest.h>

namespace orauditd {
namespace {

constexpr int64_t kT0 = 1'764'860'000'000;  // 2025-12-04, an arbitrary call time
constexpr int64_t kMinute = 60'000;

QueuedRecord RecordAt(int64_t timestamp_ms, int64_t received_ms) {
  QueuedRecord q;
  q.record.request_id = "r1";
  q.record.generation_id = "gen-1";
  q.record.timestamp_ms = timestamp_ms;
  q.record.received_ms = received_ms;
  return q;
}

LookupResult Answer(LookupClass cls, std::string detail = "x") {
  LookupResult r;
  r.cls = cls;
  r.detail = std::move(detail);
  return r;
}

RetryConfig Defaults() { return RetryConfig{}; }

TEST(RetryPolicyTest, ResolvedFinalizesAtOnce) {
  RetryPolicy policy(Defaults(), 1);
  QueuedRecord q = RecordAt(kT0, kT0);
  q.attempts = 1;
  RetryDecision d = policy.Decide(q, Answer(LookupClass::kResolved), kT0 + 1000);
  EXPECT_EQ(d.action, RetryDecision::Action::kFinalize);
  EXPECT_EQ(d.meta_status, "resolved");
}

TEST(RetryPolicyTest, NotFoundRetriesWithGrowingCappedBackoff) {
  RetryConfig config = Defaults();
  config.backoff_initial_ms = 1000;
  config.backoff_max_ms = 8000;
  RetryPolicy policy(config, 7);
  QueuedRecord q = RecordAt(kT0, kT0);
  int64_t now = kT0 + 1000;
  int64_t previous_upper = 0;
  for (int attempt = 1; attempt <= 8; ++attempt) {
    q.attempts = attempt;
    RetryDecision d = policy.Decide(q, Answer(LookupClass::kNotYet), now);
    ASSERT_EQ(d.action, RetryDecision::Action::kRetry) << "attempt " << attempt;
    int64_t delay = d.due_ms - now;
    int64_t upper = std::min<int64_t>(8000, 1000LL << (attempt - 1));
    EXPECT_GE(delay, upper / 2) << "attempt " << attempt;
    EXPECT_LE(delay, upper) << "attempt " << attempt;
    EXPECT_GE(upper, previous_upper);
    previous_upper = upper;
    now = d.due_ms;
  }
}

TEST(RetryPolicyTest, NotFoundForTheWholeWindowEndsUnresolved) {
  RetryPolicy policy(Defaults(), 3);
  QueuedRecord q = RecordAt(kT0, kT0);
  int64_t now = kT0 + 1000;
  int lookups = 0;
  while (true) {
    q.attempts = ++lookups;
    RetryDecision d = policy.Decide(q, Answer(LookupClass::kNotYet, "404"), now);
    if (d.action == RetryDecision::Action::kFinalize) {
      EXPECT_EQ(d.meta_status, "unresolved");
      EXPECT_NE(d.meta_error.find("generation not found"), std::string::npos);
      break;
    }
    ASSERT_EQ(d.action, RetryDecision::Action::kRetry);
    ASSERT_LE(d.due_ms, kT0 + 30 * kMinute) << "never schedules past the window";
    now = d.due_ms;
    ASSERT_LT(lookups, 1000);
  }
  EXPECT_GE(now, kT0 + 30 * kMinute);
  // 30 minutes at a 60 s cap is about 30-60 lookups, not thousands.
  EXPECT_GT(lookups, 25);
  EXPECT_LT(lookups, 80);
}

TEST(RetryPolicyTest, MissingCostWaitsTheConfiguredDelay) {
  RetryConfig config = Defaults();
  config.missing_cost_delay_ms = 2500;
  RetryPolicy policy(config, 1);
  QueuedRecord q = RecordAt(kT0, kT0);
  q.attempts = 1;
  RetryDecision d = policy.Decide(q, Answer(LookupClass::kCostMissing), kT0 + 1000);
  ASSERT_EQ(d.action, RetryDecision::Action::kRetry);
  EXPECT_EQ(d.due_ms, kT0 + 3500);
}

// A cost that never comes: the first tries keep to missing_cost_delay, then
// the interval grows to the backoff cap, so a 30-minute window costs tens of
// lookups, not the 900 that a fixed 2 s would.
TEST(RetryPolicyTest, MissingCostForTheWholeWindowBacksOffAfterTheFirstTries) {
  RetryPolicy policy(Defaults(), 5);
  QueuedRecord q = RecordAt(kT0, kT0);
  int64_t now = kT0 + 1000;
  int lookups = 0;
  while (true) {
    q.attempts = ++lookups;
    RetryDecision d = policy.Decide(q, Answer(LookupClass::kCostMissing, "null"), now);
    if (d.action == RetryDecision::Action::kFinalize) {
      EXPECT_EQ(d.meta_status, "unresolved");
      EXPECT_NE(d.meta_error.find("total_cost not available"), std::string::npos);
      break;
    }
    ASSERT_EQ(d.action, RetryDecision::Action::kRetry);
    if (lookups <= 5) {
      EXPECT_EQ(d.due_ms - now, 2000) << "lookup " << lookups;
    }
    ASSERT_LE(d.due_ms - now, 60000);
    now = d.due_ms;
    ASSERT_LT(lookups, 1000);
  }
  EXPECT_GE(now, kT0 + 30 * kMinute);
  EXPECT_GT(lookups, 25);
  EXPECT_LT(lookups, 80);
}

TEST(RetryPolicyTest, RateLimitHonoursRetryAt) {
  RetryPolicy policy(Defaults(), 1);
  QueuedRecord q = RecordAt(kT0, kT0);
  q.attempts = 1;
  LookupResult r = Answer(LookupClass::kRateLimited);
  r.retry_at_ms = kT0 + 42'000;
  RetryDecision d = policy.Decide(q, r, kT0 + 1000);
  ASSERT_EQ(d.action, RetryDecision::Action::kRetry);
  EXPECT_EQ(d.due_ms, kT0 + 42'000);
}

TEST(RetryPolicyTest, AuthFailureParksUntilTheDeadlineThenEndsAuthFailed) {
  RetryPolicy policy(Defaults(), 1);
  QueuedRecord q = RecordAt(kT0, kT0);
  q.attempts = 1;
  RetryDecision d = policy.Decide(q, Answer(LookupClass::kAuthFailed, "401"), kT0 + 1000);
  ASSERT_EQ(d.action, RetryDecision::Action::kPark);
  EXPECT_EQ(d.due_ms, kT0 + 30 * kMinute);

  q.attempts = 2;
  d = policy.Decide(q, Answer(LookupClass::kAuthFailed, "401"), kT0 + 30 * kMinute);
  ASSERT_EQ(d.action, RetryDecision::Action::kFinalize);
  EXPECT_EQ(d.meta_status, "auth_failed");
}

TEST(RetryPolicyTest, HtmlNotFoundParksAsMisconfiguredAndEndsFailed) {
  RetryPolicy policy(Defaults(), 1);
  QueuedRecord q = RecordAt(kT0, kT0);
  q.attempts = 1;
  RetryDecision d = policy.Decide(q, Answer(LookupClass::kMisconfigured), kT0 + 1000);
  EXPECT_EQ(d.action, RetryDecision::Action::kPark);
  d = policy.Decide(q, Answer(LookupClass::kMisconfigured), kT0 + 31 * kMinute);
  EXPECT_EQ(d.action, RetryDecision::Action::kFinalize);
  EXPECT_EQ(d.meta_status, "failed");
}

TEST(RetryPolicyTest, OtherClientErrorsFailAtOnce) {
  RetryPolicy policy(Defaults(), 1);
  QueuedRecord q = RecordAt(kT0, kT0);
  q.attempts = 1;
  RetryDecision d = policy.Decide(q, Answer(LookupClass::kFailed, "HTTP 400"), kT0 + 1000);
  EXPECT_EQ(d.action, RetryDecision::Action::kFinalize);
  EXPECT_EQ(d.meta_status, "failed");
  EXPECT_EQ(d.meta_error, "HTTP 400");
}

TEST(RetryPolicyTest, RecordOlderThanTheWindowStillGetsAFewLookups) {
  RetryConfig config = Defaults();
  config.late_record_attempts = 3;
  RetryPolicy policy(config, 5);
  int64_t received = kT0 + 7 * 24 * 60 * kMinute;  // a replay of last week's spool
  QueuedRecord q = RecordAt(kT0, received);
  int64_t now = policy.FirstDue(q, received);
  EXPECT_GT(now, received);
  for (int attempt = 1; attempt <= 2; ++attempt) {
    q.attempts = attempt;
    RetryDecision d = policy.Decide(q, Answer(LookupClass::kNotYet), now);
    ASSERT_EQ(d.action, RetryDecision::Action::kRetry) << "attempt " << attempt;
    now = d.due_ms;
  }
  q.attempts = 3;
  RetryDecision d = policy.Decide(q, Answer(LookupClass::kNotYet), now);
  EXPECT_EQ(d.action, RetryDecision::Action::kFinalize);
  EXPECT_EQ(d.meta_status, "unresolved");
}

TEST(RetryPolicyTest, NoGenerationIdIsDueAtOnce) {
  RetryPolicy policy(Defaults(), 1);
  QueuedRecord q = RecordAt(kT0, kT0);
  q.record.generation_id.reset();
  EXPECT_EQ(policy.FirstDue(q, kT0), kT0);
  q.record.generation_id = "gen-x";
  EXPECT_EQ(policy.FirstDue(q, kT0), kT0 + 1000);
}

TEST(RetryPolicyTest, SameSeedSameSchedule) {
  RetryPolicy a(Defaults(), 99);
  RetryPolicy b(Defaults(), 99);
  for (int i = 1; i < 10; ++i) EXPECT_EQ(a.Backoff(i), b.Backoff(i));
}

}  // namespace
}  // namespace orauditd
