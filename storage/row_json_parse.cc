#include <simdjson.h>

#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

#include "common/canonical_json.h"
#include "common/time_format.h"
#include "storage/row_json.h"

namespace orauditd {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

Status TypeError(std::string_view key, const char* expected) {
  return Status::InvalidArgument(std::string(key) + ": expected " + expected);
}

Status ReadText(std::string_view key, element value, std::string* out) {
  if (value.type() != element_type::STRING) return TypeError(key, "a string");
  *out = std::string(value.get_string().value_unsafe());
  return Status::Ok();
}

Status ReadText(std::string_view key, element value, std::optional<std::string>* out) {
  std::string text;
  Status s = ReadText(key, value, &text);
  if (s.ok()) *out = std::move(text);
  return s;
}

Status ReadInt(std::string_view key, element value, int64_t* out) {
  if (value.type() == element_type::INT64) {
    *out = value.get_int64().value_unsafe();
    return Status::Ok();
  }
  return TypeError(key, "an integer");
}

Status ReadInt(std::string_view key, element value, std::optional<int64_t>* out) {
  int64_t number = 0;
  Status s = ReadInt(key, value, &number);
  if (s.ok()) *out = number;
  return s;
}

Status ReadNumber(std::string_view key, element value, std::optional<double>* out) {
  switch (value.type()) {
    case element_type::INT64:
      *out = double(value.get_int64().value_unsafe());
      break;
    case element_type::UINT64:
      *out = double(value.get_uint64().value_unsafe());
      break;
    case element_type::DOUBLE:
      *out = value.get_double().value_unsafe();
      break;
    default:
      return TypeError(key, "a number");
  }
  return Status::Ok();
}

Status ReadBool(std::string_view key, element value, std::optional<bool>* out) {
  if (value.type() != element_type::BOOL) return TypeError(key, "true or false");
  *out = value.get_bool().value_unsafe();
  return Status::Ok();
}

Status ReadTime(std::string_view key, element value, int64_t* out) {
  if (value.type() != element_type::STRING) return TypeError(key, "an RFC 3339 string");
  StatusOr<int64_t> ms = ParseRfc3339Ms(value.get_string().value_unsafe());
  if (!ms.ok()) return ms.status().WithContext(key);
  *out = *ms;
  return Status::Ok();
}

Status ReadTime(std::string_view key, element value, std::optional<int64_t>* out) {
  int64_t ms = 0;
  Status s = ReadTime(key, value, &ms);
  if (s.ok()) *out = ms;
  return s;
}

Status ReadMetadata(element value, std::optional<std::string>* out) {
  if (value.type() == element_type::STRING) return ReadText("metadata", value, out);
  if (value.type() != element_type::OBJECT) return TypeError("metadata", "an object");
  std::string text;
  Status s = AppendCanonicalJson(value, &text);
  if (!s.ok()) return s.WithContext("metadata");
  *out = std::move(text);
  return Status::Ok();
}

enum class Field {
  kApp,
  kAttempts,
  kCacheDiscount,
  kCancelled,
  kClientCost,
  kCompletionTokens,
  kDuplicateOf,
  kErrorCode,
  kFinishReason,
  kGenerationId,
  kGenerationJson,
  kGenerationTimeMs,
  kIsByok,
  kKey,
  kLatencyMs,
  kMetaError,
  kMetaStatus,
  kMetadata,
  kModelRequested,
  kModelUsed,
  kNativeTokensCached,
  kNativeTokensCompletion,
  kNativeTokensPrompt,
  kNativeTokensReasoning,
  kPeerPid,
  kPeerUid,
  kPrevHash,
  kPromptHash,
  kPromptTokens,
  kProvider,
  kProviderLatencyMs,
  kRequestId,
  kResolvedAt,
  kRowHash,
  kSeq,
  kSource,
  kStatus,
  kStreamed,
  kTimestamp,
  kTotalCost,
  kUpstreamInferenceCost,
  kUserId,
};

const std::unordered_map<std::string_view, Field>& FieldsByName() {
  static const auto* fields = new std::unordered_map<std::string_view, Field>{
      {"app", Field::kApp},
      {"attempts", Field::kAttempts},
      {"cache_discount", Field::kCacheDiscount},
      {"cancelled", Field::kCancelled},
      {"client_cost", Field::kClientCost},
      {"completion_tokens", Field::kCompletionTokens},
      {"duplicate_of", Field::kDuplicateOf},
      {"error_code", Field::kErrorCode},
      {"finish_reason", Field::kFinishReason},
      {"generation_id", Field::kGenerationId},
      {"generation_json", Field::kGenerationJson},
      {"generation_time_ms", Field::kGenerationTimeMs},
      {"is_byok", Field::kIsByok},
      {"key", Field::kKey},
      {"latency_ms", Field::kLatencyMs},
      {"meta_error", Field::kMetaError},
      {"meta_status", Field::kMetaStatus},
      {"metadata", Field::kMetadata},
      {"model_requested", Field::kModelRequested},
      {"model_used", Field::kModelUsed},
      {"native_tokens_cached", Field::kNativeTokensCached},
      {"native_tokens_completion", Field::kNativeTokensCompletion},
      {"native_tokens_prompt", Field::kNativeTokensPrompt},
      {"native_tokens_reasoning", Field::kNativeTokensReasoning},
      {"peer_pid", Field::kPeerPid},
      {"peer_uid", Field::kPeerUid},
      {"prev_hash", Field::kPrevHash},
      {"prompt_hash", Field::kPromptHash},
      {"prompt_tokens", Field::kPromptTokens},
      {"provider", Field::kProvider},
      {"provider_latency_ms", Field::kProviderLatencyMs},
      {"request_id", Field::kRequestId},
      {"resolved_at", Field::kResolvedAt},
      {"row_hash", Field::kRowHash},
      {"seq", Field::kSeq},
      {"source", Field::kSource},
      {"status", Field::kStatus},
      {"streamed", Field::kStreamed},
      {"timestamp", Field::kTimestamp},
      {"total_cost", Field::kTotalCost},
      {"upstream_inference_cost", Field::kUpstreamInferenceCost},
      {"user_id", Field::kUserId},
  };
  return *fields;
}

Status ReadField(Field field, std::string_view key, element v, Row* r) {
  switch (field) {
    case Field::kApp:
      return ReadText(key, v, &r->app);
    case Field::kAttempts:
      return ReadInt(key, v, &r->attempts);
    case Field::kCacheDiscount:
      return ReadNumber(key, v, &r->cache_discount);
    case Field::kCancelled:
      return ReadBool(key, v, &r->cancelled);
    case Field::kClientCost:
      return ReadNumber(key, v, &r->client_cost);
    case Field::kCompletionTokens:
      return ReadInt(key, v, &r->completion_tokens);
    case Field::kDuplicateOf:
      return ReadText(key, v, &r->duplicate_of);
    case Field::kErrorCode:
      return ReadText(key, v, &r->error_code);
    case Field::kFinishReason:
      return ReadText(key, v, &r->finish_reason);
    case Field::kGenerationId:
      return ReadText(key, v, &r->generation_id);
    case Field::kGenerationJson:
      return ReadText(key, v, &r->generation_json);
    case Field::kGenerationTimeMs:
      return ReadNumber(key, v, &r->generation_time_ms);
    case Field::kIsByok:
      return ReadBool(key, v, &r->is_byok);
    case Field::kKey:
      return ReadText(key, v, &r->key);
    case Field::kLatencyMs:
      return ReadNumber(key, v, &r->latency_ms);
    case Field::kMetaError:
      return ReadText(key, v, &r->meta_error);
    case Field::kMetaStatus:
      return ReadText(key, v, &r->meta_status);
    case Field::kMetadata:
      return ReadMetadata(v, &r->metadata);
    case Field::kModelRequested:
      return ReadText(key, v, &r->model_requested);
    case Field::kModelUsed:
      return ReadText(key, v, &r->model_used);
    case Field::kNativeTokensCached:
      return ReadInt(key, v, &r->native_tokens_cached);
    case Field::kNativeTokensCompletion:
      return ReadInt(key, v, &r->native_tokens_completion);
    case Field::kNativeTokensPrompt:
      return ReadInt(key, v, &r->native_tokens_prompt);
    case Field::kNativeTokensReasoning:
      return ReadInt(key, v, &r->native_tokens_reasoning);
    case Field::kPeerPid:
      return ReadInt(key, v, &r->peer_pid);
    case Field::kPeerUid:
      return ReadInt(key, v, &r->peer_uid);
    case Field::kPrevHash:
      return ReadText(key, v, &r->prev_hash);
    case Field::kPromptHash:
      return ReadText(key, v, &r->prompt_hash);
    case Field::kPromptTokens:
      return ReadInt(key, v, &r->prompt_tokens);
    case Field::kProvider:
      return ReadText(key, v, &r->provider);
    case Field::kProviderLatencyMs:
      return ReadNumber(key, v, &r->provider_latency_ms);
    case Field::kRequestId:
      return ReadText(key, v, &r->request_id);
    case Field::kResolvedAt:
      return ReadTime(key, v, &r->resolved_at_ms);
    case Field::kRowHash:
      return ReadText(key, v, &r->row_hash);
    case Field::kSeq:
      return ReadInt(key, v, &r->seq);
    case Field::kSource:
      return ReadText(key, v, &r->source);
    case Field::kStatus:
      return ReadText(key, v, &r->status);
    case Field::kStreamed:
      return ReadBool(key, v, &r->streamed);
    case Field::kTimestamp:
      return ReadTime(key, v, &r->timestamp_ms);
    case Field::kTotalCost:
      return ReadNumber(key, v, &r->total_cost);
    case Field::kUpstreamInferenceCost:
      return ReadNumber(key, v, &r->upstream_inference_cost);
    case Field::kUserId:
      return ReadText(key, v, &r->user_id);
  }
  return Status::Internal("unhandled row field");
}

// The members without which a row is not a row.
constexpr Field kRequired[] = {Field::kSeq,    Field::kTimestamp,  Field::kRequestId,
                               Field::kStatus, Field::kMetaStatus, Field::kAttempts,
                               Field::kKey,    Field::kSource};
constexpr const char* kRequiredNames[] = {"seq",         "timestamp", "request_id", "status",
                                          "meta_status", "attempts",  "key",        "source"};

// simdjson 3.0 refuses an integer literal beyond 64 bits, but ECMAScript
// writes every double below 1e21 without an exponent, so a (rare) cost of
// 1e20 is written as "100000000000000000000". Such literals get ".0" so that
// they read as the doubles they are.
std::string WidenBigIntegers(std::string_view line) {
  std::string out;
  out.reserve(line.size() + 16);
  bool in_string = false;
  for (size_t i = 0; i < line.size();) {
    char c = line[i];
    if (in_string) {
      out.push_back(c);
      if (c == '\\' && i + 1 < line.size()) out.push_back(line[++i]);
      if (c == '"') in_string = false;
      ++i;
      continue;
    }
    if (c == '"') in_string = true;
    if (c != '-' && (c < '0' || c > '9')) {
      out.push_back(c);
      ++i;
      continue;
    }
    size_t end = i + 1;
    while (end < line.size() &&
           std::string_view("0123456789.eE+-").find(line[end]) != std::string_view::npos) {
      ++end;
    }
    std::string_view token = line.substr(i, end - i);
    out.append(token);
    size_t digits = token.size() - (token.front() == '-');
    if (digits > 19 && token.find_first_of(".eE") == std::string_view::npos) out.append(".0");
    i = end;
  }
  return out;
}

}  // namespace

StatusOr<Row> RowFromJsonLine(std::string_view line) {
  // One parser per thread keeps its buffers between rows; parse() copies the
  // text into them with the padding simdjson needs.
  thread_local simdjson::dom::parser parser;
  element root;
  simdjson::error_code error = parser.parse(line.data(), line.size(), true).get(root);
  std::string widened;
  if (error == simdjson::NUMBER_ERROR) {
    widened = WidenBigIntegers(line);
    error = parser.parse(widened.data(), widened.size(), true).get(root);
  }
  if (error) {
    return Status::InvalidArgument(std::string("row: not JSON (") + simdjson::error_message(error) +
                                   ")");
  }

  Row row;
  uint64_t seen = 0;
  const auto& fields = FieldsByName();
  simdjson::dom::object object;
  if (root.get_object().get(object)) return Status::InvalidArgument("row: expected a JSON object");
  for (auto member : object) {
    auto it = fields.find(member.key);
    if (it == fields.end()) continue;
    if (member.value.type() == element_type::NULL_VALUE) continue;
    Status s = ReadField(it->second, member.key, member.value, &row);
    if (!s.ok()) return s.WithContext("row");
    seen |= uint64_t{1} << static_cast<int>(it->second);
  }

  for (size_t i = 0; i < std::size(kRequired); ++i) {
    if ((seen & (uint64_t{1} << static_cast<int>(kRequired[i]))) == 0) {
      return Status::InvalidArgument(std::string("row: missing ") + kRequiredNames[i]);
    }
  }
  return row;
}

}  // namespace orauditd
