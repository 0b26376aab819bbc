// SafeDetail: turns text that came from elsewhere (an error message in a
// response body, a transport error) into a LookupResult::detail that is safe
// to log and store: one line, bounded, and with anything that looks like an
// API key or a bearer token blanked out. Pure function, any thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace orauditd {

inline constexpr size_t kMaxDetailBytes = 200;

// Control characters become spaces; "sk-…" keys and the token after
// "Bearer " become "[redacted]"; text longer than `max_bytes` is cut at a
// UTF-8 character boundary and ends in "...".
std::string SafeDetail(std::string_view text, size_t max_bytes = kMaxDetailBytes);

}  // namespace orauditd
