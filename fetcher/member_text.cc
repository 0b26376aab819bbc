#include "fetcher/member_text.h"

#include <array>
#include <cstring>
#include <string>

namespace orauditd {
namespace {

constexpr std::string_view kSpace = " \t\r\n";  // JSON's whitespace
constexpr size_t kEnd = std::string_view::npos;

size_t SkipSpace(std::string_view json, size_t at) {
  return at >= json.size() ? kEnd : json.find_first_not_of(kSpace, at);
}

// `at` is on a string's opening quote; returns the index past its closing
// one. A quote after an odd run of backslashes is escaped. memchr, not a
// byte loop: a generation's strings are most of its bytes.
size_t SkipString(std::string_view json, size_t at) {
  for (size_t from = at + 1; from < json.size();) {
    const void* found = std::memchr(json.data() + from, '"', json.size() - from);
    if (found == nullptr) return kEnd;
    size_t quote = static_cast<size_t>(static_cast<const char*>(found) - json.data());
    size_t backslashes = 0;
    while (quote - backslashes > at + 1 && json[quote - backslashes - 1] == '\\') ++backslashes;
    if (backslashes % 2 == 0) return quote + 1;
    from = quote + 1;
  }
  return kEnd;
}

// The bytes a value's walk stops at: a string's start and the brackets.
constexpr std::array<bool, 256> kStructural = [] {
  std::array<bool, 256> table{};
  for (unsigned char c : std::string_view("\"{}[]")) table[c] = true;
  return table;
}();

// `at` is on a value's first byte; returns the index past its last one.
// Objects and arrays count their brackets, skipping strings, where a
// bracket is only text.
size_t SkipValue(std::string_view json, size_t at) {
  char first = json[at];
  if (first == '"') return SkipString(json, at);
  if (first != '{' && first != '[') return json.find_first_of(",}] \t\r\n", at);

  int depth = 0;
  for (size_t i = at; i < json.size();) {
    char c = json[i];
    if (!kStructural[static_cast<unsigned char>(c)]) {
      ++i;
    } else if (c == '"') {
      i = SkipString(json, i);
      if (i == kEnd) return kEnd;
    } else if (c == '{' || c == '[') {
      ++depth;
      ++i;
    } else if (--depth == 0) {
      return i + 1;
    } else {
      ++i;
    }
  }
  return kEnd;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Whether the string token `quoted` (quotes included) means `key`. Keys
// are compared as the DOM compares them, after unescaping; a \u escape
// outside ASCII never matches, since `key` is ASCII.
bool KeyMeans(std::string_view quoted, std::string_view key) {
  std::string plain;
  std::string_view body = quoted.substr(1, quoted.size() - 2);
  for (size_t i = 0; i < body.size(); ++i) {
    if (body[i] != '\\') {
      plain += body[i];
      continue;
    }
    if (++i >= body.size()) return false;
    char e = body[i];
    if (e == 'u') {
      int value = 0;
      for (size_t k = 1; k <= 4; ++k) {
        int digit = i + k < body.size() ? HexDigit(body[i + k]) : -1;
        if (digit < 0) return false;
        value = value * 16 + digit;
      }
      if (value >= 0x80) return false;
      plain += static_cast<char>(value);
      i += 4;
      continue;
    }
    static constexpr std::string_view kFrom = "\"\\/bfnrt";
    static constexpr std::string_view kTo = "\"\\/\b\f\n\r\t";
    size_t which = kFrom.find(e);
    if (which == kEnd) return false;
    plain += kTo[which];
  }
  return plain == key;
}

// The only member's value, from `value_start` to the object's closing
// brace, whitespace aside: no walk through it.
std::optional<std::string_view> SoleValueText(std::string_view json, size_t value_start) {
  size_t close = json.find_last_not_of(kSpace);
  if (close == kEnd || close <= value_start || json[close] != '}') return std::nullopt;
  size_t end = json.find_last_not_of(kSpace, close - 1);
  return json.substr(value_start, end + 1 - value_start);
}

}  // namespace

std::optional<std::string_view> FindMemberText(std::string_view object_json, std::string_view key,
                                               size_t members) {
  size_t at = SkipSpace(object_json, 0);
  if (at == kEnd || object_json[at] != '{') return std::nullopt;

  at = SkipSpace(object_json, at + 1);
  while (at != kEnd && object_json[at] == '"') {
    size_t key_end = SkipString(object_json, at);
    if (key_end == kEnd) return std::nullopt;
    bool wanted = KeyMeans(object_json.substr(at, key_end - at), key);

    at = SkipSpace(object_json, key_end);
    if (at == kEnd || object_json[at] != ':') return std::nullopt;
    size_t value_start = SkipSpace(object_json, at + 1);
    if (value_start == kEnd) return std::nullopt;
    if (wanted && members == 1) return SoleValueText(object_json, value_start);
    size_t value_end = SkipValue(object_json, value_start);
    if (value_end == kEnd) return std::nullopt;
    if (wanted) return object_json.substr(value_start, value_end - value_start);

    at = SkipSpace(object_json, value_end);
    if (at == kEnd || object_json[at] != ',') return std::nullopt;
    at = SkipSpace(object_json, at + 1);
  }
  return std::nullopt;
}

}  // namespace orauditd
