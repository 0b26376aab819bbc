#include "common/json_writer.h"

#include <bit>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace orauditd {
namespace {

// Marks, in the high bit of each byte, the bytes of `word` that must be
// escaped in a JSON string: below 0x20, '"' or '\\'. Bit tricks from "Bit
// Twiddling Hacks" (haszero, hasless). Bytes above a marked one may be marked
// wrongly, but the lowest mark is always exact, which is all FindEscape needs.
uint64_t EscapeMask(uint64_t word) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHigh = 0x8080808080808080ULL;
  auto has_zero = [](uint64_t v) { return (v - kOnes) & ~v & kHigh; };
  uint64_t below_space = (word - kOnes * 0x20) & ~word & kHigh;
  return below_space | has_zero(word ^ (kOnes * '"')) | has_zero(word ^ (kOnes * '\\'));
}

bool NeedsEscape(unsigned char c) { return c < 0x20 || c == '"' || c == '\\'; }

// The index of the first byte at or after `from` that must be escaped, or
// text.size(). Eight bytes at a time: a generation's JSON, stored as a
// string, has a quote every few bytes, and so has every JSON text a row or
// an answer carries.
size_t FindEscape(std::string_view text, size_t from) {
  size_t i = from;
  for (; i + 8 <= text.size(); i += 8) {
    uint64_t word;
    std::memcpy(&word, text.data() + i, 8);
    uint64_t mask = EscapeMask(word);
    static_assert(std::endian::native == std::endian::little, "the lowest byte comes first");
    if (mask != 0) return i + static_cast<size_t>(__builtin_ctzll(mask)) / 8;
  }
  while (i < text.size() && !NeedsEscape(static_cast<unsigned char>(text[i]))) ++i;
  return i;
}

}  // namespace

void AppendJsonString(std::string* out, std::string_view value) {
  static const char kHex[] = "0123456789abcdef";
  out->reserve(out->size() + value.size() + 2);
  out->push_back('"');
  // Each run of bytes that need no escape is copied in one append.
  size_t plain = 0;
  while (plain < value.size()) {
    size_t at = FindEscape(value, plain);
    out->append(value.data() + plain, at - plain);
    if (at == value.size()) break;
    unsigned char c = static_cast<unsigned char>(value[at]);
    plain = at + 1;
    switch (c) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\b': out->append("\\b"); break;
      case '\f': out->append("\\f"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      default:
        out->append("\\u00");
        out->push_back(kHex[c >> 4]);
        out->push_back(kHex[c & 0xf]);
    }
  }
  out->push_back('"');
}

void AppendJsonNumber(std::string* out, double value) {
  if (!std::isfinite(value)) {
    out->append("null");
    return;
  }
  if (value == 0) {
    out->push_back('0');  // also for -0, as ECMAScript prints it
    return;
  }

  // Shortest round-trip digits in scientific form: d.ddde[+-]x.
  char sci[64];
  auto result = std::to_chars(sci, sci + sizeof sci, value, std::chars_format::scientific);
  std::string_view text(sci, static_cast<size_t>(result.ptr - sci));
  bool negative = text.front() == '-';
  if (negative) text.remove_prefix(1);
  size_t e_pos = text.find('e');
  std::string digits;
  for (char c : text.substr(0, e_pos)) {
    if (c != '.') digits.push_back(c);
  }
  int exponent = std::atoi(std::string(text.substr(e_pos + 1)).c_str());
  int n = exponent + 1;  // position of the decimal point relative to digits
  int k = static_cast<int>(digits.size());

  if (negative) out->push_back('-');
  if (k <= n && n <= 21) {
    out->append(digits);
    out->append(static_cast<size_t>(n - k), '0');
  } else if (0 < n && n <= 21) {
    out->append(digits, 0, static_cast<size_t>(n));
    out->push_back('.');
    out->append(digits, static_cast<size_t>(n), std::string::npos);
  } else if (-6 < n && n <= 0) {
    out->append("0.");
    out->append(static_cast<size_t>(-n), '0');
    out->append(digits);
  } else {
    out->push_back(digits[0]);
    if (k > 1) {
      out->push_back('.');
      out->append(digits, 1, std::string::npos);
    }
    out->push_back('e');
    out->push_back(n - 1 >= 0 ? '+' : '-');
    out->append(std::to_string(std::abs(n - 1)));
  }
}

void JsonWriter::BeforeValue() {
  if (need_comma_) out_.push_back(',');
  need_comma_ = true;
}

void JsonWriter::BeginObject() {
  BeforeValue();
  out_.push_back('{');
  need_comma_ = false;
}

void JsonWriter::EndObject() {
  out_.push_back('}');
  need_comma_ = true;
}

void JsonWriter::BeginArray() {
  BeforeValue();
  out_.push_back('[');
  need_comma_ = false;
}

void JsonWriter::EndArray() {
  out_.push_back(']');
  need_comma_ = true;
}

void JsonWriter::Key(std::string_view key) {
  BeforeValue();
  AppendJsonString(&out_, key);
  out_.push_back(':');
  need_comma_ = false;
}

void JsonWriter::String(std::string_view value) {
  BeforeValue();
  AppendJsonString(&out_, value);
}

void JsonWriter::Int(int64_t value) {
  BeforeValue();
  char digits[24];
  auto result = std::to_chars(digits, digits + sizeof digits, value);
  out_.append(digits, static_cast<size_t>(result.ptr - digits));
}

void JsonWriter::Double(double value) {
  BeforeValue();
  AppendJsonNumber(&out_, value);
}

void JsonWriter::Bool(bool value) {
  BeforeValue();
  out_.append(value ? "true" : "false");
}

void JsonWriter::Null() {
  BeforeValue();
  out_.append("null");
}

void JsonWriter::Raw(std::string_view json) {
  BeforeValue();
  out_.append(json);
}

void JsonWriter::Field(std::string_view key, std::string_view value) {
  Key(key);
  String(value);
}

void JsonWriter::Field(std::string_view key, const std::optional<std::string>& value) {
  if (!value) return;
  Key(key);
  String(*value);
}

void JsonWriter::Field(std::string_view key, const std::optional<int64_t>& value) {
  if (!value) return;
  Key(key);
  Int(*value);
}

void JsonWriter::Field(std::string_view key, const std::optional<double>& value) {
  if (!value) return;
  Key(key);
  Double(*value);
}

void JsonWriter::Field(std::string_view key, const std::optional<bool>& value) {
  if (!value) return;
  Key(key);
  Bool(*value);
}

}  // namespace orauditd
