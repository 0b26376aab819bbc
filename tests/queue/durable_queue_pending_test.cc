// DurableQueue::Pending(): the depth and oldest intake time that metrics and
// the systemd STATUS line read, across intake, duplicates, finalization and
// a reopen.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

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

  auto taken = (*queue)->TakeDue(100, 10);
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

TEST(DurableQueuePendingTest, ALargeQueueIsCountedAfterOpenReturnsAndComesOutExact) {
  testing::TempDir dir;
  constexpr int kRecords = 30000;  // more than Open counts before returning
  {
    auto queue = DurableQueue::Open(dir.File("queue"));
    ASSERT_TRUE(queue.ok());
    for (int done = 0; done < kRecords; done += 1000) {
      std::vector<QueuedRecord> batch;
      for (int i = done; i < done + 1000; ++i) {
        batch.push_back(Received("r" + std::to_string(i), 1000 + i));
      }
      (*queue)->Enqueue(std::move(batch));
    }
  }
  auto queue = DurableQueue::Open(dir.File("queue"));
  ASSERT_TRUE(queue.ok());
  // Records finish and arrive while the count runs; it still ends exact.
  auto taken = (*queue)->TakeDue(100, 100);
  ASSERT_TRUE(taken.ok());
  std::vector<DurableQueue::Finished> finished;
  for (const auto& q : *taken) {
    finished.push_back({q, BuildRow(q, std::nullopt, "unresolved", "", 4000)});
  }
  ASSERT_TRUE((*queue)->Finalize(&finished).ok());
  (*queue)->Enqueue({Received("late", 999'000)});

  for (int i = 0; i < 500 && (*queue)->Pending().counting; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  PendingStats::Snapshot pending = (*queue)->Pending();
  EXPECT_FALSE(pending.counting);
  EXPECT_EQ(pending.records, static_cast<uint64_t>(kRecords - 100 + 1));
  EXPECT_EQ(pending.oldest_received_ms, 1000);
}

}  // namespace
}  // namespace orauditd
