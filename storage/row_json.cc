#include "storage/row_json.h"

#include <cmath>
#include <optional>
#include <utility>

#include "common/canonical_json.h"
#include "common/json_writer.h"
#include "common/utf8.h"
#include "storage/json_text.h"

namespace orauditd {
namespace {

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
      AppendJsonString(out_, ReplaceInvalidUtf8(value));
    } else {
      AppendJsonString(out_, value);
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
    AppendJsonTime(out_, unix_ms);
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

  // Where the last hash member written ends (row_hash, when both are).
  size_t last_hash_end() const {
    return hash_count_ == 0 ? std::string::npos : hash_members_[hash_count_ - 1].second;
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
// members there. Returns where the row_hash member ends in `out` (npos
// when it was not written).
size_t AppendRow(const Row& r, bool with_hashes, bool repair_utf8, std::string* out,
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
  size_t row_hash_end = r.row_hash.empty() ? std::string::npos : w.last_hash_end();
  out->push_back('}');
  if (canonical != nullptr) {
    *canonical = *out;
    w.EraseHashMembers(canonical);
  }
  return row_hash_end;
}

size_t Serialize(const Row& row, bool with_hashes, std::string* out, std::string* canonical) {
  out->clear();
  out->reserve(2048);
  size_t row_hash_end = AppendRow(row, with_hashes, /*repair_utf8=*/false, out, canonical);
  // Keys, numbers and times are ASCII: the text is UTF-8 exactly when
  // every string was.
  if (!IsValidUtf8(*out)) {
    out->clear();
    row_hash_end = AppendRow(row, with_hashes, /*repair_utf8=*/true, out, canonical);
  }
  return row_hash_end;
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

size_t RowToJsonLineForSealing(const Row& row, std::string* line, std::string* canonical) {
  size_t row_hash_end = Serialize(row, /*with_hashes=*/true, line, canonical);
  // The member ends with the value's closing quote; hex needs no escaping.
  return row_hash_end - 1 - row.row_hash.size();
}

}  // namespace orauditd
