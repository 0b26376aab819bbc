#include "common/canonical_json.h"

#include <simdjson.h>

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "common/json_writer.h"

namespace orauditd {
namespace {

// Decodes the UTF-8 sequence at `pos`. Input has been validated by simdjson;
// a stray byte is returned as itself rather than trusted further.
uint32_t DecodeCodePoint(std::string_view s, size_t pos) {
  auto byte = [&](size_t i) { return static_cast<uint8_t>(s[i]); };
  uint8_t lead = byte(pos);
  size_t length = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
  if (length == 1 || pos + length > s.size()) return lead;
  uint32_t cp = lead & (0x7F >> length);
  for (size_t i = 1; i < length; ++i) cp = (cp << 6) | (byte(pos + i) & 0x3F);
  return cp;
}

// The first UTF-16 code unit of a code point.
uint32_t FirstUtf16Unit(uint32_t cp) { return cp < 0x10000 ? cp : 0xD800 + ((cp - 0x10000) >> 10); }

Status AppendValue(const simdjson::dom::element& value, std::string* out);

Status AppendObject(simdjson::dom::object object, std::string* out) {
  std::vector<std::pair<std::string_view, simdjson::dom::element>> members;
  members.reserve(object.size());
  for (auto field : object) members.emplace_back(field.key, field.value);
  std::sort(members.begin(), members.end(),
            [](const auto& a, const auto& b) { return Utf16Less(a.first, b.first); });

  out->push_back('{');
  for (size_t i = 0; i < members.size(); ++i) {
    if (i > 0) {
      // I-JSON forbids duplicate names; which one "wins" differs between
      // parsers, so a hash over them would not be reproducible.
      if (members[i].first == members[i - 1].first) {
        return Status::InvalidArgument("duplicate member name in an object");
      }
      out->push_back(',');
    }
    AppendJsonString(out, members[i].first);
    out->push_back(':');
    Status status = AppendValue(members[i].second, out);
    if (!status.ok()) return status;
  }
  out->push_back('}');
  return Status::Ok();
}

Status AppendArray(simdjson::dom::array array, std::string* out) {
  out->push_back('[');
  bool first = true;
  for (simdjson::dom::element item : array) {
    if (!first) out->push_back(',');
    first = false;
    Status status = AppendValue(item, out);
    if (!status.ok()) return status;
  }
  out->push_back(']');
  return Status::Ok();
}

Status AppendValue(const simdjson::dom::element& value, std::string* out) {
  using simdjson::dom::element_type;
  switch (value.type()) {
    case element_type::OBJECT:
      return AppendObject(value.get_object().value_unsafe(), out);
    case element_type::ARRAY:
      return AppendArray(value.get_array().value_unsafe(), out);
    case element_type::STRING:
      AppendJsonString(out, value.get_string().value_unsafe());
      return Status::Ok();
    // RFC 8785 reads every number as a double, integers included, exactly as
    // ECMAScript's JSON.parse does.
    case element_type::INT64:
      AppendJsonNumber(out, static_cast<double>(value.get_int64().value_unsafe()));
      return Status::Ok();
    case element_type::UINT64:
      AppendJsonNumber(out, static_cast<double>(value.get_uint64().value_unsafe()));
      return Status::Ok();
    case element_type::DOUBLE:
      AppendJsonNumber(out, value.get_double().value_unsafe());
      return Status::Ok();
    case element_type::BOOL:
      out->append(value.get_bool().value_unsafe() ? "true" : "false");
      return Status::Ok();
    case element_type::NULL_VALUE:
      out->append("null");
      return Status::Ok();
  }
  return Status::Internal("unknown JSON element type");
}

std::string DescribeParseError(simdjson::error_code code) {
  switch (code) {
    case simdjson::UTF8_ERROR:
      return "invalid UTF-8";
    case simdjson::DEPTH_ERROR:
      return "nested too deeply";
    case simdjson::NUMBER_ERROR:
      return "a number is malformed or out of range";
    case simdjson::STRING_ERROR:
      return "a string has a bad escape or a lone surrogate";
    case simdjson::UNESCAPED_CHARS:
      return "a string holds an unescaped control character";
    case simdjson::EMPTY:
      return "no JSON value";
    default:
      return std::string("malformed JSON (") + simdjson::error_message(code) + ")";
  }
}

}  // namespace

bool Utf16Less(std::string_view a, std::string_view b) {
  size_t common = std::min(a.size(), b.size());
  size_t i = 0;
  while (i < common && a[i] == b[i]) ++i;
  if (i == common) return a.size() < b.size();

  // Back up to the start of the character holding the first difference;
  // both strings agree on everything before it.
  while (i > 0 && (static_cast<uint8_t>(a[i]) & 0xC0) == 0x80) --i;
  uint32_t cp_a = DecodeCodePoint(a, i);
  uint32_t cp_b = DecodeCodePoint(b, i);
  uint32_t unit_a = FirstUtf16Unit(cp_a);
  uint32_t unit_b = FirstUtf16Unit(cp_b);
  // Equal first units mean two supplementary characters under the same
  // high surrogate, whose low surrogates follow code point order.
  return unit_a != unit_b ? unit_a < unit_b : cp_a < cp_b;
}

Status AppendCanonicalJson(const simdjson::dom::element& value, std::string* out) {
  return AppendValue(value, out);
}

StatusOr<std::string> CanonicalJson(std::string_view json_text) {
  // One parser per thread keeps its buffers between calls; parse() copies
  // the text into them with the padding simdjson needs.
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element root;
  simdjson::error_code error = parser.parse(json_text.data(), json_text.size(), true).get(root);
  if (error) return Status::InvalidArgument(DescribeParseError(error));
  std::string out;
  out.reserve(json_text.size());
  Status status = AppendCanonicalJson(root, &out);
  if (!status.ok()) return status;
  return out;
}

}  // namespace orauditd
