#include "storage/sqlite_row_codec.h"

#include <cmath>
#include <optional>
#include <string>
#include <string_view>

#include "common/time_format.h"

namespace orauditd {

const char kAuditLogColumns[] =
    "seq, timestamp, request_id, generation_id, model_requested, model_used, provider, "
    "prompt_tokens, completion_tokens, native_tokens_prompt, native_tokens_completion, "
    "native_tokens_reasoning, native_tokens_cached, total_cost, client_cost, cache_discount, "
    "upstream_inference_cost, latency_ms, generation_time_ms, provider_latency_ms, "
    "finish_reason, streamed, cancelled, is_byok, status, error_code, meta_status, "
    "meta_error, attempts, user_id, app, \"key\", prompt_hash, peer_uid, peer_pid, source, "
    "metadata, duplicate_of, generation_json, resolved_at, prev_hash, row_hash";

namespace {

// Reads exactly the stored form "YYYY-MM-DD HH:MM:SS.SSS", which is what
// FormatSqliteUtc writes; anything else (another spelling of the same
// instant included) is refused. Faster than parsing RFC 3339 and formatting
// the result back to compare, which showed in the verifier's profile.
bool ParseStoredTime(std::string_view text, int64_t* unix_ms) {
  static constexpr char kLayout[] = "0000-00-00 00:00:00.000";
  if (text.size() != sizeof kLayout - 1) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    bool digit = text[i] >= '0' && text[i] <= '9';
    if (kLayout[i] == '0' ? !digit : text[i] != kLayout[i]) return false;
  }
  auto number = [&text](size_t pos, size_t width) {
    int64_t value = 0;
    for (size_t i = pos; i < pos + width; ++i) value = value * 10 + (text[i] - '0');
    return value;
  };
  int64_t year = number(0, 4), month = number(5, 2), day = number(8, 2);
  int64_t hour = number(11, 2), minute = number(14, 2), second = number(17, 2);
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return false;
  int64_t days = DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  // A day past the month's end would land in the next month.
  int64_t check_year;
  unsigned check_month, check_day;
  CivilFromDays(days, &check_year, &check_month, &check_day);
  if (check_month != month || check_day != day) return false;
  *unix_ms = ((days * 24 + hour) * 60 + minute) * 60000 + second * 1000 + number(20, 3);
  return true;
}

// Binds in column order; `next_` is the 1-based parameter index.
class Binder {
 public:
  explicit Binder(sqlite3_stmt* stmt) : stmt_(stmt) {}

  void Text(const std::string& v) {
    Check(sqlite3_bind_text(stmt_, next_++, v.data(), static_cast<int>(v.size()), SQLITE_STATIC));
  }
  void Text(const std::optional<std::string>& v) { v ? Text(*v) : Null(); }
  void Int(int64_t v) { Check(sqlite3_bind_int64(stmt_, next_++, v)); }
  void Int(const std::optional<int64_t>& v) { v ? Int(*v) : Null(); }
  // A non-finite double is unknown, as in the JSON forms.
  void Real(const std::optional<double>& v) {
    if (v && std::isfinite(*v)) {
      Check(sqlite3_bind_double(stmt_, next_++, *v));
    } else {
      Null();
    }
  }
  void Bool(const std::optional<bool>& v) { v ? Int(*v ? 1 : 0) : Null(); }
  void Time(int64_t unix_ms) {
    std::string text = FormatSqliteUtc(unix_ms);
    Check(sqlite3_bind_text(stmt_, next_++, text.data(), static_cast<int>(text.size()),
                            SQLITE_TRANSIENT));
  }
  void Time(const std::optional<int64_t>& v) { v ? Time(*v) : Null(); }
  void Null() { Check(sqlite3_bind_null(stmt_, next_++)); }

  int rc() const { return rc_; }

 private:
  void Check(int rc) {
    if (rc_ == SQLITE_OK) rc_ = rc;
  }

  sqlite3_stmt* stmt_;
  int next_ = 1;
  int rc_ = SQLITE_OK;
};

// Reads in column order; the first failure is kept and names its column.
class Reader {
 public:
  explicit Reader(sqlite3_stmt* stmt) : stmt_(stmt) {}

  void Text(std::string* out) {
    int col = next_++;
    if (!Expect(col, SQLITE_TEXT, "text")) return;
    *out = ColumnText(col);
  }
  void Text(std::optional<std::string>* out) {
    if (IsNull()) return Skip();
    out->emplace();
    Text(&**out);
  }
  void Int(int64_t* out) {
    int col = next_++;
    if (!Expect(col, SQLITE_INTEGER, "an integer")) return;
    *out = sqlite3_column_int64(stmt_, col);
  }
  void Int(std::optional<int64_t>* out) {
    if (IsNull()) return Skip();
    out->emplace();
    Int(&**out);
  }
  void Real(std::optional<double>* out) {
    if (IsNull()) return Skip();
    int col = next_++;
    int type = sqlite3_column_type(stmt_, col);
    if (type != SQLITE_FLOAT && type != SQLITE_INTEGER) return Fail(col, "a number");
    *out = sqlite3_column_double(stmt_, col);
  }
  void Bool(std::optional<bool>* out) {
    if (IsNull()) return Skip();
    int col = next_++;
    if (!Expect(col, SQLITE_INTEGER, "0 or 1")) return;
    int64_t v = sqlite3_column_int64(stmt_, col);
    if (v != 0 && v != 1) return Fail(col, "0 or 1");
    *out = v == 1;
  }
  void Time(int64_t* out) {
    int col = next_++;
    if (!Expect(col, SQLITE_TEXT, "UTC text YYYY-MM-DD HH:MM:SS.SSS")) return;
    // Only the stored form is accepted: another spelling of the same instant
    // would pass the hash yet change what date() and the reports see.
    const unsigned char* text = sqlite3_column_text(stmt_, col);
    std::string_view view(reinterpret_cast<const char*>(text), sqlite3_column_bytes(stmt_, col));
    if (!ParseStoredTime(view, out)) Fail(col, "UTC text YYYY-MM-DD HH:MM:SS.SSS");
  }
  void Time(std::optional<int64_t>* out) {
    if (IsNull()) return Skip();
    out->emplace();
    Time(&**out);
  }

  const Status& status() const { return status_; }

 private:
  bool IsNull() const { return sqlite3_column_type(stmt_, next_) == SQLITE_NULL; }
  void Skip() { ++next_; }
  std::string ColumnText(int col) {
    const unsigned char* text = sqlite3_column_text(stmt_, col);
    int size = sqlite3_column_bytes(stmt_, col);
    return text ? std::string(reinterpret_cast<const char*>(text), size) : std::string();
  }
  bool Expect(int col, int type, const char* what) {
    if (sqlite3_column_type(stmt_, col) == type) return true;
    Fail(col, what);
    return false;
  }
  void Fail(int col, const char* what) {
    if (!status_.ok()) return;
    status_ = Status::Corruption(std::string("column ") + sqlite3_column_name(stmt_, col) +
                                 ": expected " + what);
  }

  sqlite3_stmt* stmt_;
  int next_ = 0;
  Status status_;
};

}  // namespace

Status BindRow(sqlite3_stmt* stmt, const Row& r) {
  Binder b(stmt);
  b.Int(r.seq);
  b.Time(r.timestamp_ms);
  b.Text(r.request_id);
  b.Text(r.generation_id);
  b.Text(r.model_requested);
  b.Text(r.model_used);
  b.Text(r.provider);
  b.Int(r.prompt_tokens);
  b.Int(r.completion_tokens);
  b.Int(r.native_tokens_prompt);
  b.Int(r.native_tokens_completion);
  b.Int(r.native_tokens_reasoning);
  b.Int(r.native_tokens_cached);
  b.Real(r.total_cost);
  b.Real(r.client_cost);
  b.Real(r.cache_discount);
  b.Real(r.upstream_inference_cost);
  b.Real(r.latency_ms);
  b.Real(r.generation_time_ms);
  b.Real(r.provider_latency_ms);
  b.Text(r.finish_reason);
  b.Bool(r.streamed);
  b.Bool(r.cancelled);
  b.Bool(r.is_byok);
  b.Text(r.status);
  b.Text(r.error_code);
  b.Text(r.meta_status);
  b.Text(r.meta_error);
  b.Int(r.attempts);
  b.Text(r.user_id);
  b.Text(r.app);
  b.Text(r.key);
  b.Text(r.prompt_hash);
  b.Int(r.peer_uid);
  b.Int(r.peer_pid);
  b.Text(r.source);
  b.Text(r.metadata);
  b.Text(r.duplicate_of);
  b.Text(r.generation_json);
  b.Time(r.resolved_at_ms);
  b.Text(r.prev_hash);
  b.Text(r.row_hash);
  if (b.rc() != SQLITE_OK) {
    return Status::Internal(std::string("sqlite bind: ") + sqlite3_errstr(b.rc()));
  }
  return Status::Ok();
}

StatusOr<Row> ReadRow(sqlite3_stmt* stmt) {
  Row r;
  Reader d(stmt);
  d.Int(&r.seq);
  d.Time(&r.timestamp_ms);
  d.Text(&r.request_id);
  d.Text(&r.generation_id);
  d.Text(&r.model_requested);
  d.Text(&r.model_used);
  d.Text(&r.provider);
  d.Int(&r.prompt_tokens);
  d.Int(&r.completion_tokens);
  d.Int(&r.native_tokens_prompt);
  d.Int(&r.native_tokens_completion);
  d.Int(&r.native_tokens_reasoning);
  d.Int(&r.native_tokens_cached);
  d.Real(&r.total_cost);
  d.Real(&r.client_cost);
  d.Real(&r.cache_discount);
  d.Real(&r.upstream_inference_cost);
  d.Real(&r.latency_ms);
  d.Real(&r.generation_time_ms);
  d.Real(&r.provider_latency_ms);
  d.Text(&r.finish_reason);
  d.Bool(&r.streamed);
  d.Bool(&r.cancelled);
  d.Bool(&r.is_byok);
  d.Text(&r.status);
  d.Text(&r.error_code);
  d.Text(&r.meta_status);
  d.Text(&r.meta_error);
  d.Int(&r.attempts);
  d.Text(&r.user_id);
  d.Text(&r.app);
  d.Text(&r.key);
  d.Text(&r.prompt_hash);
  d.Int(&r.peer_uid);
  d.Int(&r.peer_pid);
  d.Text(&r.source);
  d.Text(&r.metadata);
  d.Text(&r.duplicate_of);
  d.Text(&r.generation_json);
  d.Time(&r.resolved_at_ms);
  d.Text(&r.prev_hash);
  d.Text(&r.row_hash);
  if (!d.status().ok()) return d.status();
  return r;
}

}  // namespace orauditd
