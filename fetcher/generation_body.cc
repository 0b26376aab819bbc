#include "fetcher/generation_body.h"

#include <simdjson.h>

#include <charconv>
#include <cmath>
#include <utility>

#include "fetcher/lookup.h"
#include "fetcher/member_text.h"

namespace orauditd {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

const char* TypeName(const element& value) {
  switch (value.type()) {
    case element_type::ARRAY:
      return "array";
    case element_type::OBJECT:
      return "object";
    case element_type::INT64:
    case element_type::UINT64:
    case element_type::DOUBLE:
      return "number";
    case element_type::STRING:
      return "string";
    case element_type::BOOL:
      return "boolean";
    case element_type::NULL_VALUE:
      return "null";
  }
  return "unknown";
}

// A number as JSON would write it back, shortest form that round-trips.
std::string NumberText(const element& value) {
  char buffer[32];
  std::to_chars_result written{};
  switch (value.type()) {
    case element_type::INT64:
      written = std::to_chars(buffer, buffer + sizeof(buffer), int64_t(value));
      break;
    case element_type::UINT64:
      written = std::to_chars(buffer, buffer + sizeof(buffer), uint64_t(value));
      break;
    case element_type::DOUBLE:
      written = std::to_chars(buffer, buffer + sizeof(buffer), double(value));
      break;
    default:
      return TypeName(value);
  }
  return std::string(buffer, written.ptr);
}

// Reads typed fields of the data object. A missing key and a null both leave
// the field empty; the first field of a wrong type is remembered.
class FieldReader {
 public:
  explicit FieldReader(simdjson::dom::object data) : data_(data) {}

  void Text(const char* key, std::optional<std::string>* out);
  void Number(const char* key, std::optional<double>* out);
  void Count(const char* key, std::optional<int64_t>* out);
  void Flag(const char* key, std::optional<bool>* out);

  const Status& status() const { return status_; }

 private:
  std::optional<element> Find(const char* key) const;
  void WrongType(const char* key, std::string_view expected, std::string_view got);

  simdjson::dom::object data_;
  Status status_;
};

std::optional<element> FieldReader::Find(const char* key) const {
  element value;
  if (data_.at_key(key).get(value) != simdjson::SUCCESS || value.is_null()) return std::nullopt;
  return value;
}

void FieldReader::WrongType(const char* key, std::string_view expected, std::string_view got) {
  if (!status_.ok()) return;
  status_ = Status::InvalidArgument(std::string("data.") + key + ": expected " +
                                    std::string(expected) + ", got " + std::string(got));
}

void FieldReader::Text(const char* key, std::optional<std::string>* out) {
  std::optional<element> value = Find(key);
  if (!value) return;
  std::string_view text;
  if (value->get_string().get(text) != simdjson::SUCCESS) {
    return WrongType(key, "a string", TypeName(*value));
  }
  *out = std::string(text);
}

void FieldReader::Number(const char* key, std::optional<double>* out) {
  std::optional<element> value = Find(key);
  if (!value) return;
  double number = 0;
  // simdjson rounds correctly, so "8.41005e-05" is the same double the
  // literal 8.41005e-05 is, and integers like 19 convert exactly.
  if (!value->is_number() || value->get_double().get(number) != simdjson::SUCCESS) {
    return WrongType(key, "a number", TypeName(*value));
  }
  *out = number;
}

void FieldReader::Count(const char* key, std::optional<int64_t>* out) {
  std::optional<element> value = Find(key);
  if (!value) return;
  constexpr std::string_view kExpected = "a non-negative integer";
  switch (value->type()) {
    case element_type::INT64: {
      int64_t count = int64_t(*value);
      if (count < 0) return WrongType(key, kExpected, NumberText(*value));
      *out = count;
      return;
    }
    case element_type::DOUBLE: {
      // Some serializers write whole numbers as 10.0; that is still a count.
      double number = double(*value);
      if (number >= 0 && number < 0x1p63 && std::trunc(number) == number) {
        *out = static_cast<int64_t>(number);
        return;
      }
      return WrongType(key, kExpected, NumberText(*value));
    }
    case element_type::UINT64:
      return WrongType(key, kExpected, NumberText(*value) + " (out of range)");
    default:
      return WrongType(key, kExpected, TypeName(*value));
  }
}

void FieldReader::Flag(const char* key, std::optional<bool>* out) {
  std::optional<element> value = Find(key);
  if (!value) return;
  bool flag = false;
  if (value->get_bool().get(flag) != simdjson::SUCCESS) {
    return WrongType(key, "a boolean", TypeName(*value));
  }
  *out = flag;
}

std::optional<std::string> ScalarText(const element& value) {
  switch (value.type()) {
    case element_type::STRING:
      return std::string(std::string_view(value));
    case element_type::INT64:
    case element_type::UINT64:
    case element_type::DOUBLE:
      return NumberText(value);
    default:
      return std::nullopt;
  }
}

void ReadErrorEnvelope(simdjson::dom::object root, GenerationBody* out) {
  element error;
  if (root.at_key("error").get(error) != simdjson::SUCCESS || error.is_null()) return;
  out->has_error = true;
  if (error.is_string()) {
    out->error_message = std::string(std::string_view(error));
    return;
  }
  simdjson::dom::object fields;
  if (error.get_object().get(fields) != simdjson::SUCCESS) return;
  element value;
  if (fields.at_key("message").get(value) == simdjson::SUCCESS && value.is_string()) {
    out->error_message = std::string(std::string_view(value));
  }
  if (fields.at_key("code").get(value) == simdjson::SUCCESS) out->error_code = ScalarText(value);
  simdjson::dom::object headers;
  if (error.at_pointer("/metadata/headers").get_object().get(headers) == simdjson::SUCCESS &&
      headers.at_key_case_insensitive("x-ratelimit-reset").get(value) == simdjson::SUCCESS) {
    out->rate_limit_reset = ScalarText(value);
  }
}

void ReadGenerationFields(simdjson::dom::object data, GenerationBody* out) {
  Generation& g = out->generation;
  FieldReader reader(data);
  reader.Text("id", &g.id);
  reader.Text("upstream_id", &g.upstream_id);
  reader.Text("model", &g.model);
  reader.Text("provider_name", &g.provider_name);
  reader.Text("created_at", &g.created_at);
  reader.Text("finish_reason", &g.finish_reason);
  reader.Text("native_finish_reason", &g.native_finish_reason);
  reader.Text("api_type", &g.api_type);
  reader.Text("router", &g.router);
  reader.Number("usage", &g.usage);
  reader.Number("cache_discount", &g.cache_discount);
  reader.Number("upstream_inference_cost", &g.upstream_inference_cost);
  reader.Number("latency", &g.latency);
  reader.Number("moderation_latency", &g.moderation_latency);
  reader.Number("generation_time", &g.generation_time);
  reader.Count("tokens_prompt", &g.tokens_prompt);
  reader.Count("tokens_completion", &g.tokens_completion);
  reader.Count("native_tokens_prompt", &g.native_tokens_prompt);
  reader.Count("native_tokens_completion", &g.native_tokens_completion);
  reader.Count("native_tokens_reasoning", &g.native_tokens_reasoning);
  reader.Count("native_tokens_cached", &g.native_tokens_cached);
  reader.Count("native_tokens_completion_images", &g.native_tokens_completion_images);
  reader.Flag("streamed", &g.streamed);
  reader.Flag("cancelled", &g.cancelled);
  reader.Flag("is_byok", &g.is_byok);
  out->fields = reader.status();

  element cost;
  if (data.at_key("total_cost").get(cost) != simdjson::SUCCESS) {
    out->total_cost = GenerationBody::Presence::kMissing;
  } else if (cost.is_null()) {
    out->total_cost = GenerationBody::Presence::kNull;
  } else if (cost.is_number()) {
    out->total_cost = GenerationBody::Presence::kPresent;
    g.total_cost = double(cost);
  } else {
    out->total_cost = GenerationBody::Presence::kWrongType;
    out->total_cost_type = TypeName(cost);
  }
}

}  // namespace

GenerationBody ReadGenerationBody(std::string_view body) {
  GenerationBody out;
  if (body.empty()) return out;

  thread_local simdjson::dom::parser parser;
  element root;
  simdjson::error_code error = parser.parse(body.data(), body.size()).get(root);
  if (error != simdjson::SUCCESS) {
    out.shape = GenerationBody::Shape::kNotJson;
    out.problem = simdjson::error_message(error);
    return out;
  }
  simdjson::dom::object root_object;
  if (root.get_object().get(root_object) != simdjson::SUCCESS) {
    out.shape = GenerationBody::Shape::kNotObject;
    out.problem = TypeName(root);
    return out;
  }
  out.shape = GenerationBody::Shape::kObject;
  ReadErrorEnvelope(root_object, &out);

  element data;
  if (root_object.at_key("data").get(data) != simdjson::SUCCESS) return out;
  if (data.is_null()) {
    out.data = GenerationBody::Presence::kNull;
    return out;
  }
  simdjson::dom::object data_object;
  if (data.get_object().get(data_object) != simdjson::SUCCESS) {
    out.data = GenerationBody::Presence::kWrongType;
    out.data_type = TypeName(data);
    return out;
  }
  out.data = GenerationBody::Presence::kPresent;
  ReadGenerationFields(data_object, &out);

  std::optional<std::string_view> raw = FindMemberText(body, "data", root_object.size());
  if (raw) {
    out.generation.data_json = std::string(*raw);
  } else if (out.fields.ok()) {
    out.fields = Status::InvalidArgument("data: its text could not be located in the body");
  }
  return out;
}

StatusOr<Generation> ParseGenerationBody(std::string_view body) {
  GenerationBody read = ReadGenerationBody(body);
  switch (read.shape) {
    case GenerationBody::Shape::kEmpty:
      return Status::InvalidArgument("body: empty");
    case GenerationBody::Shape::kNotJson:
      return Status::InvalidArgument("body: not JSON: " + read.problem);
    case GenerationBody::Shape::kNotObject:
      return Status::InvalidArgument("body: expected an object, got " + read.problem);
    case GenerationBody::Shape::kObject:
      break;
  }
  switch (read.data) {
    case GenerationBody::Presence::kMissing:
      return Status::InvalidArgument("data: missing");
    case GenerationBody::Presence::kNull:
      return Status::InvalidArgument("data: expected an object, got null");
    case GenerationBody::Presence::kWrongType:
      return Status::InvalidArgument("data: expected an object, got " + read.data_type);
    case GenerationBody::Presence::kPresent:
      break;
  }
  if (!read.fields.ok()) return read.fields;
  if (read.total_cost == GenerationBody::Presence::kWrongType) {
    return Status::InvalidArgument("data.total_cost: expected a number, got " +
                                   read.total_cost_type);
  }
  return std::move(read.generation);
}

}  // namespace orauditd
