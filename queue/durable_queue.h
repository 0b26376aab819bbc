// DurableQueue: the RocksDB store that holds every accepted record until its
// row has reached every sink.
//
// Layout (one column family each):
//   records  request_id -> QueuedRecord (JSON)
//   due      big-endian due_ms + request_id -> ""   (the retry schedule)
//   dedup    dedup key -> request_id                (kept after the row is out)
//   gen      generation_id -> request_id of the first record that named it
//   rows     big-endian seq -> sealed row (JSON line), waiting for the sinks
//   default  "next_seq", "last_hash"
// Every state change is one WriteBatch, so a crash leaves a record either
// pending or finished, never both. Intake and finalization batches are
// synced before anyone is told they happened.
//
// Loop thread only; not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/record.h"
#include "common/status.h"
#include "queue/queued_record.h"
#include "storage/row.h"

namespace rocksdb {
class DB;
class ColumnFamilyHandle;
}  // namespace rocksdb

namespace orauditd {

struct EnqueueResult {
  Status status;
  std::string request_id;
  bool duplicate = false;                   // this dedup key was known: no new row
  std::optional<std::string> duplicate_of;  // generation_id seen under another record
};

class DurableQueue {
 public:
  static StatusOr<std::unique_ptr<DurableQueue>> Open(const std::string& dir);
  ~DurableQueue();

  // Stores records in one synced batch. A record with an empty request_id
  // must have been given one by the caller. Results are in input order; on a
  // write failure every result carries that failure and nothing was stored.
  std::vector<EnqueueResult> Enqueue(std::vector<QueuedRecord> records);

  // Up to `limit` records due at or before now, oldest due first. Each is
  // leased: its due time moves to `lease_until_ms`, so that a lookup lost to
  // a crash is simply tried again then. The returned due_ms is the lease.
  StatusOr<std::vector<QueuedRecord>> TakeDue(int64_t now_ms, size_t limit,
                                              int64_t lease_until_ms);

  // Earliest due time, if anything is pending.
  std::optional<int64_t> NextDueMs();

  // Stores a record's new state and moves it in the schedule.
  // `previous_due_ms` is the due time it was taken under.
  Status Reschedule(const QueuedRecord& record, int64_t previous_due_ms);

  // Finishes records: each row gets the next seq and is sealed into the hash
  // chain, the record leaves the schedule, and the rows wait in the outbox.
  // One synced batch for all of them.
  struct Finished {
    QueuedRecord record;  // with the due_ms it was taken under
    Row row;              // seq, prev_hash and row_hash are filled in here
  };
  Status Finalize(std::vector<Finished>* finished);

  // Sealed rows with seq > after_seq, ascending, at most `limit`.
  StatusOr<std::vector<Row>> RowsAfter(int64_t after_seq, size_t limit);
  // Drops outbox rows up to and including `seq` (every sink has them).
  Status TrimRowsThrough(int64_t seq);

  int64_t last_seq() const { return next_seq_ - 1; }
  uint64_t ApproximatePending();

  // Every record flagged parked gets due now (after a key reload).
  StatusOr<size_t> UnparkAll(int64_t now_ms);

 private:
  DurableQueue() = default;
  Status LoadMeta();

  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  rocksdb::ColumnFamilyHandle* records_ = nullptr;
  rocksdb::ColumnFamilyHandle* due_ = nullptr;
  rocksdb::ColumnFamilyHandle* dedup_ = nullptr;
  rocksdb::ColumnFamilyHandle* gen_ = nullptr;
  rocksdb::ColumnFamilyHandle* rows_ = nullptr;
  rocksdb::ColumnFamilyHandle* meta_ = nullptr;
  int64_t next_seq_ = 1;
  std::string last_hash_;
};

}  // namespace orauditd
