#include "queue/queued_record.h"

#include <simdjson.h>

#include "common/json_writer.h"

namespace orauditd {

std::string EncodeQueuedRecord(const QueuedRecord& q) {
  const Record& r = q.record;
  JsonWriter w;
  w.BeginObject();
  w.Field("request_id", r.request_id);
  w.Key("request_id_assigned");
  w.Bool(r.request_id_assigned);
  w.Field("dedup_key", r.dedup_key);
  w.Field("generation_id", r.generation_id);
  w.Key("timestamp_ms");
  w.Int(r.timestamp_ms);
  w.Field("model_requested", r.model_requested);
  w.Field("model_used", r.model_used);
  w.Field("prompt_tokens", r.prompt_tokens);
  w.Field("completion_tokens", r.completion_tokens);
  w.Field("cost", r.cost);
  w.Field("latency_ms", r.latency_ms);
  w.Field("status", std::string_view(CallStatusName(r.status)));
  w.Field("error_code", r.error_code);
  w.Field("user_id", r.user_id);
  w.Field("app", r.app);
  w.Field("key", r.key);
  w.Field("prompt_hash", r.prompt_hash);
  w.Field("streamed", r.streamed);
  if (!r.metadata.empty()) {
    w.Key("metadata");
    w.BeginArray();
    for (const auto& [k, v] : r.metadata) {
      w.BeginArray();
      w.String(k);
      w.String(v);
      w.EndArray();
    }
    w.EndArray();
  }
  w.Field("source", r.source);
  w.Field("peer_uid", r.peer_uid);
  w.Field("peer_pid", r.peer_pid);
  w.Key("received_ms");
  w.Int(r.received_ms);

  w.Key("due_ms");
  w.Int(q.due_ms);
  w.Key("attempts");
  w.Int(q.attempts);
  w.Key("parked");
  w.Bool(q.parked);
  w.Field("duplicate_of", q.duplicate_of);
  if (!q.last_error.empty()) w.Field("last_error", q.last_error);
  w.Field("partial_generation_json", q.partial_generation_json);
  w.EndObject();
  return w.Take();
}

namespace {

using simdjson::dom::element;

template <typename T>
void Read(element obj, const char* key, std::optional<T>* out) {
  auto field = obj[key];
  if (field.error()) return;
  T value;
  if (field.get(value) == simdjson::SUCCESS) *out = value;
}

void ReadString(element obj, const char* key, std::optional<std::string>* out) {
  std::string_view view;
  if (obj[key].get(view) == simdjson::SUCCESS) *out = std::string(view);
}

void ReadString(element obj, const char* key, std::string* out) {
  std::string_view view;
  if (obj[key].get(view) == simdjson::SUCCESS) *out = std::string(view);
}

}  // namespace

StatusOr<QueuedRecord> DecodeQueuedRecord(std::string_view text) {
  // One parser per thread: simdjson reuses its buffers between calls.
  thread_local simdjson::dom::parser parser;
  simdjson::padded_string padded(text);
  element obj;
  if (auto error = parser.parse(padded).get(obj); error) {
    return Status::Corruption(std::string("queued record: ") + simdjson::error_message(error));
  }

  QueuedRecord q;
  Record& r = q.record;
  ReadString(obj, "request_id", &r.request_id);
  bool assigned = false;
  if (obj["request_id_assigned"].get(assigned) == simdjson::SUCCESS) {
    r.request_id_assigned = assigned;
  }
  ReadString(obj, "dedup_key", &r.dedup_key);
  ReadString(obj, "generation_id", &r.generation_id);
  int64_t int_value = 0;
  if (obj["timestamp_ms"].get(int_value) == simdjson::SUCCESS) r.timestamp_ms = int_value;
  ReadString(obj, "model_requested", &r.model_requested);
  ReadString(obj, "model_used", &r.model_used);
  Read(obj, "prompt_tokens", &r.prompt_tokens);
  Read(obj, "completion_tokens", &r.completion_tokens);
  Read(obj, "cost", &r.cost);
  Read(obj, "latency_ms", &r.latency_ms);
  std::string_view status;
  if (obj["status"].get(status) == simdjson::SUCCESS) ParseCallStatus(status, &r.status);
  ReadString(obj, "error_code", &r.error_code);
  ReadString(obj, "user_id", &r.user_id);
  ReadString(obj, "app", &r.app);
  ReadString(obj, "key", &r.key);
  ReadString(obj, "prompt_hash", &r.prompt_hash);
  Read(obj, "streamed", &r.streamed);
  simdjson::dom::array metadata;
  if (obj["metadata"].get(metadata) == simdjson::SUCCESS) {
    for (element pair : metadata) {
      std::string_view k, v;
      if (pair.at(0).get(k) == simdjson::SUCCESS && pair.at(1).get(v) == simdjson::SUCCESS) {
        r.metadata.emplace_back(std::string(k), std::string(v));
      }
    }
  }
  ReadString(obj, "source", &r.source);
  Read(obj, "peer_uid", &r.peer_uid);
  Read(obj, "peer_pid", &r.peer_pid);
  if (obj["received_ms"].get(int_value) == simdjson::SUCCESS) r.received_ms = int_value;

  if (obj["due_ms"].get(int_value) == simdjson::SUCCESS) q.due_ms = int_value;
  if (obj["attempts"].get(int_value) == simdjson::SUCCESS) q.attempts = int_value;
  bool parked = false;
  if (obj["parked"].get(parked) == simdjson::SUCCESS) q.parked = parked;
  ReadString(obj, "duplicate_of", &q.duplicate_of);
  ReadString(obj, "last_error", &q.last_error);
  ReadString(obj, "partial_generation_json", &q.partial_generation_json);
  return q;
}

}  // namespace orauditd
