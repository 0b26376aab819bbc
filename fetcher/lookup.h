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
  // When the server said when to come back (Retry-After in seconds or as an
  // HTTP date, else X-RateLimit-Reset in epoch ms), as Unix ms.
  std::optional<int64_t> retry_at_ms;
  std::string detail;  // short reason for logs and meta_error; never a key
  std::optional<Generation> generation;  // kResolved and kCostMissing
};

// `now_ms` turns a relative Retry-After into an absolute time.
LookupResult Classify(const HttpResponse& response, std::string_view generation_id,
                      int64_t now_ms);

// Parses a generation endpoint body ({"data": {...}}) into a Generation.
// A missing or null key stays empty; a key of the wrong type is an error
// naming the key.
StatusOr<Generation> ParseGenerationBody(std::string_view body);

// Builds "<base_url>/generation?id=<percent-encoded id>".
std::string GenerationUrl(std::string_view base_url, std::string_view generation_id);

}  // namespace orauditd
