// Pipeline: the loop-side engine between the durable queue and the sinks.
// It takes due records, asks the generation endpoint through HttpClient,
// applies the retry policy, finalizes rows in synced batches and writes them
// to every sink in seq order.
//
// Loop thread only. Finalization and sink writes run on a writer thread, one
// batch at a time: answers that arrive while a batch is being synced form
// the next batch, so the loop never waits on a disk and one fsync serves
// many rows.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <unordered_set>
#include <string>
#include <vector>

#include <uv.h>

#include "common/clock.h"
#include "common/worker_thread.h"
#include "daemon/key_store.h"
#include "daemon/token_bucket.h"
#include "fetcher/http_client.h"
#include "fetcher/lookup.h"
#include "queue/durable_queue.h"
#include "queue/retry_policy.h"
#include "queue/row_builder.h"
#include "storage/sink.h"

namespace orauditd {

struct PipelineOptions {
  std::string base_url;
  int64_t request_timeout_ms = 10000;
  size_t concurrency = 32;
  double rate_per_second = 20;
  size_t max_body_bytes = 4 << 20;
  int64_t drain_timeout_ms = 10000;  // how long Stop() waits for lookups in flight
  RowPrivacy privacy;                // what finished rows redact
  // Told how long each lookup took (HttpResponse::total_seconds), for the
  // fetch latency histogram. May be empty.
  std::function<void(double seconds)> on_lookup_seconds;
};

struct PipelineCounters {
  uint64_t lookups = 0;
  std::map<std::string, uint64_t> lookups_by_class;
  std::map<std::string, uint64_t> rows_by_meta_status;
  std::map<std::string, uint64_t> rows_by_sink;
  uint64_t sink_errors = 0;
  uint64_t parked = 0;  // times a record was parked (key refused, not configured, HTML 404)
};

class Pipeline {
 public:
  Pipeline(uv_loop_t* loop, Clock* clock, DurableQueue* queue, HttpClient* http, KeyStore* keys,
           RetryPolicy* policy, std::vector<Sink*> sinks, PipelineOptions options);
  ~Pipeline();
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  Status Start();

  // New records are in the queue: look at the schedule again.
  void Wake();

  // Keys were reloaded: parked keys get another chance.
  void KeysReloaded();

  // The next lookups go to `base_url` (a reload that corrected it).
  void SetBaseUrl(std::string base_url) { options_.base_url = std::move(base_url); }

  // Stops taking records, lets lookups in flight finish (aborting them after
  // drain_timeout_ms), writes what finished, closes its handles, then runs
  // `done`.
  void Stop(std::function<void()> done);

  size_t in_flight() const { return in_flight_; }
  // The highest seq that every sink has written; the sinks have caught up
  // when it equals the queue's last_seq().
  int64_t sinks_written_through() const;
  const PipelineCounters& counters() const { return counters_; }
  const std::set<std::string>& parked_keys() const { return parked_keys_; }

 private:
  static void OnTimer(uv_timer_t* timer);
  static void OnCheck(uv_check_t* check);
  static void OnSinkRetry(uv_timer_t* timer);
  static void OnDrainTimeout(uv_timer_t* timer);

  void RunDue();
  // Makes sure the check handle runs soon, without waiting for a socket.
  void CheckSoon();
  // Arms the timer for the next due record the loop is not busy with, no
  // sooner than `min_wait_ms` from now.
  void ArmTimer(int64_t min_wait_ms = 0);
  void Dispatch(QueuedRecord queued, int64_t now_ms);
  void OnAnswer(QueuedRecord queued, const HttpResponse& response);
  void NoteKeyEffects(const QueuedRecord& queued, const LookupResult& result, int64_t now_ms);
  void Park(QueuedRecord queued, int64_t now_ms, const std::string& why);
  void Retry(QueuedRecord queued, int64_t due_ms);
  void Finish(QueuedRecord queued, std::optional<Generation> generation,
              const std::string& meta_status, const std::string& meta_error);
  // What one pass of sink writes did; computed on the writer thread.
  struct SinkWrite {
    std::vector<int64_t> progress;
    std::map<std::string, uint64_t> rows_by_sink;
    uint64_t errors = 0;
    bool failed = false;
  };

  void FlushFinished();
  void StartWrite(std::vector<DurableQueue::Finished> batch);
  void Written(const std::vector<DurableQueue::Finished>& batch,
               const std::vector<std::string>& ids, const Status& finalized,
               const std::map<std::string, uint64_t>& rows_by_meta_status,
               const SinkWrite& sinks);
  // `fresh`: rows just finalized on this thread, in seq order; when the
  // sinks are caught up to them they are taken from there (moved, not
  // copied) instead of being read back from the outbox.
  SinkWrite WriteSinks(std::vector<int64_t> progress, std::vector<Row>* fresh = nullptr);
  bool Busy(const std::string& request_id) const { return busy_ids_.count(request_id) > 0; }
  void MaybeFinishStop();
  void CloseHandles();

  uv_loop_t* loop_;
  Clock* clock_;
  DurableQueue* queue_;
  HttpClient* http_;
  KeyStore* keys_;
  RetryPolicy* policy_;
  std::vector<Sink*> sinks_;
  std::vector<int64_t> sink_progress_;
  PipelineOptions options_;

  uv_timer_t timer_;
  uv_timer_t sink_retry_timer_;
  uv_timer_t drain_timer_;
  uv_check_t check_;
  uv_idle_t no_wait_;  // active while the check has work: keeps the poll from blocking
  int open_handles_ = 0;

  size_t in_flight_ = 0;
  std::vector<DurableQueue::Finished> finished_;
  WorkerThread writer_;
  bool writing_ = false;  // a batch is on the writer thread
  // Answers that freed a lookup slot during this loop iteration: the check
  // handle takes due records once for all of them, not once per answer.
  bool slots_freed_ = false;
  // Records with a lookup or a finalization in flight: TakeDue leaves them.
  std::unordered_set<std::string> busy_ids_;
  std::map<std::string, TokenBucket> buckets_;
  std::set<std::string> parked_keys_;          // 401/403 or no secret: until a reload
  std::map<std::string, int64_t> paused_until_;  // 402: every lookup with the key waits
  bool misconfigured_ = false;                 // HTML 404: wrong base_url, until a reload
  bool sink_retry_armed_ = false;
  bool stopping_ = false;
  bool closing_ = false;
  std::function<void()> stopped_;
  PipelineCounters counters_;
};

}  // namespace orauditd
