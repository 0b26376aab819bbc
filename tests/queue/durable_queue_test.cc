#include "queue/durable_queue.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "queue/row_builder.h"
#include "storage/hash_chain.h"
#include "tests/support/temp_dir.h"

namespace orauditd {
namespace {

QueuedRecord MakeRecord(const std::string& id, int64_t due_ms,
                        std::optional<std::string> generation_id = std::nullopt) {
  QueuedRecord q;
  q.record.request_id = id;
  q.record.dedup_key = id;
  q.record.generation_id = generation_id ? generation_id : "gen-" + id;
  q.record.timestamp_ms = 1000;
  q.record.received_ms = 1000;
  q.record.user_id = "u-" + id;
  q.due_ms = due_ms;
  return q;
}

class DurableQueueTest : public ::testing::Test {
 protected:
  std::unique_ptr<DurableQueue> Open() {
    auto queue = DurableQueue::Open(dir_.File("queue"));
    EXPECT_TRUE(queue.ok()) << queue.status().ToString();
    return std::move(*queue);
  }

  testing::TempDir dir_;
};

TEST_F(DurableQueueTest, EnqueuedRecordsComeBackInDueOrder) {
  auto queue = Open();
  auto results = queue->Enqueue({MakeRecord("b", 200), MakeRecord("a", 100), MakeRecord("c", 300)});
  for (const auto& r : results) ASSERT_TRUE(r.status.ok()) << r.status.ToString();

  auto due = queue->TakeDue(250, 10);
  ASSERT_TRUE(due.ok());
  ASSERT_EQ(due->size(), 2u);
  EXPECT_EQ((*due)[0].record.request_id, "a");
  EXPECT_EQ((*due)[1].record.request_id, "b");
  EXPECT_EQ((*due)[0].record.user_id, "u-a");
  EXPECT_EQ(queue->NextDueMs(), 300);
}

uintmax_t WalBytes(const std::string& dir) {
  uintmax_t bytes = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".log") bytes += entry.file_size();
  }
  return bytes;
}

// A start replays the WAL; after a clean close there is none left to replay.
TEST_F(DurableQueueTest, ACleanCloseLeavesNoWalToReplay) {
  std::vector<QueuedRecord> records;
  for (int i = 0; i < 1000; ++i) records.push_back(MakeRecord("r" + std::to_string(i), 100));
  {
    auto queue = Open();
    for (const auto& result : queue->Enqueue(records)) ASSERT_TRUE(result.status.ok());
    ASSERT_GT(WalBytes(dir_.File("queue")), 50'000u) << "the records are in the WAL";
  }
  EXPECT_LT(WalBytes(dir_.File("queue")), 1'000u);

  auto queue = Open();
  auto taken = queue->TakeDue(100, 2000);
  ASSERT_TRUE(taken.ok());
  EXPECT_EQ(taken->size(), 1000u) << "every record is still there";
}

TEST_F(DurableQueueTest, NextDueLeavesOutWhatTheCallerIsBusyWith) {
  auto queue = Open();
  auto results = queue->Enqueue({MakeRecord("a", 100), MakeRecord("b", 200), MakeRecord("c", 300)});
  for (const auto& r : results) ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  auto busy = [](const std::string& id) { return id == "a" || id == "b"; };

  EXPECT_EQ(queue->NextDueMs(busy), 300);
  EXPECT_EQ(queue->NextDueMs([](const std::string&) { return true; }), std::nullopt);
  // Handed back, the skipped records are found again.
  queue->Untake("a", 100);
  queue->Untake("b", 200);
  EXPECT_EQ(queue->NextDueMs(), 100);
  auto due = queue->TakeDue(250, 10);
  ASSERT_TRUE(due.ok());
  EXPECT_EQ(due->size(), 2u);
}

TEST_F(DurableQueueTest, ASecondOpenSaysTheQueueIsInUse) {
  auto queue = Open();
  auto second = DurableQueue::Open(dir_.File("queue"));
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.status().message().find(": in use by another running orauditd ("),
            std::string::npos)
      << second.status().message();
}

TEST_F(DurableQueueTest, ATakenRecordIsDueAgainAtOnceAfterACrash) {
  auto queue = Open();
  ASSERT_TRUE(queue->Enqueue({MakeRecord("a", 100)})[0].status.ok());
  auto first = queue->TakeDue(100, 10);
  ASSERT_EQ(first->size(), 1u);
  EXPECT_EQ((*first)[0].due_ms, 100) << "taking writes nothing: the token is the due time";
  auto holds_a = [](const std::string& id) { return id == "a"; };
  EXPECT_TRUE(queue->TakeDue(100'000, 10, holds_a)->empty());
  queue.reset();

  // A crash while the lookup was in flight: nothing holds the record now,
  // and it is still due.
  queue = Open();
  auto again = queue->TakeDue(100, 10);
  ASSERT_EQ(again->size(), 1u);
  EXPECT_EQ((*again)[0].record.request_id, "a");
}

TEST_F(DurableQueueTest, SameDedupKeyIsADuplicate) {
  auto queue = Open();
  auto first = queue->Enqueue({MakeRecord("a", 100), MakeRecord("a", 100)});
  EXPECT_FALSE(first[0].duplicate);
  EXPECT_TRUE(first[1].duplicate);
  auto second = queue->Enqueue({MakeRecord("a", 100)});
  EXPECT_TRUE(second[0].duplicate);
  EXPECT_EQ(second[0].request_id, "a");
  EXPECT_EQ(queue->TakeDue(1000, 10)->size(), 1u);
}

TEST_F(DurableQueueTest, SameGenerationIdUnderAnotherKeyIsMarkedDuplicateOf) {
  auto queue = Open();
  ASSERT_TRUE(queue->Enqueue({MakeRecord("a", 100, "gen-shared")})[0].status.ok());
  auto results = queue->Enqueue({MakeRecord("b", 100, "gen-shared")});
  EXPECT_FALSE(results[0].duplicate);
  ASSERT_TRUE(results[0].duplicate_of.has_value());
  EXPECT_EQ(*results[0].duplicate_of, "a");
  auto due = queue->TakeDue(1000, 10);
  ASSERT_EQ(due->size(), 2u);
}

TEST_F(DurableQueueTest, RescheduleMovesTheRecord) {
  auto queue = Open();
  ASSERT_TRUE(queue->Enqueue({MakeRecord("a", 100)})[0].status.ok());
  auto taken = queue->TakeDue(100, 1);
  QueuedRecord q = (*taken)[0];
  int64_t taken_at = q.due_ms;
  q.due_ms = 700;
  q.attempts = 1;
  q.last_error = "404";
  ASSERT_TRUE(queue->Reschedule(q, taken_at).ok());
  EXPECT_EQ(queue->NextDueMs(), 700);
  auto again = queue->TakeDue(700, 1);
  ASSERT_EQ(again->size(), 1u);
  EXPECT_EQ((*again)[0].attempts, 1);
  EXPECT_EQ((*again)[0].last_error, "404");
}

TEST_F(DurableQueueTest, FinalizeSealsAChainThatSurvivesReopen) {
  auto queue = Open();
  queue->Enqueue({MakeRecord("a", 100), MakeRecord("b", 100)});
  auto taken = queue->TakeDue(100, 10);
  std::vector<DurableQueue::Finished> finished;
  for (const auto& q : *taken) {
    finished.push_back({q, BuildRow(q, std::nullopt, "unresolved", "test", 2000)});
  }
  ASSERT_TRUE(queue->Finalize(&finished).ok());
  EXPECT_EQ(finished[0].row.seq, 1);
  EXPECT_EQ(finished[1].row.seq, 2);
  EXPECT_EQ(finished[0].row.prev_hash, kGenesisHash);
  EXPECT_EQ(finished[1].row.prev_hash, finished[0].row.row_hash);
  EXPECT_FALSE(queue->NextDueMs().has_value());
  queue.reset();

  queue = Open();
  EXPECT_EQ(queue->last_seq(), 2);
  auto rows = queue->RowsAfter(0, 10);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[1].row_hash, finished[1].row.row_hash);
  EXPECT_EQ((*rows)[0].user_id, "u-a");

  // The next row continues the chain from where it stopped.
  queue->Enqueue({MakeRecord("c", 100)});
  auto more = queue->TakeDue(100, 10);
  std::vector<DurableQueue::Finished> next = {
      {(*more)[0], BuildRow((*more)[0], std::nullopt, "unresolved", "", 3000)}};
  ASSERT_TRUE(queue->Finalize(&next).ok());
  EXPECT_EQ(next[0].row.seq, 3);
  EXPECT_EQ(next[0].row.prev_hash, finished[1].row.row_hash);

  ASSERT_TRUE(queue->TrimRowsThrough(2).ok());
  auto left = queue->RowsAfter(0, 10);
  ASSERT_EQ(left->size(), 1u);
  EXPECT_EQ((*left)[0].seq, 3);
}

TEST_F(DurableQueueTest, FinishedRecordsStillDeduplicate) {
  auto queue = Open();
  queue->Enqueue({MakeRecord("a", 100)});
  auto taken = queue->TakeDue(100, 10);
  std::vector<DurableQueue::Finished> finished = {
      {(*taken)[0], BuildRow((*taken)[0], std::nullopt, "resolved", "", 2000)}};
  ASSERT_TRUE(queue->Finalize(&finished).ok());
  auto again = queue->Enqueue({MakeRecord("a", 100)});
  EXPECT_TRUE(again[0].duplicate);
  EXPECT_FALSE(queue->NextDueMs().has_value());
}

TEST_F(DurableQueueTest, UnparkAllMakesParkedRecordsDueNow) {
  auto queue = Open();
  queue->Enqueue({MakeRecord("a", 100), MakeRecord("b", 100)});
  auto taken = queue->TakeDue(100, 10);
  QueuedRecord parked = (*taken)[0];
  int64_t taken_at = parked.due_ms;
  parked.parked = true;
  parked.due_ms = 1'000'000;
  ASSERT_TRUE(queue->Reschedule(parked, taken_at).ok());
  auto count = queue->UnparkAll(600);
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, 1u);
  auto due = queue->TakeDue(600, 10);
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ((*due)[0].record.request_id, parked.record.request_id);
  EXPECT_FALSE((*due)[0].parked);
}

// UnparkAll walks an index of parked records; the index follows every
// change of the flag, survives a reopen, and forgets finished records.
TEST_F(DurableQueueTest, TheParkedIndexFollowsTheFlagAcrossReopens) {
  auto queue = Open();
  std::vector<QueuedRecord> records;
  for (const char* id : {"p", "q", "r", "s"}) records.push_back(MakeRecord(id, 100));
  queue->Enqueue(records);
  auto taken = queue->TakeDue(100, 10);
  ASSERT_EQ(taken->size(), 4u);
  for (QueuedRecord q : *taken) {
    q.parked = q.record.request_id != "s";
    q.due_ms = 50'000;
    ASSERT_TRUE(queue->Reschedule(q, 100).ok());
  }
  // q's next answer is no longer a key problem; r ends at its window's end.
  QueuedRecord q = (*queue->TakeDue(50'000, 1, [](const std::string& id) { return id != "q"; }))[0];
  q.due_ms = 60'000;
  ASSERT_TRUE(queue->Reschedule(q, 50'000).ok());
  QueuedRecord r = (*queue->TakeDue(50'000, 1, [](const std::string& id) { return id != "r"; }))[0];
  std::vector<DurableQueue::Finished> finished = {
      {r, BuildRow(r, std::nullopt, "auth_failed", "key refused", 50'000)}};
  ASSERT_TRUE(queue->Finalize(&finished).ok());
  ASSERT_EQ(finished.size(), 1u);
  queue.reset();

  queue = Open();
  auto count = queue->UnparkAll(700);
  ASSERT_TRUE(count.ok()) << count.status().ToString();
  EXPECT_EQ(*count, 1u) << "p only";
  auto due = queue->TakeDue(700, 10);
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ((*due)[0].record.request_id, "p");
  EXPECT_EQ(*queue->UnparkAll(800), 0u) << "nothing is parked any more";
}

TEST_F(DurableQueueTest, AnAnswerForARecordMovedSinceItWasTakenChangesNothing) {
  auto queue = Open();
  ASSERT_TRUE(queue->Enqueue({MakeRecord("a", 100)})[0].status.ok());
  QueuedRecord first = (*queue->TakeDue(100, 1))[0];
  // A caller that did not skip what it held took the record twice, and
  // the second answer moved it.
  queue->Untake("a", 100);
  QueuedRecord moved = (*queue->TakeDue(100, 1))[0];
  moved.due_ms = 500;
  ASSERT_TRUE(queue->Reschedule(moved, 100).ok());
  QueuedRecord second = (*queue->TakeDue(500, 1))[0];
  ASSERT_EQ(second.due_ms, 500);

  QueuedRecord late = first;
  late.due_ms = 9000;
  EXPECT_EQ(queue->Reschedule(late, first.due_ms).code(), Status::Code::kFailedPrecondition);
  std::vector<DurableQueue::Finished> stale = {
      {first, BuildRow(first, std::nullopt, "unresolved", "late", 400)}};
  ASSERT_TRUE(queue->Finalize(&stale).ok());
  EXPECT_TRUE(stale.empty()) << "the late answer gets no row";
  EXPECT_EQ(queue->last_seq(), 0);

  std::vector<DurableQueue::Finished> current = {
      {second, BuildRow(second, std::nullopt, "resolved", "", 600)}};
  ASSERT_TRUE(queue->Finalize(&current).ok());
  ASSERT_EQ(current.size(), 1u);
  EXPECT_EQ(current[0].row.seq, 1);
  std::vector<DurableQueue::Finished> again = {
      {second, BuildRow(second, std::nullopt, "resolved", "", 700)}};
  ASSERT_TRUE(queue->Finalize(&again).ok());
  EXPECT_TRUE(again.empty()) << "one record, one row";
  EXPECT_EQ(queue->last_seq(), 1);
}

TEST_F(DurableQueueTest, AParkedRecordInFlightIsLeftAloneByAReload) {
  auto queue = Open();
  queue->Enqueue({MakeRecord("a", 100)});
  QueuedRecord taken = (*queue->TakeDue(100, 1))[0];
  int64_t taken_at = taken.due_ms;
  taken.parked = true;
  taken.due_ms = 10'000;
  ASSERT_TRUE(queue->Reschedule(taken, taken_at).ok());
  QueuedRecord in_flight = (*queue->TakeDue(10'000, 1))[0];
  EXPECT_FALSE(in_flight.parked) << "in flight, not waiting on a key";
  auto holds_a = [](const std::string& id) { return id == "a"; };
  EXPECT_EQ(*queue->UnparkAll(10'001, holds_a), 0u);

  // Its answer is stored; a reload has nothing to unpark then either.
  in_flight.due_ms = 12'000;
  ASSERT_TRUE(queue->Reschedule(in_flight, 10'000).ok());
  EXPECT_EQ(*queue->UnparkAll(10'002), 0u);
  EXPECT_EQ(queue->NextDueMs(), 12'000);
}

TEST_F(DurableQueueTest, RecordsDueBeforeEarlierScansAreStillFound) {
  auto queue = Open();
  queue->Enqueue({MakeRecord("late", 1000)});
  EXPECT_TRUE(queue->TakeDue(500, 10)->empty());
  // Scans start past what they have seen; every write below that point
  // must pull the start back.
  queue->Enqueue({MakeRecord("early", 100)});
  EXPECT_EQ(queue->NextDueMs(), 100);
  QueuedRecord early = (*queue->TakeDue(600, 10))[0];
  EXPECT_EQ(early.record.request_id, "early");
  int64_t taken_at = early.due_ms;
  early.due_ms = 650;
  ASSERT_TRUE(queue->Reschedule(early, taken_at).ok());
  auto due = queue->TakeDue(1000, 10);
  ASSERT_EQ(due->size(), 2u);
  EXPECT_EQ((*due)[0].record.request_id, "early");
  EXPECT_EQ((*due)[1].record.request_id, "late");
}

TEST_F(DurableQueueTest, ASkippedRecordHandedBackIsFoundByTheNextScan) {
  auto queue = Open();
  queue->Enqueue({MakeRecord("busy", 100), MakeRecord("free", 200)});
  auto first = queue->TakeDue(300, 10, [](const std::string& id) { return id == "busy"; });
  ASSERT_EQ(first->size(), 1u);
  EXPECT_EQ((*first)[0].record.request_id, "free");
  queue->Untake("busy", 100);
  auto second = queue->TakeDue(300, 10, [](const std::string& id) { return id == "free"; });
  ASSERT_EQ(second->size(), 1u);
  EXPECT_EQ((*second)[0].record.request_id, "busy");
}

// Records the caller holds are passed, not walked again by every scan: the
// next take starts past them, and a record it hands back is found again.
TEST_F(DurableQueueTest, ScansStartPastWhatTheCallerHolds) {
  auto queue = Open();
  std::vector<QueuedRecord> records;
  for (int i = 0; i < 100; ++i) {
    records.push_back(MakeRecord("r" + std::to_string(100 + i), 100 + i));
  }
  for (const auto& result : queue->Enqueue(records)) ASSERT_TRUE(result.status.ok());
  std::set<std::string> held;
  auto holds = [&held](const std::string& id) { return held.count(id) > 0; };

  std::vector<std::string> order;
  for (int take = 0; take < 10; ++take) {
    auto taken = queue->TakeDue(1000, 10, holds);
    ASSERT_TRUE(taken.ok());
    ASSERT_EQ(taken->size(), 10u) << "take " << take;
    for (const auto& q : *taken) {
      held.insert(q.record.request_id);
      order.push_back(q.record.request_id);
    }
  }
  EXPECT_EQ(order.front(), "r100");
  EXPECT_EQ(order.back(), "r199");
  EXPECT_TRUE(queue->TakeDue(1000, 10, holds)->empty());

  held.erase("r150");
  queue->Untake("r150", 150);
  auto again = queue->TakeDue(1000, 10, holds);
  ASSERT_EQ(again->size(), 1u);
  EXPECT_EQ((*again)[0].record.request_id, "r150");
}

TEST_F(DurableQueueTest, ThousandsOfFinishedRecordsLeaveTheScheduleUsable) {
  auto queue = Open();
  std::vector<QueuedRecord> batch;
  for (int i = 0; i < 5000; ++i) batch.push_back(MakeRecord("r" + std::to_string(i), 100 + i));
  queue->Enqueue(std::move(batch));
  while (true) {
    auto taken = queue->TakeDue(1'000'000, 512);
    ASSERT_TRUE(taken.ok());
    if (taken->empty()) break;
    std::vector<DurableQueue::Finished> finished;
    for (const auto& q : *taken) {
      finished.push_back({q, BuildRow(q, std::nullopt, "resolved", "", 3000)});
    }
    ASSERT_TRUE(queue->Finalize(&finished).ok());
  }
  EXPECT_EQ(queue->last_seq(), 5000);
  EXPECT_FALSE(queue->NextDueMs().has_value());
  queue->Enqueue({MakeRecord("next", 50)});
  EXPECT_EQ(queue->NextDueMs(), 50);
  auto next = queue->TakeDue(1'000'001, 10);
  ASSERT_EQ(next->size(), 1u);
  EXPECT_EQ((*next)[0].record.request_id, "next");
}

}  // namespace
}  // namespace orauditd
