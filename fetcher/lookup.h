// Lookup: what one answer of the generation endpoint means for a record.
// Classify() turns a raw HTTP response into one of the classes of the
// contract's retry table; it does no I/O and reads no clock, so every row of
// that table is a plain unit test.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/generation.h"
#include "common/status.h"
#include "fetcher/http_client.h"

namespace orauditd {

enum class LookupClass {
  kResolved,       // 200 with a numeric data.total_cost
  kCostMissing,    // 200 with total_cost missing, null or not a number
  kNotYet,         // 404 with a JSON error body
  kRateLimited,    // 429
  kTransient,      // 5xx, 52x, 408, timeout, connection error, body not JSON
  kAuthFailed,     // 401, 403
  kNoCredits,      // 402
  kMisconfigured,  // 404 that is not JSON (wrong base_url)
  kFailed,         // other 4xx, 200 with a wrong shape, body over the cap
};

const char* LookupClassName(LookupClass cls);

struct LookupResult {
  LookupClass cls = LookupClass::kTransient;
  long http_status = 0;
  // When the server said when to come back, as Unix ms: on a 429 from
  // Retry-After (seconds or an HTTP date), else X-RateLimit-Reset (epoch ms,
  // the header or its copy in the error body); on a 408 or 5xx from
  // Retry-After only. May lie in the past.
  std::optional<int64_t> retry_at_ms;
  // Short reason for logs and meta_error (at most ~200 bytes, one line):
  // the status and OpenRouter's error.message when there is one. Never a key.
  std::string detail;
  std::optional<Generation> generation;  // kResolved and kCostMissing
};

// `now_ms` turns a relative Retry-After into an absolute time. A 200 must
// carry data.id equal to `generation_id` (not checked when that is empty).
// A body that is not JSON is kTransient at 200 and 5xx, kMisconfigured at
// 404; a redirect (3xx, never followed) is kMisconfigured too.
LookupResult Classify(const HttpResponse& response, std::string_view generation_id, int64_t now_ms);

// Parses a generation endpoint body ({"data": {...}}) into a Generation.
// A missing or null key stays empty; a key of the wrong type is an error
// naming the key ("data.latency: expected a number, got string"), and so is
// a non-number total_cost (Classify() reads that as kCostMissing instead).
// Token counts must be whole numbers >= 0 (10.0 is accepted as 10).
// data_json is the data object's text exactly as received.
StatusOr<Generation> ParseGenerationBody(std::string_view body);

// Builds "<base_url>/generation?id=<percent-encoded id>"; trailing slashes of
// base_url are dropped and only RFC 3986 unreserved bytes of the id are kept.
std::string GenerationUrl(std::string_view base_url, std::string_view generation_id);

}  // namespace orauditd
