#include "storage/json_text.h"

#include <bit>
#include <cstring>

#include "common/time_format.h"

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
// text.size(). Eight bytes at a time: the generation's JSON, stored as a
// string, has a quote every few bytes, and a byte-at-a-time rescan after
// each one was most of a row's serialization.
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

void AppendJsonText(std::string* out, std::string_view text) {
  static const char kHex[] = "0123456789abcdef";
  out->push_back('"');
  out->reserve(out->size() + text.size() + 1);
  size_t plain = 0;
  while (plain < text.size()) {
    size_t at = FindEscape(text, plain);
    out->append(text.data() + plain, at - plain);
    if (at == text.size()) break;
    unsigned char c = static_cast<unsigned char>(text[at]);
    plain = at + 1;
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\b':
        out->append("\\b");
        break;
      case '\f':
        out->append("\\f");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default: {
        const char escaped[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xf]};
        out->append(escaped, sizeof escaped);
      }
    }
  }
  out->push_back('"');
}

void AppendJsonTime(std::string* out, int64_t unix_ms) {
  int64_t days = unix_ms >= 0 ? unix_ms / 86400000 : (unix_ms - 86399999) / 86400000;
  int64_t ms = unix_ms - days * 86400000;
  int64_t year;
  unsigned month, day;
  CivilFromDays(days, &year, &month, &day);
  if (year < 0 || year > 9999) {
    AppendJsonText(out, FormatRfc3339Utc(unix_ms));
    return;
  }
  char buf[26] = "\"0000-00-00T00:00:00.000Z";
  auto put = [&buf](int pos, int64_t value, int width) {
    for (int i = width - 1; i >= 0; --i, value /= 10)
      buf[pos + i] = static_cast<char>('0' + value % 10);
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

}  // namespace orauditd
