#include "bench/queue_fill.h"

#include <filesystem>
#include <vector>

#include "queue/row_builder.h"

namespace orauditd::bench {

QueuedRecord BenchRecord(uint64_t n, int64_t now_ms, int64_t due_ms) {
  QueuedRecord q;
  Record& r = q.record;
  r.request_id = "bench-" + std::to_string(n);
  r.dedup_key = r.request_id;
  r.generation_id = "gen-1796397038-bench" + std::to_string(n) + "AbCdEfGhIjKl";
  r.timestamp_ms = now_ms;
  r.received_ms = now_ms;
  r.model_requested = "openai/gpt-4o-mini";
  r.model_used = "openai/gpt-4o-mini-2024-07-18";
  r.prompt_tokens = 194;
  r.completion_tokens = 52;
  r.cost = 0.0000603;
  r.latency_ms = 812;
  r.user_id = "user-" + std::to_string(n % 1000);
  r.app = "bench";
  r.prompt_hash = std::string(64, 'a' + static_cast<char>(n % 26));
  r.peer_uid = 1000;
  r.peer_pid = 4242;
  q.due_ms = due_ms;
  return q;
}

Status FillQueue(DurableQueue* queue, uint64_t first, uint64_t count, int64_t now_ms,
                 int64_t due_ms) {
  constexpr uint64_t kBatch = 1000;
  for (uint64_t done = 0; done < count; done += kBatch) {
    std::vector<QueuedRecord> batch;
    for (uint64_t i = done; i < count && i < done + kBatch; ++i) {
      batch.push_back(BenchRecord(first + i, now_ms, due_ms));
    }
    for (const EnqueueResult& result : queue->Enqueue(std::move(batch))) {
      if (!result.status.ok()) return result.status;
    }
  }
  return Status::Ok();
}

StatusOr<uint64_t> DrainQueue(DurableQueue* queue, int64_t now_ms) {
  uint64_t rows = 0;
  while (true) {
    auto taken = queue->TakeDue(now_ms, 512);
    if (!taken.ok()) return taken.status();
    if (taken->empty()) return rows;
    std::vector<DurableQueue::Finished> finished;
    for (const QueuedRecord& q : *taken) {
      finished.push_back({q, BuildRow(q, std::nullopt, "unresolved", "bench", now_ms)});
    }
    Status s = queue->Finalize(&finished);
    if (!s.ok()) return s;
    rows += finished.size();
    // The sinks would have these by now; trimming keeps the outbox as small
    // as in the daemon.
    s = queue->TrimRowsThrough(queue->last_seq());
    if (!s.ok()) return s;
  }
}

uint64_t DiskBytes(const std::string& dir) {
  uint64_t bytes = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir, ec)) {
    if (entry.is_regular_file(ec)) bytes += entry.file_size(ec);
  }
  return bytes;
}

}  // namespace orauditd::bench
