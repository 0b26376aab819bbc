#include "queue/row_builder.h"

#include <algorithm>

#include "common/json_writer.h"
#include "storage/redactor.h"

namespace orauditd {
namespace {

std::optional<std::string> MetadataJson(const Record& record, bool redact) {
  if (record.metadata.empty()) return std::nullopt;
  auto entries = record.metadata;
  std::sort(entries.begin(), entries.end());
  JsonWriter w;
  w.BeginObject();
  for (auto& [key, value] : entries) {
    if (redact) RedactNamedValue(key, &value);
    w.Field(key, std::string_view(value));
  }
  w.EndObject();
  return w.Take();
}

void RedactOptional(std::optional<std::string>* text) {
  if (*text) RedactInPlace(&**text);
}

// Only fields a client or an upstream error message fills with free text;
// ids, model names and hashes have formats of their own and stay exact.
void ApplyPrivacy(const RowPrivacy& privacy, Row* row) {
  if (privacy.redact_free_text) {
    RedactOptional(&row->error_code);
    RedactOptional(&row->meta_error);
  }
  if (privacy.redact_user_id) RedactOptional(&row->user_id);
}

}  // namespace

Row BuildRow(const QueuedRecord& queued, const std::optional<Generation>& generation,
             const std::string& meta_status, const std::string& meta_error, int64_t resolved_at_ms,
             const RowPrivacy& privacy) {
  const Record& r = queued.record;
  Row row;
  row.timestamp_ms = r.timestamp_ms;
  row.request_id = r.request_id;
  row.generation_id = r.generation_id;
  row.model_requested = r.model_requested;
  row.model_used = r.model_used;
  row.prompt_tokens = r.prompt_tokens;
  row.completion_tokens = r.completion_tokens;
  row.client_cost = r.cost;
  row.latency_ms = r.latency_ms;
  row.streamed = r.streamed;
  if (r.status == CallStatus::kCancelled) row.cancelled = true;
  row.status = CallStatusName(r.status);
  row.error_code = r.error_code;
  row.meta_status = meta_status;
  if (!meta_error.empty()) row.meta_error = meta_error;
  row.attempts = queued.attempts;
  row.user_id = r.user_id;
  row.app = r.app;
  row.key = r.key;
  row.prompt_hash = r.prompt_hash;
  row.peer_uid = r.peer_uid;
  row.peer_pid = r.peer_pid;
  row.source = r.source;
  row.metadata = MetadataJson(r, privacy.redact_free_text);
  row.duplicate_of = queued.duplicate_of;
  row.resolved_at_ms = resolved_at_ms;
  ApplyPrivacy(privacy, &row);

  if (!generation) return row;
  const Generation& g = *generation;
  // The generation's model is the one that really served the call.
  if (g.model) row.model_used = g.model;
  row.provider = g.provider_name;
  if (!row.prompt_tokens) row.prompt_tokens = g.tokens_prompt;
  if (!row.completion_tokens) row.completion_tokens = g.tokens_completion;
  row.native_tokens_prompt = g.native_tokens_prompt;
  row.native_tokens_completion = g.native_tokens_completion;
  row.native_tokens_reasoning = g.native_tokens_reasoning;
  row.native_tokens_cached = g.native_tokens_cached;
  row.total_cost = g.total_cost;
  row.cache_discount = g.cache_discount;
  row.upstream_inference_cost = g.upstream_inference_cost;
  row.generation_time_ms = g.generation_time;
  row.provider_latency_ms = g.latency;
  row.finish_reason = g.finish_reason;
  if (g.streamed) row.streamed = g.streamed;
  if (g.cancelled) row.cancelled = g.cancelled;
  row.is_byok = g.is_byok;
  row.generation_json = g.data_json;
  return row;
}

}  // namespace orauditd
