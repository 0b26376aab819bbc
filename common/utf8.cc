#include "common/utf8.h"

#include <simdjson.h>

#include <cstdint>

namespace orauditd {
namespace {

// Length of the well-formed sequence starting at `pos`, or 0 when the bytes
// there are ill-formed. `*maximal` receives how many bytes form the maximal
// ill-formed prefix, so that it is replaced by one U+FFFD.
size_t WellFormedLength(std::string_view s, size_t pos, size_t* maximal) {
  auto byte = [&](size_t i) -> uint8_t { return i < s.size() ? static_cast<uint8_t>(s[i]) : 0; };
  uint8_t lead = byte(pos);
  *maximal = 1;
  if (lead < 0x80) return 1;

  // Allowed range of the second byte, per Unicode Table 3-7.
  uint8_t lo = 0x80, hi = 0xBF;
  size_t length;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) lo = 0xA0;
    if (lead == 0xED) hi = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) lo = 0x90;
    if (lead == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }

  for (size_t i = 1; i < length; ++i) {
    uint8_t b = byte(pos + i);
    bool in_range = i == 1 ? (b >= lo && b <= hi) : (b >= 0x80 && b <= 0xBF);
    if (pos + i >= s.size() || !in_range) {
      *maximal = i;
      return 0;
    }
  }
  return length;
}

}  // namespace

bool IsValidUtf8(std::string_view text) { return simdjson::validate_utf8(text); }

size_t FirstInvalidUtf8(std::string_view text) {
  size_t pos = 0;
  while (pos < text.size()) {
    size_t maximal = 0;
    size_t length = WellFormedLength(text, pos, &maximal);
    if (length == 0) return pos;
    pos += length;
  }
  return std::string_view::npos;
}

std::string ReplaceInvalidUtf8(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 8);
  size_t pos = 0;
  while (pos < text.size()) {
    size_t maximal = 0;
    size_t length = WellFormedLength(text, pos, &maximal);
    if (length > 0) {
      out.append(text, pos, length);
      pos += length;
    } else {
      out.append("\xEF\xBF\xBD");
      pos += maximal;
    }
  }
  return out;
}

}  // namespace orauditd
