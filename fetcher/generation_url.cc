// GenerationUrl(): the one place that builds the generation endpoint's URL.
#include "fetcher/lookup.h"

namespace orauditd {
namespace {

// RFC 3986 §2.3: the only bytes a query value may carry as they are.
bool IsUnreserved(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

}  // namespace

std::string GenerationUrl(std::string_view base_url, std::string_view generation_id) {
  constexpr char kHex[] = "0123456789ABCDEF";
  while (!base_url.empty() && base_url.back() == '/') base_url.remove_suffix(1);
  std::string url(base_url);
  url.reserve(url.size() + 15 + generation_id.size() * 3);
  url.append("/generation?id=");
  for (unsigned char c : generation_id) {
    if (IsUnreserved(c)) {
      url.push_back(static_cast<char>(c));
    } else {
      url.push_back('%');
      url.push_back(kHex[c >> 4]);
      url.push_back(kHex[c & 0x0F]);
    }
  }
  return url;
}

}  // namespace orauditd
