// Error answers as OpenRouter sends them: the JSON envelope of
// openrouter.md E1, its HTML pages (a wrong path, a Cloudflare error), and
// HTTP dates for Retry-After. Pure functions, any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace orauditd::fake {

// {"error":{"code":<code>,"message":"<message>"}}
std::string ErrorBody(int code, std::string_view message);

// The same envelope with `code_json` as given (a number or a string),
// optional metadata (JSON text) and an optional top-level user_id.
std::string ErrorEnvelope(std::string_view code_json, std::string_view message,
                          std::optional<std::string_view> metadata_json,
                          std::optional<std::string_view> user_id = std::nullopt);

// The site's 404 page, served for a path that is not part of the API.
std::string HtmlNotFoundPage();

// Cloudflare's error page for a 5xx/52x status.
std::string CloudflareErrorPage(int status, std::string_view ray_id);

// IMF-fixdate, e.g. "Sun, 06 Nov 1994 08:49:37 GMT".
std::string HttpDate(int64_t unix_seconds);

}  // namespace orauditd::fake
