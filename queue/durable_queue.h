// DurableQueue: the RocksDB store that holds every accepted record until its
// row has reached every sink.
//
// Layout (one column family each):
//   records  request_id -> QueuedRecord (JSON)
//   due      big-endian due_ms + request_id -> ""   (the retry schedule)
//   dedup    dedup key -> request_id                (kept after the row is out)
//   gen      generation_id -> request_id of the first record that named it
//   rows     big-endian seq -> sealed row (JSON line), waiting for the sinks
//   parked   request_id -> ""    (records stored parked; may name finished ones)
//   default  "next_seq", "last_hash"
// Every state change is one WriteBatch, so a crash leaves a record either
// pending or finished, never both. Intake and finalization batches are
// synced before anyone is told they happened. docs/queue.md has the states
// and why this gives exactly one row per record across kill -9.
//
// A failed write makes the queue refuse every further write with that
// failure (sticky, as LevelDB's bg_error_) until RocksDB has recovered: by
// itself for a full disk once space returns, never for a store whose state
// is unknown (that takes a restart).
//
// Threads: Enqueue runs on the intake writer thread, Finalize, RowsAfter and
// TrimRowsThrough on the row writer thread, everything else on the loop
// thread. RocksDB is thread-safe; the little state kept here is guarded. The
// caller keeps the threads off each other's records (TakeDue's skip).
#pragma once

#include <cstdint>
#include <atomic>
#include <functional>
#include <mutex>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/record.h"
#include "common/status.h"
#include "queue/pending_stats.h"
#include "queue/queued_record.h"
#include "storage/row.h"

namespace rocksdb {
class DB;
class ColumnFamilyHandle;
class Env;
class Iterator;
class Snapshot;
class WriteBatch;
}  // namespace rocksdb

namespace orauditd {

struct EnqueueResult {
  Status status;
  std::string request_id;
  bool duplicate = false;                   // this dedup key was known: no new row
  std::optional<std::string> duplicate_of;  // generation_id seen under another record
};

struct QueueOptions {
  // Storage seam: tests pass an Env that injects faults; nullptr is the disk.
  rocksdb::Env* env = nullptr;
  // Interleaving seam: runs on the scanning thread right after a scan of the
  // schedule has made its iterator, so that a test can commit a record there.
  std::function<void()> after_scan_iterator;
};

class DurableQueue {
 public:
  static StatusOr<std::unique_ptr<DurableQueue>> Open(const std::string& dir,
                                                      const QueueOptions& options = {});
  ~DurableQueue();

  // OK while the queue takes writes; otherwise the failure that stopped it.
  // Asks RocksDB whether it has recovered, so a caller may poll it.
  Status Health();

  // Stores records in one synced batch. A record with an empty request_id
  // must have been given one by the caller. Results are in input order; on a
  // write failure every result carries that failure and nothing was stored.
  std::vector<EnqueueResult> Enqueue(std::vector<QueuedRecord> records);

  // Up to `limit` records due at or before now, oldest due first, for which
  // skip(request_id) is false. Nothing is written: a taken record stays
  // where it is in the schedule, due, until Reschedule moves it or Finalize
  // ends it, so a lookup lost to a crash is simply due again at the next
  // start. While the process runs, the caller holds what it took: it passes
  // a skip that is true for every record it took and has not yet
  // rescheduled, finalized or handed back with Untake. The returned due_ms
  // is the token that Reschedule and Finalize check, so that an answer for
  // a record that was moved or finished meanwhile changes nothing.
  StatusOr<std::vector<QueuedRecord>> TakeDue(
      int64_t now_ms, size_t limit, const std::function<bool(const std::string&)>& skip = nullptr);

  // Hands back a record taken under `due_ms` that the caller could neither
  // reschedule nor finalize (a failed write): due again at that time. Scans
  // start past what they have taken; this brings them back to it.
  void Untake(const std::string& request_id, int64_t due_ms);

  // Earliest due time of a pending record for which skip(request_id) is
  // false, if there is one. The caller skips what it holds: such a record
  // is due already, and a timer armed for it would fire at once, again and
  // again, while TakeDue leaves it alone.
  std::optional<int64_t> NextDueMs(const std::function<bool(const std::string&)>& skip = nullptr);

  // Stores a record's new state and moves it in the schedule.
  // `previous_due_ms` is the due time it was taken under; FailedPrecondition
  // when the record no longer holds it (finished, or moved by another take).
  Status Reschedule(const QueuedRecord& record, int64_t previous_due_ms);

  // Finishes records: each row gets the next seq and is sealed into the hash
  // chain, the record leaves the schedule, and the rows wait in the outbox.
  // One synced batch for all of them. An item whose record no longer has
  // the due time it was taken under is removed from `finished` and gets no
  // row.
  struct Finished {
    QueuedRecord record;  // with the due_ms it was taken under
    Row row;              // seq, prev_hash and row_hash are filled in here
  };
  Status Finalize(std::vector<Finished>* finished);

  // Sealed rows with seq > after_seq, ascending, at most `limit`.
  StatusOr<std::vector<Row>> RowsAfter(int64_t after_seq, size_t limit);
  // Drops outbox rows up to and including `seq` (every sink has them).
  Status TrimRowsThrough(int64_t seq);

  int64_t last_seq() const { return next_seq_.load() - 1; }
  uint64_t ApproximatePending();
  // Records pending and the intake time of the oldest, exact and O(1); kept
  // up to date by Enqueue and Finalize from a count taken at Open. A large
  // queue is counted on a thread after Open returns (`counting` meanwhile),
  // so that a restart serves its socket without reading every record.
  PendingStats::Snapshot Pending() const { return pending_.Read(); }

  // Every record stored parked, except those for which skip(request_id) is
  // true, gets due now (after a key reload, and at start). Walks the
  // `parked` index, not every pending record.
  StatusOr<size_t> UnparkAll(int64_t now_ms,
                             const std::function<bool(const std::string&)>& skip = nullptr);

 private:
  DurableQueue() = default;
  Status LoadMeta();
  Status LoadPendingStats();
  // Counts the rest of what `it` (over a snapshot) walks, then lets go of it.
  void CountRest(std::unique_ptr<rocksdb::Iterator> it, const rocksdb::Snapshot* snapshot);
  // Writes a batch; a failure flips the queue to failed (see Health).
  Status Commit(rocksdb::WriteBatch* batch, bool sync, std::string_view context);
  Status CheckWritable();
  Status KeepAMemtableToFlush();
  StatusOr<bool> StillDueAt(const std::string& request_id, int64_t due_ms);
  void LowerDueFloor(const std::string& key);
  // A scan of the due family reads the floor at its start and may raise it
  // at its end; keys inserted meanwhile by another thread are not lost.
  std::string BeginDueScan();
  void EndDueScan(const std::string& raise_to);

  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  rocksdb::ColumnFamilyHandle* records_ = nullptr;
  rocksdb::ColumnFamilyHandle* due_ = nullptr;
  rocksdb::ColumnFamilyHandle* dedup_ = nullptr;
  rocksdb::ColumnFamilyHandle* gen_ = nullptr;
  rocksdb::ColumnFamilyHandle* rows_ = nullptr;
  rocksdb::ColumnFamilyHandle* parked_ = nullptr;
  rocksdb::ColumnFamilyHandle* meta_ = nullptr;
  std::atomic<int64_t> next_seq_{1};
  std::string last_hash_;  // row writer thread only (after Open)
  PendingStats pending_;
  std::thread counter_;  // the start-up count of a large queue
  std::atomic<bool> closing_{false};
  std::function<void()> after_scan_iterator_;

  std::mutex mu_;
  Status failure_;  // guarded by mu_; sticky: the write failure that stopped the queue
  std::mutex recover_mu_;  // held by the one thread that recovers from failure_
  // No live key of the due family sorts below this one. Finished records
  // leave tombstones at the front of the schedule; seeking here instead of
  // to the first key keeps TakeDue's cost independent of how many there are.
  std::string due_floor_;          // guarded by mu_
  std::string lowered_during_scan_;  // guarded by mu_
};

}  // namespace orauditd
