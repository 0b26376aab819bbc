#include "storage/row_json.h"

#include <simdjson.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <optional>
#include <unordered_map>
#include <utility>

#include "common/canonical_json.h"
#include "common/json_writer.h"
#include "common/time_format.h"
#include "storage/utf8.h"

namespace orauditd {
namespace {

// True when one of the 8 bytes in `word` must be escaped in a JSON string:
// below 0x20, '"' or '\\'. Bit tricks from "Bit Twiddling Hacks"
// (haszero, hasless).
inline bool WordNeedsEscape(uint64_t word) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHigh = 0x8080808080808080ULL;
  auto has_zero = [](uint64_t v) { return (v - kOnes) & ~v & kHigh; };
  uint64_t below_space = (word - kOnes * 0x20) & ~word & kHigh;
  return (below_space | has_zero(word ^ (kOnes * '"')) | has_zero(word ^ (kOnes * '\\'))) != 0;
}

// The same output as AppendJsonString (RFC 8785 escaping; a test holds
// them equal), but scanning 8 bytes at a time and appending runs of plain
// bytes at once: generation_json alone is most of a row's bytes, and
// byte-by-byte appending was the largest cost of serializing a row.
void AppendEscaped(std::string* out, std::string_view text) {
  static const char kHex[] = "0123456789abcdef";
  out->push_back('"');
  size_t plain = 0;
  size_t i = 0;
  while (i < text.size()) {
    uint64_t word;
    if (i + 8 <= text.size()) {
      std::memcpy(&word, text.data() + i, 8);
      if (!WordNeedsEscape(word)) {
        i += 8;
        continue;
      }
    }
    unsigned char c = static_cast<unsigned char>(text[i++]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out->append(text.data() + plain, i - 1 - plain);
    plain = i;
    switch (c) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\b': out->append("\\b"); break;
      case '\f': out->append("\\f"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      default: {
        const char escaped[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xf]};
        out->append(escaped, sizeof escaped);
      }
    }
  }
  out->append(text.data() + plain, text.size() - plain);
  out->push_back('"');
}

// FormatRfc3339Utc's output, quoted, without snprintf, which was a tenth of
// the cost of a row (a test holds them equal).
void AppendQuotedTime(std::string* out, int64_t unix_ms) {
  int64_t days = unix_ms >= 0 ? unix_ms / 86400000 : (unix_ms - 86399999) / 86400000;
  int64_t ms = unix_ms - days * 86400000;
  int64_t year;
  unsigned month, day;
  CivilFromDays(days, &year, &month, &day);
  if (year < 0 || year > 9999) {
    AppendEscaped(out, FormatRfc3339Utc(unix_ms));
    return;
  }
  char buf[26] = "\"0000-00-00T00:00:00.000Z";
  auto put = [&buf](int pos, int64_t value, int width) {
    for (int i = width - 1; i >= 0; --i, value /= 10) buf[pos + i] = static_cast<char>('0' + value % 10);
  };
  put(1, year, 4);
  put(6, month, 2);
  put(9, day, 2);
  put(12, ms / 3600000, 2);
  put(15, ms / 60000 % 60, 2);
  put(18, ms / 1000 % 60, 2);
  put(21, ms % 1000, 3);
  out->append(buf, 25);
  out->push_back('"');
}

// Appends members in the order the caller gives; RFC 8785 wants them sorted,
// and every key is ASCII, so AppendRow lists them in byte order.
//
// With `repair_utf8` off, strings are copied as they are; RowToJsonLine
// checks the finished text once (cheaper than each string) and writes the
// row again with it on when some string was not UTF-8.
class MemberWriter {
 public:
  MemberWriter(std::string* out, bool repair_utf8) : out_(out), repair_utf8_(repair_utf8) {}

  void String(std::string_view key, std::string_view value) {
    Key(key);
    if (repair_utf8_ && !IsValidUtf8(value)) {
      AppendEscaped(out_, ReplaceInvalidUtf8(value));
    } else {
      AppendEscaped(out_, value);
    }
  }
  void Text(std::string_view key, const std::optional<std::string>& value) {
    if (value) String(key, *value);
  }
  void Int(std::string_view key, int64_t value) {
    Key(key);
    out_->append(std::to_string(value));
  }
  void Int(std::string_view key, const std::optional<int64_t>& value) {
    if (value) Int(key, *value);
  }
  void Number(std::string_view key, const std::optional<double>& value) {
    if (!value || !std::isfinite(*value)) return;
    Key(key);
    AppendJsonNumber(out_, *value);
  }
  void Bool(std::string_view key, const std::optional<bool>& value) {
    if (!value) return;
    Key(key);
    out_->append(*value ? "true" : "false");
  }
  void Time(std::string_view key, int64_t unix_ms) {
    Key(key);
    AppendQuotedTime(out_, unix_ms);
  }
  void Time(std::string_view key, const std::optional<int64_t>& unix_ms) {
    if (unix_ms) Time(key, *unix_ms);
  }
  void Metadata(const std::optional<std::string>& text) {
    if (!text) return;
    StatusOr<std::string> canonical = CanonicalJson(*text);
    if (canonical.ok() && !canonical->empty() && canonical->front() == '{') {
      Key("metadata");
      out_->append(*canonical);
    } else {
      String("metadata", *text);
    }
  }
  // Also remembers where the member is, so that the canonical form can be
  // cut out of the line. "attempts" always precedes it, so the member
  // starts with its comma.
  void Hash(std::string_view key, const std::string& value) {
    if (value.empty()) return;
    size_t begin = out_->size();
    String(key, value);
    hash_members_[hash_count_++] = {begin, out_->size()};
  }

  // Cuts the hash members written out of a copy of the text (the last one
  // first, so that the first one's offsets still hold).
  void EraseHashMembers(std::string* text) const {
    for (size_t i = hash_count_; i > 0; --i) {
      text->erase(hash_members_[i - 1].first,
                  hash_members_[i - 1].second - hash_members_[i - 1].first);
    }
  }

 private:
  void Key(std::string_view key) {
    out_->append(first_ ? "{\"" : ",\"");
    first_ = false;
    out_->append(key);
    out_->append("\":");
  }

  std::string* out_;
  bool repair_utf8_;
  bool first_ = true;
  std::pair<size_t, size_t> hash_members_[2];
  size_t hash_count_ = 0;
};

// Writes the row to `out`; with `canonical`, also the row without its hash
// members there.
void AppendRow(const Row& r, bool with_hashes, bool repair_utf8, std::string* out,
               std::string* canonical = nullptr) {
  MemberWriter w(out, repair_utf8);
  w.Text("app", r.app);
  w.Int("attempts", r.attempts);
  w.Number("cache_discount", r.cache_discount);
  w.Bool("cancelled", r.cancelled);
  w.Number("client_cost", r.client_cost);
  w.Int("completion_tokens", r.completion_tokens);
  w.Text("duplicate_of", r.duplicate_of);
  w.Text("error_code", r.error_code);
  w.Text("finish_reason", r.finish_reason);
  w.Text("generation_id", r.generation_id);
  w.Text("generation_json", r.generation_json);
  w.Number("generation_time_ms", r.generation_time_ms);
  w.Bool("is_byok", r.is_byok);
  w.String("key", r.key);
  w.Number("latency_ms", r.latency_ms);
  w.Text("meta_error", r.meta_error);
  w.String("meta_status", r.meta_status);
  w.Metadata(r.metadata);
  w.Text("model_requested", r.model_requested);
  w.Text("model_used", r.model_used);
  w.Int("native_tokens_cached", r.native_tokens_cached);
  w.Int("native_tokens_completion", r.native_tokens_completion);
  w.Int("native_tokens_prompt", r.native_tokens_prompt);
  w.Int("native_tokens_reasoning", r.native_tokens_reasoning);
  w.Int("peer_pid", r.peer_pid);
  w.Int("peer_uid", r.peer_uid);
  if (with_hashes) w.Hash("prev_hash", r.prev_hash);
  w.Text("prompt_hash", r.prompt_hash);
  w.Int("prompt_tokens", r.prompt_tokens);
  w.Text("provider", r.provider);
  w.Number("provider_latency_ms", r.provider_latency_ms);
  w.String("request_id", r.request_id);
  w.Time("resolved_at", r.resolved_at_ms);
  if (with_hashes) w.Hash("row_hash", r.row_hash);
  w.Int("seq", r.seq);
  w.String("source", r.source);
  w.String("status", r.status);
  w.Bool("streamed", r.streamed);
  w.Time("timestamp", r.timestamp_ms);
  w.Number("total_cost", r.total_cost);
  w.Number("upstream_inference_cost", r.upstream_inference_cost);
  w.Text("user_id", r.user_id);
  out->push_back('}');
  if (canonical != nullptr) {
    *canonical = *out;
    w.EraseHashMembers(canonical);
  }
}

// ---- Parsing ----

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
    case element_type::INT64: *out = double(value.get_int64().value_unsafe()); break;
    case element_type::UINT64: *out = double(value.get_uint64().value_unsafe()); break;
    case element_type::DOUBLE: *out = value.get_double().value_unsafe(); break;
    default: return TypeError(key, "a number");
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
  kApp, kAttempts, kCacheDiscount, kCancelled, kClientCost, kCompletionTokens,
  kDuplicateOf, kErrorCode, kFinishReason, kGenerationId, kGenerationJson,
  kGenerationTimeMs, kIsByok, kKey, kLatencyMs, kMetaError, kMetaStatus, kMetadata,
  kModelRequested, kModelUsed, kNativeTokensCached, kNativeTokensCompletion,
  kNativeTokensPrompt, kNativeTokensReasoning, kPeerPid, kPeerUid, kPrevHash,
  kPromptHash, kPromptTokens, kProvider, kProviderLatencyMs, kRequestId, kResolvedAt,
  kRowHash, kSeq, kSource, kStatus, kStreamed, kTimestamp, kTotalCost,
  kUpstreamInferenceCost, kUserId,
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
    case Field::kApp: return ReadText(key, v, &r->app);
    case Field::kAttempts: return ReadInt(key, v, &r->attempts);
    case Field::kCacheDiscount: return ReadNumber(key, v, &r->cache_discount);
    case Field::kCancelled: return ReadBool(key, v, &r->cancelled);
    case Field::kClientCost: return ReadNumber(key, v, &r->client_cost);
    case Field::kCompletionTokens: return ReadInt(key, v, &r->completion_tokens);
    case Field::kDuplicateOf: return ReadText(key, v, &r->duplicate_of);
    case Field::kErrorCode: return ReadText(key, v, &r->error_code);
    case Field::kFinishReason: return ReadText(key, v, &r->finish_reason);
    case Field::kGenerationId: return ReadText(key, v, &r->generation_id);
    case Field::kGenerationJson: return ReadText(key, v, &r->generation_json);
    case Field::kGenerationTimeMs: return ReadNumber(key, v, &r->generation_time_ms);
    case Field::kIsByok: return ReadBool(key, v, &r->is_byok);
    case Field::kKey: return ReadText(key, v, &r->key);
    case Field::kLatencyMs: return ReadNumber(key, v, &r->latency_ms);
    case Field::kMetaError: return ReadText(key, v, &r->meta_error);
    case Field::kMetaStatus: return ReadText(key, v, &r->meta_status);
    case Field::kMetadata: return ReadMetadata(v, &r->metadata);
    case Field::kModelRequested: return ReadText(key, v, &r->model_requested);
    case Field::kModelUsed: return ReadText(key, v, &r->model_used);
    case Field::kNativeTokensCached: return ReadInt(key, v, &r->native_tokens_cached);
    case Field::kNativeTokensCompletion: return ReadInt(key, v, &r->native_tokens_completion);
    case Field::kNativeTokensPrompt: return ReadInt(key, v, &r->native_tokens_prompt);
    case Field::kNativeTokensReasoning: return ReadInt(key, v, &r->native_tokens_reasoning);
    case Field::kPeerPid: return ReadInt(key, v, &r->peer_pid);
    case Field::kPeerUid: return ReadInt(key, v, &r->peer_uid);
    case Field::kPrevHash: return ReadText(key, v, &r->prev_hash);
    case Field::kPromptHash: return ReadText(key, v, &r->prompt_hash);
    case Field::kPromptTokens: return ReadInt(key, v, &r->prompt_tokens);
    case Field::kProvider: return ReadText(key, v, &r->provider);
    case Field::kProviderLatencyMs: return ReadNumber(key, v, &r->provider_latency_ms);
    case Field::kRequestId: return ReadText(key, v, &r->request_id);
    case Field::kResolvedAt: return ReadTime(key, v, &r->resolved_at_ms);
    case Field::kRowHash: return ReadText(key, v, &r->row_hash);
    case Field::kSeq: return ReadInt(key, v, &r->seq);
    case Field::kSource: return ReadText(key, v, &r->source);
    case Field::kStatus: return ReadText(key, v, &r->status);
    case Field::kStreamed: return ReadBool(key, v, &r->streamed);
    case Field::kTimestamp: return ReadTime(key, v, &r->timestamp_ms);
    case Field::kTotalCost: return ReadNumber(key, v, &r->total_cost);
    case Field::kUpstreamInferenceCost: return ReadNumber(key, v, &r->upstream_inference_cost);
    case Field::kUserId: return ReadText(key, v, &r->user_id);
  }
  return Status::Internal("unhandled row field");
}

// The members without which a row is not a row.
constexpr Field kRequired[] = {Field::kSeq,        Field::kTimestamp, Field::kRequestId,
                               Field::kStatus,     Field::kMetaStatus, Field::kAttempts,
                               Field::kKey,        Field::kSource};
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
    while (end < line.size() && std::string_view("0123456789.eE+-").find(line[end]) !=
                                    std::string_view::npos) {
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

namespace {

void Serialize(const Row& row, bool with_hashes, std::string* out, std::string* canonical) {
  out->clear();
  out->reserve(2048);
  AppendRow(row, with_hashes, /*repair_utf8=*/false, out, canonical);
  // Keys, numbers and times are ASCII: the text is UTF-8 exactly when
  // every string was.
  if (!IsValidUtf8(*out)) {
    out->clear();
    AppendRow(row, with_hashes, /*repair_utf8=*/true, out, canonical);
  }
}

}  // namespace

std::string RowToJsonLine(const Row& row) {
  std::string line;
  Serialize(row, /*with_hashes=*/true, &line, nullptr);
  return line;
}

std::string RowCanonicalForm(const Row& row) {
  std::string canonical;
  Serialize(row, /*with_hashes=*/false, &canonical, nullptr);
  return canonical;
}

void RowToJsonLineAndCanonicalForm(const Row& row, std::string* line, std::string* canonical) {
  Serialize(row, /*with_hashes=*/true, line, canonical);
}

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
    return Status::InvalidArgument(std::string("row: not JSON (") +
                                   simdjson::error_message(error) + ")");
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
