// The schedule's floor under concurrency: records enqueued on the intake
// thread while the loop thread scans the schedule must all be taken, however
// the two threads interleave. A record the floor skipped would wait until the
// next restart.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <set>
#include <thread>

#include "queue/durable_queue.h"
#include "tests/queue/queue_test_records.h"
#include "tests/support/temp_dir.h"

namespace orauditd {
namespace {

using testing::DueRecord;

// A queue whose next scan, once armed, sees a record named "late" (due at
// 500) committed right after the scan made its iterator: the interleaving
// of the intake thread's commit with the loop thread's scan, made
// deterministic.
class LateCommitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    QueueOptions options;
    options.after_scan_iterator = [this] {
      if (!armed_) return;
      armed_ = false;
      ASSERT_TRUE(queue_->Enqueue({DueRecord("late", 500)})[0].status.ok());
    };
    auto opened = DurableQueue::Open(dir_.File("queue"), options);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    queue_ = std::move(*opened);
  }

  void ArmLateCommit() { armed_ = true; }

  testing::TempDir dir_;
  std::unique_ptr<DurableQueue> queue_;
  bool armed_ = false;
};

TEST_F(LateCommitTest, ARecordCommittedAsATakeScanStartsIsTakenNextTime) {
  ASSERT_TRUE(queue_->Enqueue({DueRecord("early", 400)})[0].status.ok());

  ArmLateCommit();
  auto first = queue_->TakeDue(1000, 10);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->size(), 1u);
  EXPECT_EQ((*first)[0].record.request_id, "early");

  auto second = queue_->TakeDue(1000, 10);
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(second->size(), 1u) << "the late record was left below the schedule's floor";
  EXPECT_EQ((*second)[0].record.request_id, "late");
}

TEST_F(LateCommitTest, ARecordCommittedAsANextDueScanStartsIsStillDue) {
  ArmLateCommit();
  EXPECT_EQ(queue_->NextDueMs(), std::nullopt) << "the scan began on an empty schedule";
  EXPECT_EQ(queue_->NextDueMs(), 500);
  auto taken = queue_->TakeDue(1000, 10);
  ASSERT_TRUE(taken.ok());
  EXPECT_EQ(taken->size(), 1u);
}

// The same without a seam: two real threads, many small batches against a
// busy scanner.
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
      if (!results[0].status.ok()) {
        ADD_FAILURE() << results[0].status.ToString();
        break;
      }
    }
    intake_done = true;  // also after a failure, so that the scanner stops
  });

  std::set<std::string> taken;
  // As the daemon's loop does, the scanner skips what it holds: every
  // record it took stays due, as nothing here finishes them.
  auto holds = [&taken](const std::string& id) { return taken.count(id) > 0; };
  auto take = [&] {
    queue.NextDueMs(holds);
    auto due = queue.TakeDue(kNow, 64, holds);
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
