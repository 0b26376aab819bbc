// DurableQueue::Pending(): the depth and oldest intake time that metrics and
// the systemd STATUS line read, across intake, duplicates, finalization and
// a reopen.
#include <gtest/gtest.h>

#include "queue/durable_queue.h"
#include "queue/row_builder.h"
#include "tests/support/temp_dir.h"

namespace orauditd {
namespace {

QueuedRecord Received(const std::string& id, int64_t received_ms) {
  QueuedRecord q;
  q.record.request_id = id;
  q.record.dedup_key = id;
  q.record.generation_id = "gen-" + id;
  q.record.timestamp_ms = 500;
  q.record.received_ms = received_ms;
  q.due_ms = 100;
  return q;
}

TEST(DurableQueuePendingTest, CountsIntakeNotDuplicatesAndForgetsFinishedRecords) {
  testing::TempDir dir;
  auto queue = DurableQueue::Open(dir.File("queue"));
  ASSERT_TRUE(queue.ok()) << queue.status().ToString();
  EXPECT_EQ((*queue)->Pending().records, 0u);

  (*queue)->Enqueue({Received("b", 2000), Received("a", 1000), Received("c", 3000)});
  (*queue)->Enqueue({Received("a", 9000)});  // a duplicate adds nothing
  EXPECT_EQ((*queue)->Pending().records, 3u);
  EXPECT_EQ((*queue)->Pending().oldest_received_ms, 1000);

  auto taken = (*queue)->TakeDue(100, 10, 5000);
  ASSERT_TRUE(taken.ok());
  std::vector<DurableQueue::Finished> finished;
  for (const auto& q : *taken) {
    if (q.record.request_id == "a") {
      finished.push_back({q, BuildRow(q, std::nullopt, "unresolved", "", 4000)});
    }
  }
  ASSERT_TRUE((*queue)->Finalize(&finished).ok());
  EXPECT_EQ((*queue)->Pending().records, 2u);
  EXPECT_EQ((*queue)->Pending().oldest_received_ms, 2000);
}

TEST(DurableQueuePendingTest, AReopenCountsWhatIsStillThere) {
  testing::TempDir dir;
  {
    auto queue = DurableQueue::Open(dir.File("queue"));
    ASSERT_TRUE(queue.ok());
    (*queue)->Enqueue({Received("x", 7000), Received("y", 6000)});
  }
  auto queue = DurableQueue::Open(dir.File("queue"));
  ASSERT_TRUE(queue.ok());
  EXPECT_EQ((*queue)->Pending().records, 2u);
  EXPECT_EQ((*queue)->Pending().oldest_received_ms, 6000);
}

}  // namespace
}  // namespace orauditd
