#include "queue/pending_stats.h"

#include <gtest/gtest.h>

namespace orauditd {
namespace {

TEST(PendingStatsTest, EmptyHasNoRecordsAndNoOldest) {
  PendingStats stats;
  EXPECT_EQ(stats.Read().records, 0u);
  EXPECT_FALSE(stats.Read().oldest_received_ms.has_value());
}

TEST(PendingStatsTest, OldestFollowsTheEarliestRecordStillPending) {
  PendingStats stats;
  stats.Add(3000);
  stats.Add(1000);
  stats.Add(1000);
  stats.Add(2000);
  EXPECT_EQ(stats.Read().records, 4u);
  EXPECT_EQ(stats.Read().oldest_received_ms, 1000);

  stats.Remove(1000);
  EXPECT_EQ(stats.Read().oldest_received_ms, 1000) << "one of the two is still there";
  stats.Remove(1000);
  EXPECT_EQ(stats.Read().oldest_received_ms, 2000);
  stats.Remove(2000);
  stats.Remove(3000);
  EXPECT_EQ(stats.Read().records, 0u);
  EXPECT_FALSE(stats.Read().oldest_received_ms.has_value());
}

TEST(PendingStatsTest, ALeavingSeenBeforeItsEnteringCancelsOut) {
  PendingStats stats;
  stats.Add(5000);
  stats.Remove(1000);  // finalized on another thread before intake counted it
  EXPECT_EQ(stats.Read().records, 0u);
  EXPECT_EQ(stats.Read().oldest_received_ms, 5000) << "the negative entry is no intake time";
  stats.Add(1000);
  EXPECT_EQ(stats.Read().records, 1u);
  EXPECT_EQ(stats.Read().oldest_received_ms, 5000);
}

}  // namespace
}  // namespace orauditd
