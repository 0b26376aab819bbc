#include "intake/record_parser.h"

#include <simdjson.h>

#include <algorithm>
#include <bitset>
#include <charconv>
#include <cmath>
#include <functional>
#include <optional>
#include <utility>

#include "common/canonical_json.h"
#include "common/json_writer.h"
#include "common/time_format.h"
#include "common/utf8.h"

namespace orauditd {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

constexpr size_t kMaxIdBytes = 128;
constexpr size_t kMaxKeyNameBytes = 64;
// A file name (at most 255 bytes), a colon and a line number.
constexpr size_t kMaxSpoolRefBytes = 512;
constexpr int64_t kFutureWarningMs = 24 * 3600 * 1000;
// 10000-01-01T00:00:00Z: RFC 3339 has four-digit years.
constexpr double kMaxUnixSeconds = 253402300800.0;
// Doubles hold every integer up to 2^53 exactly; above it "1e17" may not be
// the integer the client meant.
constexpr double kMaxExactInteger = 9007199254740992.0;

// Top-level names of intake format version 1. Order is irrelevant; the index
// only serves to notice a name given twice.
constexpr std::string_view kKnownFields[] = {
    "v",           "generation_id", "request_id",        "timestamp", "model_requested",
    "model_used",  "prompt_tokens", "completion_tokens", "cost",      "latency_ms",
    "status",      "error_code",    "user_id",           "app",       "key",
    "prompt_hash", "messages",      "metadata",          "request",   "response",
    "spool_ref",
};
constexpr size_t kKnownFieldCount = std::size(kKnownFields);

int KnownFieldIndex(std::string_view name) {
  for (size_t i = 0; i < kKnownFieldCount; ++i) {
    if (kKnownFields[i] == name) return static_cast<int>(i);
  }
  return -1;
}

Status Refuse(std::string_view field, std::string_view problem) {
  std::string message(field);
  message.append(": ").append(problem);
  return Status::InvalidArgument(std::move(message));
}

// How a value is named in a refusal: its JSON type, or the number itself.
// Strings are never quoted back: they may be prompt text or secrets.
std::string Describe(const element& value) {
  std::string text;
  switch (value.type()) {
    case element_type::OBJECT:
      return "an object";
    case element_type::ARRAY:
      return "an array";
    case element_type::STRING:
      return "a string";
    case element_type::BOOL:
      return "a boolean";
    case element_type::NULL_VALUE:
      return "null";
    case element_type::INT64:
      return std::to_string(value.get_int64().value_unsafe());
    case element_type::UINT64:
      return std::to_string(value.get_uint64().value_unsafe());
    case element_type::DOUBLE:
      AppendJsonNumber(&text, value.get_double().value_unsafe());
  }
  return text;
}

bool IsNumber(const element& value) {
  element_type type = value.type();
  return type == element_type::INT64 || type == element_type::UINT64 ||
         type == element_type::DOUBLE;
}

double AsDouble(const element& value) {
  switch (value.type()) {
    case element_type::INT64:
      return static_cast<double>(value.get_int64().value_unsafe());
    case element_type::UINT64:
      return static_cast<double>(value.get_uint64().value_unsafe());
    default:
      return value.get_double().value_unsafe();
  }
}

// An integer >= 0 that fits in int64_t. A double with no fraction (1.0,
// 2e3) counts: some JSON encoders write every number that way.
Status ReadCount(std::string_view field, const element& value, int64_t* out) {
  const std::string problem = "must be an integer >= 0, got ";
  switch (value.type()) {
    case element_type::INT64: {
      int64_t n = value.get_int64().value_unsafe();
      if (n < 0) return Refuse(field, problem + Describe(value));
      *out = n;
      return Status::Ok();
    }
    case element_type::UINT64:
      return Refuse(field,
                    "must be an integer from 0 to 9223372036854775807, got " + Describe(value));
    case element_type::DOUBLE: {
      double d = value.get_double().value_unsafe();
      if (d < 0 || d > kMaxExactInteger || d != std::floor(d)) {
        return Refuse(field, problem + Describe(value));
      }
      *out = static_cast<int64_t>(d);
      return Status::Ok();
    }
    default:
      return Refuse(field, problem + Describe(value));
  }
}

// A finite number >= 0 (simdjson refuses non-finite ones while parsing).
Status ReadAmount(std::string_view field, const element& value, double* out) {
  if (!IsNumber(value) || AsDouble(value) < 0) {
    return Refuse(field, "must be a number >= 0, got " + Describe(value));
  }
  *out = AsDouble(value) + 0.0;  // turns -0 into 0
  return Status::Ok();
}

Status ReadString(std::string_view field, const element& value, size_t max_bytes,
                  std::string* out) {
  if (!value.is_string()) return Refuse(field, "must be a string, got " + Describe(value));
  std::string_view text = value.get_string().value_unsafe();
  if (text.size() > max_bytes) {
    return Refuse(field, std::to_string(text.size()) + " bytes exceeds the limit of " +
                             std::to_string(max_bytes));
  }
  out->assign(text);
  return Status::Ok();
}

// Ids travel in URLs, log lines and SQL keys: 1 to 128 visible ASCII
// characters, no spaces.
Status ReadId(std::string_view field, const element& value, std::string* out) {
  std::string text;
  Status status = ReadString(field, value, kMaxIdBytes, &text);
  if (!status.ok()) return status;
  bool visible = std::all_of(text.begin(), text.end(), [](char c) { return c > 0x20 && c < 0x7f; });
  if (text.empty() || !visible) {
    return Refuse(field, "must be 1 to 128 visible ASCII characters (no spaces)");
  }
  *out = std::move(text);
  return Status::Ok();
}

Status ReadKeyName(const element& value, std::string* out) {
  std::string text;
  Status status = ReadString("key", value, kMaxKeyNameBytes, &text);
  if (!status.ok()) return status;
  bool valid = !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '-';
  });
  if (!valid) return Refuse("key", "must be a name of letters, digits, '_', '.' or '-'");
  *out = std::move(text);
  return Status::Ok();
}

// spool_ref: "<file name>:<line>" of a record that orauditctl replay read
// from a file, so that it deduplicates as that line of a spool file would.
Status ReadSpoolRef(const element& value, std::string* out) {
  std::string text;
  Status status = ReadString("spool_ref", value, kMaxSpoolRefBytes, &text);
  if (!status.ok()) return status;
  bool control = std::any_of(text.begin(), text.end(), [](char c) {
    return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
  });
  if (text.empty() || control) {
    return Refuse("spool_ref", "must be 1 to 512 bytes without control characters");
  }
  *out = std::move(text);
  return Status::Ok();
}

Status ReadStatus(const element& value, CallStatus* out) {
  if (!value.is_string() || !ParseCallStatus(value.get_string().value_unsafe(), out)) {
    return Refuse("status",
                  R"(must be one of "success", "error", "timeout", "cancelled", got )" +
                      (value.is_string() ? std::string("another value") : Describe(value)));
  }
  return Status::Ok();
}

Status ReadVersion(const element& value) {
  if (IsNumber(value) && AsDouble(value) == 1) return Status::Ok();
  return Refuse("v", "this daemon reads format version 1, got " + Describe(value));
}

// Unix seconds, possibly fractional, to milliseconds. Rounding to whole
// microseconds first keeps 1767225600.123 from becoming ...122.999.
Status ReadUnixSeconds(const element& value, int64_t* out_ms) {
  double seconds = AsDouble(value);
  if (seconds < 0) return Refuse("timestamp", "before 1970-01-01, got " + Describe(value));
  if (seconds >= kMaxUnixSeconds) {
    std::string problem = "Unix seconds beyond the year 9999, got " + Describe(value);
    if (seconds < kMaxUnixSeconds * 1000) problem += " (milliseconds? timestamp takes seconds)";
    return Refuse("timestamp", problem);
  }
  *out_ms = std::llround(seconds * 1e6) / 1000;
  return Status::Ok();
}

Status ReadTimestamp(const element& value, int64_t* out_ms) {
  if (IsNumber(value)) return ReadUnixSeconds(value, out_ms);
  if (!value.is_string()) {
    return Refuse("timestamp",
                  "must be an RFC 3339 string or Unix seconds, got " + Describe(value));
  }
  StatusOr<int64_t> ms = ParseRfc3339Ms(value.get_string().value_unsafe());
  if (!ms.ok()) {
    return Refuse("timestamp",
                  ms.status().message() + " (expected RFC 3339 like 2026-12-04T15:10:38.123Z)");
  }
  if (*ms < 0) return Refuse("timestamp", "before 1970-01-01");
  *out_ms = *ms;
  return Status::Ok();
}

// metadata: an object of string -> string, bounded so that one client cannot
// grow every row without limit.
Status ReadMetadata(const element& value, const RecordLimits& limits,
                    std::vector<std::pair<std::string, std::string>>* out) {
  if (!value.is_object()) {
    return Refuse("metadata", "must be an object of string values, got " + Describe(value));
  }
  simdjson::dom::object object = value.get_object().value_unsafe();
  if (object.size() > limits.max_metadata_entries) {
    return Refuse("metadata", std::to_string(object.size()) + " entries exceeds the limit of " +
                                  std::to_string(limits.max_metadata_entries));
  }
  for (auto field : object) {
    if (field.key.empty() || field.key.size() > limits.max_metadata_key_bytes) {
      return Refuse("metadata", "a name must be 1 to " +
                                    std::to_string(limits.max_metadata_key_bytes) + " bytes, got " +
                                    std::to_string(field.key.size()));
    }
    std::string label = "metadata[";
    AppendJsonString(&label, field.key);
    label += "]";
    bool repeated = std::any_of(out->begin(), out->end(),
                                [&](const auto& entry) { return entry.first == field.key; });
    if (repeated) return Refuse(label, "appears more than once");
    std::string text;
    Status status = ReadString(label, field.value, limits.max_metadata_value_bytes, &text);
    if (!status.ok()) return status;
    out->emplace_back(std::string(field.key), std::move(text));
  }
  return Status::Ok();
}

// What the raw bodies say. Filled first-come within the bodies, then merged
// under the flat fields, which win.
struct BodyFacts {
  std::optional<std::string> generation_id;
  std::optional<std::string> model_requested;
  std::optional<std::string> model_used;
  std::optional<int64_t> prompt_tokens;
  std::optional<int64_t> completion_tokens;
  std::optional<double> cost;
  std::optional<bool> streamed;
  std::optional<element> messages;  // request.messages
};

// Reads an optional body member: absent and null both leave `out` alone, as
// OpenRouter sends null for what it does not know.
template <typename T, typename Reader>
Status ReadBodyMember(const simdjson::dom::object& body, std::string_view name,
                      const std::string& label, std::optional<T>* out, Reader read) {
  element value;
  if (out->has_value() || body.at_key(name).get(value) || value.is_null()) return Status::Ok();
  T parsed{};
  Status status = read(label + "." + std::string(name), value, &parsed);
  if (!status.ok()) return status;
  *out = std::move(parsed);
  return Status::Ok();
}

// The usage block of a completion or of a stream's final chunk.
Status ReadUsage(const simdjson::dom::object& body, const std::string& label, BodyFacts* facts) {
  element usage;
  if (body.at_key("usage").get(usage) || usage.is_null()) return Status::Ok();
  std::string usage_label = label + ".usage";
  if (!usage.is_object()) return Refuse(usage_label, "must be an object, got " + Describe(usage));
  simdjson::dom::object object = usage.get_object().value_unsafe();
  Status status =
      ReadBodyMember(object, "prompt_tokens", usage_label, &facts->prompt_tokens, ReadCount);
  if (status.ok()) {
    status = ReadBodyMember(object, "completion_tokens", usage_label, &facts->completion_tokens,
                            ReadCount);
  }
  if (status.ok()) status = ReadBodyMember(object, "cost", usage_label, &facts->cost, ReadAmount);
  return status;
}

// One completion object, or one chunk of an assembled stream.
Status ReadResponseObject(const element& value, const std::string& label, size_t max_string,
                          BodyFacts* facts) {
  if (!value.is_object()) return Refuse(label, "must be an object, got " + Describe(value));
  simdjson::dom::object body = value.get_object().value_unsafe();
  auto read_model = [max_string](std::string_view field, const element& v, std::string* out) {
    return ReadString(field, v, max_string, out);
  };
  Status status = ReadBodyMember(body, "id", label, &facts->generation_id, ReadId);
  if (status.ok()) status = ReadBodyMember(body, "model", label, &facts->model_used, read_model);
  if (!status.ok()) return status;

  std::string_view object_kind;
  if (!facts->streamed && !body["object"].get(object_kind) &&
      object_kind == "chat.completion.chunk") {
    facts->streamed = true;
  }
  return ReadUsage(body, label, facts);
}

// `response`: a completion body, or an assembled stream given either as one
// object or as the array of its chunks (the parsed `data:` payloads). The id
// and model come from the first chunk that has them, usage from the last.
Status ReadResponse(const element& value, size_t max_string, BodyFacts* facts) {
  if (value.is_object()) return ReadResponseObject(value, "response", max_string, facts);
  if (!value.is_array()) {
    return Refuse("response",
                  "must be an object or an array of stream chunks, got " + Describe(value));
  }
  simdjson::dom::array chunks = value.get_array().value_unsafe();
  BodyFacts usage_facts;
  size_t index = 0;
  for (element chunk : chunks) {
    std::string label = "response[" + std::to_string(index++) + "]";
    BodyFacts chunk_facts;
    Status status = ReadResponseObject(chunk, label, max_string, &chunk_facts);
    if (!status.ok()) return status;
    if (!facts->generation_id) facts->generation_id = chunk_facts.generation_id;
    if (!facts->model_used) facts->model_used = chunk_facts.model_used;
    if (chunk_facts.prompt_tokens || chunk_facts.completion_tokens || chunk_facts.cost) {
      usage_facts = chunk_facts;
    }
  }
  facts->prompt_tokens = usage_facts.prompt_tokens;
  facts->completion_tokens = usage_facts.completion_tokens;
  facts->cost = usage_facts.cost;
  facts->streamed = true;
  return Status::Ok();
}

// `request`: the chat completion request body.
Status ReadRequest(const element& value, size_t max_string, BodyFacts* facts) {
  if (!value.is_object()) return Refuse("request", "must be an object, got " + Describe(value));
  simdjson::dom::object body = value.get_object().value_unsafe();
  auto read_model = [max_string](std::string_view field, const element& v, std::string* out) {
    return ReadString(field, v, max_string, out);
  };
  Status status = ReadBodyMember(body, "model", "request", &facts->model_requested, read_model);
  if (!status.ok()) return status;

  element stream;
  if (!body.at_key("stream").get(stream) && stream.is_bool()) {
    facts->streamed = stream.get_bool().value_unsafe();
  }
  element messages;
  if (!body.at_key("messages").get(messages) && !messages.is_null()) {
    facts->messages = messages;
  }
  return Status::Ok();
}

// Hashes the canonical form of `messages`. Nothing of the prompt leaves this
// function: canonical-form errors never quote the input.
Status HashMessages(const element& messages, std::string_view label, const PromptHasher* hasher,
                    std::string* out) {
  if (!messages.is_array()) return Refuse(label, "must be an array, got " + Describe(messages));
  std::string canonical;
  Status status = AppendCanonicalJson(messages, &canonical);
  if (!status.ok()) return Refuse(label, status.message());
  *out = hasher != nullptr ? hasher->Hash(canonical) : Sha256Hex(canonical);
  return Status::Ok();
}

// Whether a number token is one simdjson accepts: JSON grammar, an integer
// within 64 bits, or a finite double. Only used to point at a refused one.
bool IsAcceptedNumber(std::string_view token) {
  const char* begin = token.data();
  const char* end = token.data() + token.size();
  std::string_view digits = token.substr(!token.empty() && token[0] == '-' ? 1 : 0);
  if (digits.empty() || digits[0] < '0' || digits[0] > '9') return false;
  if (digits.size() > 1 && digits[0] == '0' && digits[1] >= '0' && digits[1] <= '9') {
    return false;
  }
  if (token.find_first_of(".eE") == std::string_view::npos) {
    int64_t i;
    uint64_t u;
    auto signed_result = std::from_chars(begin, end, i);
    auto unsigned_result = std::from_chars(begin, end, u);
    return (signed_result.ec == std::errc() && signed_result.ptr == end) ||
           (unsigned_result.ec == std::errc() && unsigned_result.ptr == end);
  }
  double d;
  auto result = std::from_chars(begin, end, d);
  return result.ec == std::errc() && result.ptr == end && std::isfinite(d);
}

// Finds the top-level member that holds the first spot `is_bad` accepts,
// by a light scan of the raw text; simdjson itself does not say where.
// `is_bad` sees each number token (`in_string` false) and each string's
// contents (`in_string` true). Returns the member's name, or an empty view
// when the spot is outside every member or the scan finds none.
std::string_view FindMemberHolding(
    std::string_view text, const std::function<bool(std::string_view, bool in_string)>& is_bad) {
  int depth = 0;
  std::string_view member;
  size_t pos = 0;
  while (pos < text.size()) {
    char c = text[pos];
    if (c == '"') {
      size_t start = ++pos;
      while (pos < text.size() && text[pos] != '"') pos += text[pos] == '\\' ? 2 : 1;
      pos = std::min(pos, text.size());
      std::string_view contents = text.substr(start, pos - start);
      size_t next = text.find_first_not_of(" \t\r\n", pos + 1);
      bool is_name = next != std::string_view::npos && text[next] == ':';
      if (depth == 1 && is_name) member = contents;
      // A bad top-level name is its own member.
      if (is_bad(contents, true)) return depth >= 1 ? member : "";
      ++pos;
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      size_t end = std::min(text.find_first_not_of("0123456789+-.eE", pos), text.size());
      if (is_bad(text.substr(pos, end - pos), false)) return depth >= 1 ? member : "";
      pos = end;
    } else {
      if (c == '{' || c == '[') ++depth;
      if (c == '}' || c == ']') --depth;
      ++pos;
    }
  }
  return {};
}

// The field to name in a refusal: a field of the record format, else "line"
// (an unknown member's name is the client's text and is not echoed).
std::string FieldOrLine(std::string_view member) {
  return KnownFieldIndex(member) >= 0 ? std::string(member) : "line";
}

Status DescribeJsonError(simdjson::error_code code, std::string_view line,
                         const RecordLimits& limits) {
  switch (code) {
    case simdjson::UTF8_ERROR: {
      std::string_view member = FindMemberHolding(line, [](std::string_view token, bool in_string) {
        return in_string && FirstInvalidUtf8(token) != std::string_view::npos;
      });
      return Refuse(FieldOrLine(member), "invalid UTF-8");
    }
    case simdjson::DEPTH_ERROR:
      return Refuse("line", "JSON nested deeper than the limit of " +
                                std::to_string(limits.max_depth) + " levels");
    case simdjson::NUMBER_ERROR: {
      std::string_view member = FindMemberHolding(line, [](std::string_view token, bool in_string) {
        return !in_string && !IsAcceptedNumber(token);
      });
      return Refuse(FieldOrLine(member),
                    "a number is malformed or out of range (integers must fit in 64 "
                    "bits, other numbers in a double)");
    }
    case simdjson::STRING_ERROR:
      return Refuse("line", "a string has a bad escape or a lone surrogate");
    case simdjson::UNESCAPED_CHARS:
      return Refuse("line", "a string holds an unescaped control character");
    case simdjson::EMPTY:
      return Refuse("line", "no JSON object");
    // simdjson names these after its own tokens; say what the writer did.
    case simdjson::T_ATOM_ERROR:
    case simdjson::F_ATOM_ERROR:
    case simdjson::N_ATOM_ERROR:
      return Refuse("line",
                    "malformed JSON (a bare word: only true, false and null go unquoted)");
    case simdjson::UNCLOSED_STRING:
      return Refuse("line", "malformed JSON (a string without its closing quote)");
    default:
      return Refuse("line", std::string("malformed JSON (") + simdjson::error_message(code) + ")");
  }
}

// Builds one record from a parsed top-level object: flat fields first, then
// what the bodies add where the flat fields are silent, then the rules that
// look at the whole record.
class RecordBuilder {
 public:
  RecordBuilder(const ParseContext& ctx, ParsedRecord* out)
      : ctx_(ctx), out_(out), record_(out->record) {}

  Status Build(const simdjson::dom::object& root);

 private:
  Status ReadField(std::string_view name, const element& value);
  Status ReadBodies();
  void Merge(BodyFacts&& facts);
  template <typename T>
  void MergeOne(std::string_view field, std::string_view body, std::optional<T>* flat,
                std::optional<T>&& from_body);
  Status Finish();
  Status ReadOptionalString(std::string_view name, const element& value,
                            std::optional<std::string>* out);

  const ParseContext& ctx_;
  ParsedRecord* out_;
  Record& record_;
  std::optional<element> messages_;
  std::string_view messages_label_ = "messages";
  std::optional<element> request_;
  std::optional<element> response_;
  std::string spool_ref_;
};

Status RecordBuilder::Build(const simdjson::dom::object& root) {
  record_.timestamp_ms = ctx_.now_ms;
  record_.received_ms = ctx_.now_ms;

  std::bitset<kKnownFieldCount> seen;
  for (auto field : root) {
    int index = KnownFieldIndex(field.key);
    if (index < 0) {
      ++out_->unknown_fields;
      continue;
    }
    if (seen.test(static_cast<size_t>(index))) return Refuse(field.key, "appears more than once");
    seen.set(static_cast<size_t>(index));
    // null stands for "not given": many encoders write absent optionals so.
    if (field.value.is_null()) continue;
    Status status = ReadField(field.key, field.value);
    if (!status.ok()) return status;
  }

  Status status = ReadBodies();
  if (!status.ok()) return status;
  return Finish();
}

Status RecordBuilder::ReadOptionalString(std::string_view name, const element& value,
                                         std::optional<std::string>* out) {
  std::string text;
  Status status = ReadString(name, value, ctx_.limits.max_string_bytes, &text);
  if (status.ok()) *out = std::move(text);
  return status;
}

Status RecordBuilder::ReadField(std::string_view name, const element& value) {
  auto id = [&](std::optional<std::string>* out) {
    std::string text;
    Status status = ReadId(name, value, &text);
    if (status.ok()) *out = std::move(text);
    return status;
  };
  auto count = [&](std::optional<int64_t>* out) {
    int64_t n = 0;
    Status status = ReadCount(name, value, &n);
    if (status.ok()) *out = n;
    return status;
  };
  auto amount = [&](std::optional<double>* out) {
    double d = 0;
    Status status = ReadAmount(name, value, &d);
    if (status.ok()) *out = d;
    return status;
  };
  auto text = [&](std::optional<std::string>* out) { return ReadOptionalString(name, value, out); };

  if (name == "v") return ReadVersion(value);
  if (name == "generation_id") return id(&record_.generation_id);
  if (name == "request_id") return ReadId(name, value, &record_.request_id);
  if (name == "timestamp") return ReadTimestamp(value, &record_.timestamp_ms);
  if (name == "model_requested") return text(&record_.model_requested);
  if (name == "model_used") return text(&record_.model_used);
  if (name == "prompt_tokens") return count(&record_.prompt_tokens);
  if (name == "completion_tokens") return count(&record_.completion_tokens);
  if (name == "cost") return amount(&record_.cost);
  if (name == "latency_ms") return amount(&record_.latency_ms);
  if (name == "status") return ReadStatus(value, &record_.status);
  if (name == "error_code") return text(&record_.error_code);
  if (name == "user_id") return text(&record_.user_id);
  if (name == "app") return text(&record_.app);
  if (name == "key") return ReadKeyName(value, &record_.key);
  if (name == "prompt_hash") return text(&record_.prompt_hash);
  if (name == "metadata") return ReadMetadata(value, ctx_.limits, &record_.metadata);
  if (name == "spool_ref") return ReadSpoolRef(value, &spool_ref_);
  if (name == "messages") messages_ = value;
  if (name == "request") request_ = value;
  if (name == "response") response_ = value;
  return Status::Ok();
}

Status RecordBuilder::ReadBodies() {
  size_t max_string = ctx_.limits.max_string_bytes;
  BodyFacts facts;
  if (request_) {
    Status status = ReadRequest(*request_, max_string, &facts);
    if (!status.ok()) return status;
  }
  if (response_) {
    Status status = ReadResponse(*response_, max_string, &facts);
    if (!status.ok()) return status;
  }
  Merge(std::move(facts));
  return Status::Ok();
}

template <typename T>
void RecordBuilder::MergeOne(std::string_view field, std::string_view body, std::optional<T>* flat,
                             std::optional<T>&& from_body) {
  if (!from_body) return;
  if (!*flat) {
    *flat = std::move(from_body);
  } else if (**flat != *from_body) {
    out_->warnings.push_back(std::string(field) + ": differs from the " + std::string(body) +
                             " body; the flat field is kept");
  }
}

void RecordBuilder::Merge(BodyFacts&& facts) {
  MergeOne("generation_id", "response", &record_.generation_id, std::move(facts.generation_id));
  MergeOne("model_requested", "request", &record_.model_requested,
           std::move(facts.model_requested));
  MergeOne("model_used", "response", &record_.model_used, std::move(facts.model_used));
  MergeOne("prompt_tokens", "response", &record_.prompt_tokens, std::move(facts.prompt_tokens));
  MergeOne("completion_tokens", "response", &record_.completion_tokens,
           std::move(facts.completion_tokens));
  MergeOne("cost", "response", &record_.cost, std::move(facts.cost));
  record_.streamed = facts.streamed;
  if (!messages_ && facts.messages) {
    messages_ = facts.messages;
    messages_label_ = "request.messages";
  }
}

Status RecordBuilder::Finish() {
  if (messages_) {
    std::string_view label = messages_label_;
    if (!record_.prompt_hash) {
      std::string hash;
      Status status = HashMessages(*messages_, label, ctx_.hasher, &hash);
      if (!status.ok()) return status;
      record_.prompt_hash = std::move(hash);
    } else if (!messages_->is_array()) {
      return Refuse(label, "must be an array, got " + Describe(*messages_));
    }
  }

  bool needs_id =
      record_.status == CallStatus::kSuccess || record_.status == CallStatus::kCancelled;
  if (needs_id && !record_.generation_id) {
    return Refuse("generation_id", std::string("required when status is \"") +
                                       CallStatusName(record_.status) + "\"");
  }
  if (record_.generation_id && record_.generation_id->rfind("gen-", 0) != 0) {
    out_->warnings.push_back(
        "generation_id: does not start with \"gen-\"; OpenRouter may not know it");
  }
  if (record_.timestamp_ms > ctx_.now_ms + kFutureWarningMs) {
    out_->warnings.push_back("timestamp: more than a day in the future");
  }
  if (!record_.request_id.empty()) {
    record_.dedup_key = record_.request_id;
  } else if (record_.generation_id) {
    record_.dedup_key = *record_.generation_id;
  } else if (!spool_ref_.empty()) {
    record_.dedup_key = "spool:" + spool_ref_;
  }
  return Status::Ok();
}

// Whether any array or object sits deeper than `limit`, the top level
// being `level` 1. simdjson refuses deeper nesting itself (its limit is set
// to limit + 1, as it counts the level it is in), but it does not count an
// empty array or object as a level; this walk finds those. It visits only
// containers, so it costs little next to the parse.
bool NestedDeeperThan(const element& value, size_t level, size_t limit) {
  simdjson::dom::array array;
  simdjson::dom::object object;
  if (!value.get(array)) {
    if (level > limit) return true;
    for (element child : array) {
      if (NestedDeeperThan(child, level + 1, limit)) return true;
    }
  } else if (!value.get(object)) {
    if (level > limit) return true;
    for (auto field : object) {
      if (NestedDeeperThan(field.value, level + 1, limit)) return true;
    }
  }
  return false;
}

// One parser per thread: it keeps its buffers between lines.
simdjson::error_code ParseLine(std::string_view text, const RecordLimits& limits,
                               simdjson::dom::element* root) {
  thread_local simdjson::dom::parser parser;
  size_t depth_limit = limits.max_depth + 1;
  if (parser.max_depth() != depth_limit || parser.capacity() == 0) {
    simdjson::error_code error =
        parser.allocate(std::max<size_t>({parser.capacity(), text.size(), 64}), depth_limit);
    if (error) return error;
  }
  // realloc_if_needed copies the text into the parser's padded buffer.
  return parser.parse(text.data(), text.size(), true).get(*root);
}

}  // namespace

StatusOr<ParsedRecord> ParseRecordLine(std::string_view line, const ParseContext& ctx) {
  if (line.size() > ctx.limits.max_line_bytes) {
    return Refuse("line", std::to_string(line.size()) + " bytes exceeds intake.max_line_bytes (" +
                              std::to_string(ctx.limits.max_line_bytes) + ")");
  }
  // A byte order mark is harmless noise some Windows tools put first.
  if (line.substr(0, 3) == "\xEF\xBB\xBF") line.remove_prefix(3);

  simdjson::dom::element root;
  simdjson::error_code error = ParseLine(line, ctx.limits, &root);
  if (!error && NestedDeeperThan(root, 1, ctx.limits.max_depth)) error = simdjson::DEPTH_ERROR;
  if (error) return DescribeJsonError(error, line, ctx.limits);
  if (!root.is_object()) {
    return Refuse("line", "must be a JSON object, got " + Describe(root));
  }

  ParsedRecord parsed;
  RecordBuilder builder(ctx, &parsed);
  Status status = builder.Build(root.get_object().value_unsafe());
  if (!status.ok()) return status;
  return parsed;
}

}  // namespace orauditd
