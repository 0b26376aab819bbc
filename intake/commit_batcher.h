// CommitBatcher: group commit for intake. Records accepted anywhere during
// one loop pass (socket connections, spool files) are stored in one synced
// RocksDB batch, and only then are their submitters told. The sync runs on a
// worker thread; while it does, records keep arriving and form the next
// batch, so one fsync serves every client that wrote in the meantime.
//
// Loop thread only (the worker is internal).
#pragma once

#include <uv.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/record.h"
#include "common/status.h"
#include "common/worker_thread.h"
#include "queue/durable_queue.h"
#include "queue/retry_policy.h"

namespace orauditd {

struct CommitBatcherOptions {
  std::string data_dir;     // where free space is checked
  uint64_t min_free_bytes = 0;
};

class CommitBatcher {
 public:
  using Reply = std::function<void(const EnqueueResult&)>;

  CommitBatcher(uv_loop_t* loop, Clock* clock, DurableQueue* queue, const RetryPolicy* policy,
                CommitBatcherOptions options, std::function<void()> on_committed);
  ~CommitBatcher();
  CommitBatcher(const CommitBatcher&) = delete;
  CommitBatcher& operator=(const CommitBatcher&) = delete;

  void Start();

  // Queues a record for the next commit. A record without request_id gets a
  // ULID here. `reply` runs once, after the commit (or its failure).
  void Add(Record record, Reply reply);

  // Commits now; normally the loop does it at the end of each pass.
  void Flush();

  // Flushes what is pending and closes the handle.
  void Close(std::function<void()> closed);

  size_t pending() const { return pending_.size(); }
  uint64_t committed() const { return committed_; }
  // Synced batches that stored at least one record: committed() / commits()
  // is how many records one fsync served.
  uint64_t commits() const { return commits_; }
  uint64_t refused_for_space() const { return refused_for_space_; }
  // The batch a record Add()ed now belongs to. Batches are numbered in the
  // order they are committed, and a batch's replies all run, in the order
  // of its records, before any reply of the next one.
  uint64_t open_batch() const { return batches_; }

 private:
  static void OnCheck(uv_check_t* check);
  StatusOr<uint64_t> FreeBytes() const;  // available to this process under data_dir
  Status CheckFreeSpace();
  void Committed(std::vector<Reply> replies, std::vector<EnqueueResult> results);
  void MaybeClosed();

  uv_loop_t* loop_;
  Clock* clock_;
  DurableQueue* queue_;
  const RetryPolicy* policy_;
  CommitBatcherOptions options_;
  std::function<void()> on_committed_;
  uv_check_t check_;
  WorkerThread worker_;
  bool in_flight_ = false;  // one batch at a time; the next one grows meanwhile
  bool closing_ = false;
  std::function<void()> closed_;

  std::vector<QueuedRecord> pending_;
  std::vector<Reply> replies_;
  uint64_t committed_ = 0;
  uint64_t commits_ = 0;
  uint64_t batches_ = 0;  // batches taken to the writer so far
  uint64_t refused_for_space_ = 0;
};

}  // namespace orauditd
