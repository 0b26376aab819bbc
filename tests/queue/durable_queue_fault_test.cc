// The queue over a file system that fails: a write that fails is reported,
// leaves nothing half-written, and stops every further write (sticky) until
// RocksDB has recovered.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "queue/durable_queue.h"
#include "queue/row_builder.h"
#include "tests/queue/fault_file_system.h"
#include "tests/queue/queue_test_records.h"
#include "tests/support/temp_dir.h"

namespace orauditd {
namespace {

using testing::DueRecord;
using testing::FaultFileSystem;

class DurableQueueFaultTest : public ::testing::Test {
 protected:
  std::unique_ptr<DurableQueue> Open() {
    QueueOptions options;
    options.env = env_.get();
    auto queue = DurableQueue::Open(dir_.File("queue"), options);
    EXPECT_TRUE(queue.ok()) << queue.status().ToString();
    return queue.ok() ? std::move(*queue) : nullptr;
  }

  // RocksDB recovers from a full disk on a background thread; give it a
  // bounded while.
  static bool RecoversWithin(DurableQueue* queue, std::chrono::seconds limit) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      if (queue->Health().ok()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return queue->Health().ok();
  }

  static std::vector<std::string> DueIds(DurableQueue* queue) {
    std::vector<std::string> ids;
    auto due = queue->TakeDue(1'000'000, 100);
    EXPECT_TRUE(due.ok()) << due.status().ToString();
    if (due.ok()) {
      for (const auto& q : *due) ids.push_back(q.record.request_id);
    }
    return ids;
  }

  orauditd::testing::TempDir dir_;
  std::shared_ptr<FaultFileSystem> fs_ = std::make_shared<FaultFileSystem>();
  std::unique_ptr<rocksdb::Env> env_ = testing::EnvOver(fs_);
};

TEST_F(DurableQueueFaultTest, FullDiskOnIntakeIsAnErrorAndStoresNothing) {
  auto queue = Open();
  ASSERT_TRUE(queue->Enqueue({DueRecord("a", 100)})[0].status.ok());

  fs_->FailWrites(rocksdb::IOStatus::NoSpace("test: disk full"));
  auto refused = queue->Enqueue({DueRecord("b", 100), DueRecord("c", 100)});
  for (const auto& result : refused) {
    EXPECT_EQ(result.status.code(), Status::Code::kResourceExhausted);
    EXPECT_NE(result.status.message().find("No space"), std::string::npos)
        << result.status.message();
  }
  EXPECT_FALSE(queue->Health().ok());

  fs_->Heal();
  ASSERT_TRUE(RecoversWithin(queue.get(), std::chrono::seconds(20)));
  // Nothing of the failed batch is there: "b" is new, not a duplicate.
  auto again = queue->Enqueue({DueRecord("b", 100)});
  ASSERT_TRUE(again[0].status.ok()) << again[0].status.ToString();
  EXPECT_FALSE(again[0].duplicate);
  EXPECT_EQ(DueIds(queue.get()), (std::vector<std::string>{"a", "b"}));

  queue.reset();
  queue = Open();
  EXPECT_FALSE(queue->Enqueue({DueRecord("c", 100)})[0].duplicate) << "c was never stored";
}

// The first write after a start fails (here an unsynced one, as a retry's
// reschedule is): the memtables are empty, so RocksDB's recovery has nothing
// to flush and, in RocksDB 7.8, would keep appending to the WAL file whose
// append failed; its writer then aborts the process on the next write.
TEST_F(DurableQueueFaultTest, TheFirstWriteAfterAStartFailsAndTheNextOnesWork) {
  auto queue = Open();
  // Twice: a recovery leaves every memtable empty too.
  for (int round = 0; round < 2; ++round) {
    fs_->FailWrites(rocksdb::IOStatus::NoSpace("test: disk full"));
    EXPECT_FALSE(queue->TrimRowsThrough(0).ok());
    EXPECT_FALSE(queue->Health().ok());
    fs_->Heal();
    ASSERT_TRUE(RecoversWithin(queue.get(), std::chrono::seconds(20))) << "round " << round;
  }
  auto stored = queue->Enqueue({DueRecord("a", 100)});
  ASSERT_TRUE(stored[0].status.ok()) << stored[0].status.ToString();
  ASSERT_TRUE(queue->TrimRowsThrough(0).ok());
  EXPECT_EQ(DueIds(queue.get()), (std::vector<std::string>{"a"}));

  queue.reset();
  queue = Open();
  EXPECT_TRUE(queue->Enqueue({DueRecord("a", 100)})[0].duplicate) << "a is stored for good";
}

TEST_F(DurableQueueFaultTest, AFailedWriteStopsEveryWriteUntilRecovered) {
  auto queue = Open();
  queue->Enqueue({DueRecord("a", 100), DueRecord("b", 100)});
  auto taken = queue->TakeDue(100, 1);
  ASSERT_EQ(taken->size(), 1u);

  fs_->FailWrites(rocksdb::IOStatus::NoSpace("test: disk full"));
  std::vector<DurableQueue::Finished> finished = {
      {(*taken)[0], BuildRow((*taken)[0], std::nullopt, "resolved", "", 2000)}};
  Status failed = queue->Finalize(&finished);
  EXPECT_FALSE(failed.ok());
  EXPECT_EQ(queue->last_seq(), 0) << "no seq is spent on a failed batch";

  // Sticky: while RocksDB has not recovered, nothing is written, whatever
  // the call.
  EXPECT_FALSE(queue->TakeDue(100, 10).ok());
  EXPECT_FALSE(queue->Enqueue({DueRecord("c", 100)})[0].status.ok());
  EXPECT_FALSE(queue->TrimRowsThrough(0).ok());

  fs_->Heal();
  ASSERT_TRUE(RecoversWithin(queue.get(), std::chrono::seconds(20)));
  ASSERT_TRUE(queue->Finalize(&finished).ok());
  EXPECT_EQ(finished[0].row.seq, 1);
  EXPECT_EQ(DueIds(queue.get()), (std::vector<std::string>{"b"}));
}

TEST_F(DurableQueueFaultTest, AnUnknownWriteErrorWaitsForARestart) {
  auto queue = Open();
  queue->Enqueue({DueRecord("a", 100)});
  fs_->FailWrites(rocksdb::IOStatus::IOError("test: EIO"));
  EXPECT_FALSE(queue->Enqueue({DueRecord("b", 100)})[0].status.ok());
  fs_->Heal();

  // The disk may be fine again, but what reached it is unknown: the queue
  // does not write over that store again in this run.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  Status health = queue->Health();
  EXPECT_FALSE(health.ok());
  EXPECT_NE(health.message().find("EIO"), std::string::npos) << health.message();

  // A restart reads the store afresh. The failed batch is there entirely
  // or not at all, never in part.
  queue.reset();
  queue = Open();
  ASSERT_TRUE(queue->Health().ok());
  std::vector<std::string> ids = DueIds(queue.get());
  ASSERT_GE(ids.size(), 1u);
  EXPECT_EQ(ids[0], "a");
  bool b_stored = ids.size() == 2;
  EXPECT_EQ(queue->Enqueue({DueRecord("b", 100)})[0].duplicate, b_stored);
}

}  // namespace
}  // namespace orauditd
