#include "fetcher/safe_detail.h"

namespace orauditd {
namespace {

constexpr std::string_view kRedacted = "[redacted]";

bool IsTokenChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == '~' || c == '+' || c == '/' || c == '=';
}

size_t TokenEnd(std::string_view text, size_t begin) {
  size_t end = begin;
  while (end < text.size() && IsTokenChar(text[end])) ++end;
  return end;
}

bool StartsWithNoCase(std::string_view text, size_t at, std::string_view prefix) {
  if (text.size() - at < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    char c = text[at + i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[i]) return false;
  }
  return true;
}

// OpenRouter keys look like "sk-or-v1-<64 hex>"; other vendors' keys that an
// error message might echo share the "sk-" prefix. A short "sk-" word is
// left alone so that ordinary text survives.
constexpr size_t kMinKeyLength = 16;

std::string Redact(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    const bool word_start = i == 0 || !IsTokenChar(text[i - 1]);
    if (word_start && StartsWithNoCase(text, i, "bearer ")) {
      size_t token = i + 7;
      while (token < text.size() && text[token] == ' ') ++token;
      size_t end = TokenEnd(text, token);
      if (end > token) {
        out.append(text.substr(i, 7)).append(kRedacted);
        i = end;
        continue;
      }
    }
    if (word_start && StartsWithNoCase(text, i, "sk-")) {
      size_t end = TokenEnd(text, i);
      if (end - i >= kMinKeyLength) {
        out.append(kRedacted);
        i = end;
        continue;
      }
    }
    const unsigned char c = static_cast<unsigned char>(text[i]);
    out.push_back(c < 0x20 || c == 0x7f ? ' ' : text[i]);
    ++i;
  }
  return out;
}

}  // namespace

std::string SafeDetail(std::string_view text, size_t max_bytes) {
  std::string out = Redact(text);
  if (out.size() <= max_bytes) return out;
  size_t cut = max_bytes;
  // Back off continuation bytes (10xxxxxx) so no character is split.
  while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
  out.resize(cut);
  out.append("...");
  return out;
}

}  // namespace orauditd
