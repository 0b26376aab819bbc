// The schedule's floor under concurrency: records enqueued on the intake
// thread while the loop thread scans the schedule must all be taken, however
// the two threads interleave. A record the floor skipped would wait until the
// next restart, so this runs many small batches against a busy scanner.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <set>
#include <thread>

#include "queue/durable_queue.h"
#include "tests/support/temp_dir.h"

namespace orauditd {
namespace {

constexpr int64_t kLeaseMs = 1'000'000'000;

QueuedRecord DueRecord(const std::string& id, int64_t due_ms) {
  QueuedRecord q;
  q.record.request_id = id;
  q.record.dedup_key = id;
  q.record.generation_id = "gen-" + id;
  q.record.timestamp_ms = 1000;
  q.record.received_ms = 1000;
  q.due_ms = due_ms;
  return q;
}

// A record committed by the intake thread just after a scan made its
// iterator is invisible to that scan; the floor must stay below it.
TEST(DurableQueueRaceTest, ARecordCommittedAsATakeScanStartsIsTakenNextTime) {
  testing::TempDir dir;
  DurableQueue* queue = nullptr;
  bool inject = false;
  QueueOptions options;
  options.after_scan_iterator = [&] {
    if (!inject) return;
    inject = false;
    ASSERT_TRUE(queue->Enqueue({DueRecord("late", 500)})[0].status.ok());
  };
  auto opened = DurableQueue::Open(dir.File("queue"), options);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  queue = opened->get();
  ASSERT_TRUE(queue->Enqueue({DueRecord("early", 400)})[0].status.ok());

  inject = true;
  auto first = queue->TakeDue(1000, 10, kLeaseMs);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->size(), 1u);
  EXPECT_EQ((*first)[0].record.request_id, "early");

  auto second = queue->TakeDue(1000, 10, kLeaseMs);
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(second->size(), 1u) << "the late record was left below the schedule's floor";
  EXPECT_EQ((*second)[0].record.request_id, "late");
}

TEST(DurableQueueRaceTest, ARecordCommittedAsANextDueScanStartsIsStillDue) {
  testing::TempDir dir;
  DurableQueue* queue = nullptr;
  bool inject = false;
  QueueOptions options;
  options.after_scan_iterator = [&] {
    if (!inject) return;
    inject = false;
    ASSERT_TRUE(queue->Enqueue({DueRecord("late", 500)})[0].status.ok());
  };
  auto opened = DurableQueue::Open(dir.File("queue"), options);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  queue = opened->get();

  inject = true;
  EXPECT_EQ(queue->NextDueMs(), std::nullopt) << "the scan began on an empty schedule";
  EXPECT_EQ(queue->NextDueMs(), 500);
  auto taken = queue->TakeDue(1000, 10, kLeaseMs);
  ASSERT_TRUE(taken.ok());
  EXPECT_EQ(taken->size(), 1u);
}

TEST(DurableQueueRaceTest, RecordsEnqueuedDuringScansAreNeverSkipped) {
  // On tmpfs when there is one: fsync is then cheap and the threads meet far
  // more often in the same time.
  testing::TempDir dir(access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
  auto opened = DurableQueue::Open(dir.File("queue"));
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  DurableQueue& queue = **opened;

  constexpr int kRecords = 50000;
  constexpr int64_t kNow = 10'000;
  std::atomic<bool> intake_done{false};
  std::thread intake([&] {
    for (int i = 0; i < kRecords; ++i) {
      // Already due when it lands, as a record whose batch waited on a slow
      // fsync longer than its first delay.
      auto results = queue.Enqueue({DueRecord("r" + std::to_string(i), kNow - 1 - i % 7)});
      ASSERT_TRUE(results[0].status.ok()) << results[0].status.ToString();
    }
    intake_done = true;
  });

  std::set<std::string> taken;
  auto take = [&] {
    queue.NextDueMs();
    auto due = queue.TakeDue(kNow, 64, kLeaseMs);
    ASSERT_TRUE(due.ok()) << due.status().ToString();
    for (const QueuedRecord& q : *due) taken.insert(q.record.request_id);
  };
  while (!intake_done) take();
  intake.join();
  for (int i = 0; i < kRecords / 64 + 2; ++i) take();

  EXPECT_EQ(taken.size(), static_cast<size_t>(kRecords))
      << "records enqueued during a scan were left below the floor";
}

}  // namespace
}  // namespace orauditd
