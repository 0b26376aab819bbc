#include "bench/queue_fill.h"

#include <filesystem>
#include <string>
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

Generation BenchGeneration(const std::string& generation_id) {
  Generation g;
  const std::string& id = generation_id;
  g.id = id;
  g.upstream_id = "chatcmpl-" + std::string(24, 'x');
  g.model = "openai/gpt-4o-mini-2024-07-18";
  g.provider_name = "OpenAI";
  g.created_at = "2026-12-05T08:30:12.345678+00:00";
  g.finish_reason = "stop";
  g.native_finish_reason = "stop";
  g.api_type = "completions";
  g.total_cost = 6.03e-05;  // as in the text below
  g.usage = g.total_cost;
  g.cache_discount = 0;
  g.upstream_inference_cost = 0;
  g.latency = 812;
  g.moderation_latency = 31;
  g.generation_time = 640;
  g.tokens_prompt = 196;
  g.tokens_completion = 53;
  g.native_tokens_prompt = 194;
  g.native_tokens_completion = 52;
  g.native_tokens_reasoning = 0;
  g.native_tokens_cached = 0;
  g.native_tokens_completion_images = 0;
  g.streamed = false;
  g.cancelled = false;
  g.is_byok = false;

  // The documented fields with these values, then the ones a row does not
  // take (origin, provider_responses, user_agent, ...), as OpenRouter sends.
  std::string& j = g.data_json;
  j = "{\"id\":\"" + id + "\",\"upstream_id\":\"" + *g.upstream_id +
      "\",\"total_cost\":6.03e-05,\"usage\":6.03e-05,\"cache_discount\":0,"
      "\"upstream_inference_cost\":0,\"created_at\":\"" +
      *g.created_at +
      "\",\"model\":\"openai/gpt-4o-mini-2024-07-18\",\"app_id\":null,\"streamed\":false,"
      "\"cancelled\":false,\"provider_name\":\"OpenAI\",\"latency\":812,"
      "\"moderation_latency\":31,\"generation_time\":640,\"finish_reason\":\"stop\","
      "\"native_finish_reason\":\"stop\",\"tokens_prompt\":196,\"tokens_completion\":53,"
      "\"native_tokens_prompt\":194,\"native_tokens_completion\":52,"
      "\"native_tokens_completion_images\":0,\"native_tokens_reasoning\":0,"
      "\"native_tokens_cached\":0,\"num_media_prompt\":0,\"num_input_audio_prompt\":0,"
      "\"num_media_completion\":0,\"num_search_results\":0,\"num_fetches\":0,"
      "\"origin\":\"https://openrouter.ai/\",\"is_byok\":false,\"external_user\":null,"
      "\"api_type\":\"completions\",\"router\":null,\"provider_responses\":[{"
      "\"endpoint_id\":\"ep_" +
      std::string(12, 'y') + "\",\"id\":\"" + *g.upstream_id +
      "\",\"is_byok\":false,\"latency\":792,\"model_permaslug\":"
      "\"openai/gpt-4o-mini-2024-07-18\",\"provider_name\":\"OpenAI\",\"status\":200}],"
      "\"user_agent\":\"OpenAI/Python 1.99.9\",\"http_referer\":null,\"request_id\":"
      "\"req-1796397038-" +
      std::string(20, 'z') +
      "\",\"session_id\":null,\"response_cache_source_id\":null,\"web_search_engine\":null,"
      "\"service_tier\":\"default\",\"preset_id\":null,\"data_region\":\"global\","
      "\"workspace_id\":null}";
  return g;
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
      Generation answer = BenchGeneration(*q.record.generation_id);
      finished.push_back({q, BuildRow(q, answer, "resolved", "", now_ms)});
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
