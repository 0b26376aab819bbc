// When a server says to come back: Retry-After (RFC 9110 §10.2.3: a number of
// seconds or an HTTP-date) and OpenRouter's X-RateLimit-Reset (epoch
// milliseconds, openrouter.md E8). Pure functions, any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace orauditd {

// An HTTP-date in any of the three forms RFC 9110 §5.6.7 requires a recipient
// to accept: "Sun, 06 Nov 1994 08:49:37 GMT" (IMF-fixdate), "Sunday,
// 06-Nov-94 08:49:37 GMT" (RFC 850) and "Sun Nov  6 08:49:37 1994" (asctime).
// Returns Unix milliseconds, or nothing when the text is none of them.
std::optional<int64_t> ParseHttpDateMs(std::string_view text);

// A Retry-After value as an absolute Unix time in ms: `now_ms` plus the
// seconds, or the date. Nothing when the value is neither.
std::optional<int64_t> ParseRetryAfterMs(std::string_view value, int64_t now_ms);

// A decimal epoch-milliseconds value such as "1788220800000".
std::optional<int64_t> ParseEpochMs(std::string_view value);

}  // namespace orauditd
