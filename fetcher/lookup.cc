// Classify(): the contract's retry table (design.md, "Queue, fetching and
// retries"), row by row, with openrouter.md §2 and §6 deciding the corners.
#include "fetcher/lookup.h"

#include <utility>

#include "fetcher/curl_error.h"
#include "fetcher/generation_body.h"
#include "fetcher/retry_after.h"
#include "fetcher/safe_detail.h"

namespace orauditd {
namespace {

using Shape = GenerationBody::Shape;
using Presence = GenerationBody::Presence;

// "an array", "a string": how a detail names a JSON type.
std::string WithArticle(const std::string& type) {
  return (type == "array" || type == "object" ? "an " : "a ") + type;
}

bool IsJson(const GenerationBody& body) {
  return body.shape == Shape::kObject || body.shape == Shape::kNotObject;
}

// "HTTP 404: Resource not found", "HTTP 500: Internal Server Error (code
// server_error)", "HTTP 502 with a non-JSON body (text/html)".
std::string StatusDetail(const HttpResponse& response, const GenerationBody& body) {
  std::string detail = "HTTP " + std::to_string(response.status);
  if (body.error_message) {
    detail.append(": ").append(*body.error_message);
    if (body.error_code && *body.error_code != std::to_string(response.status)) {
      detail.append(" (code ").append(*body.error_code).append(")");
    }
  } else if (body.shape == Shape::kEmpty) {
    detail.append(" with an empty body");
  } else if (!IsJson(body)) {
    detail.append(" with a non-JSON body");
    if (const std::string* type = response.Header("content-type")) {
      detail.append(" (").append(type->substr(0, 60)).append(")");
    }
  }
  return detail;
}

LookupResult Make(LookupClass cls, const HttpResponse& response, std::string detail) {
  LookupResult result;
  result.cls = cls;
  result.http_status = response.status;
  result.detail = SafeDetail(detail);
  return result;
}

// Retry-After first (the standard, and what OpenRouter documents), then the
// X-RateLimit-Reset header, then the same value mirrored in the error body.
std::optional<int64_t> ServerRetryAt(const HttpResponse& response, const GenerationBody& body,
                                     int64_t now_ms, bool rate_limit_reset) {
  if (const std::string* value = response.Header("retry-after")) {
    if (auto at = ParseRetryAfterMs(*value, now_ms)) return at;
  }
  if (!rate_limit_reset) return std::nullopt;
  if (const std::string* value = response.Header("x-ratelimit-reset")) {
    if (auto at = ParseEpochMs(*value)) return at;
  }
  if (body.rate_limit_reset) return ParseEpochMs(*body.rate_limit_reset);
  return std::nullopt;
}

LookupResult ClassifyTransportFailure(const HttpResponse& response) {
  std::string error = response.error.empty() ? "transport error" : response.error;
  // A body over the cap will be over it next time too.
  if (response.body_too_large) return Make(LookupClass::kFailed, response, error);
  return Make(LookupClass::kTransient, response, error);
}

// A 200 is only an answer if it is the generation asked for; anything else
// that is JSON is a wrong shape, which no retry will fix.
LookupResult ClassifyOk(const HttpResponse& response, const GenerationBody& body,
                        std::string_view generation_id) {
  const std::string prefix = "HTTP 200";
  switch (body.shape) {
    case Shape::kEmpty:
      return Make(LookupClass::kFailed, response, prefix + " with an empty body");
    case Shape::kNotJson:
      return Make(LookupClass::kTransient, response,
                  prefix + " with a body that is not JSON: " + body.problem);
    case Shape::kNotObject:
      return Make(LookupClass::kFailed, response,
                  prefix + ": body is " + WithArticle(body.problem) + ", not an object");
    case Shape::kObject:
      break;
  }
  if (body.data != Presence::kPresent && body.has_error) {
    std::string detail = prefix + " with an error body";
    if (body.error_message) detail += ": " + *body.error_message;
    if (body.error_code) detail += " (code " + *body.error_code + ")";
    return Make(LookupClass::kFailed, response, detail);
  }
  switch (body.data) {
    case Presence::kMissing:
      return Make(LookupClass::kFailed, response, prefix + " without data");
    case Presence::kNull:
      return Make(LookupClass::kFailed, response, prefix + " with data null");
    case Presence::kWrongType:
      return Make(LookupClass::kFailed, response,
                  prefix + ": data is " + WithArticle(body.data_type) + ", not an object");
    case Presence::kPresent:
      break;
  }
  if (!body.fields.ok()) {
    return Make(LookupClass::kFailed, response, prefix + ": " + body.fields.message());
  }
  const std::optional<std::string>& id = body.generation.id;
  if (!id) return Make(LookupClass::kFailed, response, prefix + ": data.id missing");
  if (!generation_id.empty() && *id != generation_id) {
    return Make(LookupClass::kFailed, response,
                prefix + ": data.id is \"" + *id + "\", not the id asked for");
  }

  if (body.total_cost == Presence::kPresent) {
    LookupResult result = Make(LookupClass::kResolved, response, prefix);
    result.generation = body.generation;
    return result;
  }
  // Not ready yet (openrouter.md G9): retried, with what arrived kept.
  std::string why = body.total_cost == Presence::kMissing ? "missing"
                    : body.total_cost == Presence::kNull  ? "null"
                                                          : WithArticle(body.total_cost_type);
  LookupResult result =
      Make(LookupClass::kCostMissing, response, prefix + ": data.total_cost is " + why);
  result.generation = body.generation;
  return result;
}

}  // namespace

const char* LookupClassName(LookupClass cls) {
  switch (cls) {
    case LookupClass::kResolved:
      return "resolved";
    case LookupClass::kCostMissing:
      return "cost_missing";
    case LookupClass::kNotYet:
      return "not_yet";
    case LookupClass::kRateLimited:
      return "rate_limited";
    case LookupClass::kTransient:
      return "transient";
    case LookupClass::kAuthFailed:
      return "auth_failed";
    case LookupClass::kNoCredits:
      return "no_credits";
    case LookupClass::kMisconfigured:
      return "misconfigured";
    case LookupClass::kFailed:
      return "failed";
  }
  return "unknown";
}

LookupResult Classify(const HttpResponse& response, std::string_view generation_id,
                      int64_t now_ms) {
  if (!response.transport_ok) return ClassifyTransportFailure(response);

  const long status = response.status;
  const GenerationBody body = ReadGenerationBody(response.body);
  if (status == 200) return ClassifyOk(response, body, generation_id);

  const std::string detail = StatusDetail(response, body);
  if (status == 404) {
    // OpenRouter answers an unknown id with its JSON envelope; an HTML page
    // means the request never reached the API (a wrong base_url).
    if (IsJson(body)) return Make(LookupClass::kNotYet, response, detail);
    return Make(LookupClass::kMisconfigured, response, detail + ": is openrouter.base_url right?");
  }
  if (status == 429) {
    LookupResult result = Make(LookupClass::kRateLimited, response, detail);
    result.retry_at_ms = ServerRetryAt(response, body, now_ms, /*rate_limit_reset=*/true);
    return result;
  }
  if (status == 401 || status == 403) return Make(LookupClass::kAuthFailed, response, detail);
  if (status == 402) return Make(LookupClass::kNoCredits, response, detail);
  if (status == 408 || status >= 500) {
    LookupResult result = Make(LookupClass::kTransient, response, detail);
    result.retry_at_ms = ServerRetryAt(response, body, now_ms, /*rate_limit_reset=*/false);
    return result;
  }
  if (status >= 300 && status < 400) {
    // Redirects are not followed: the Authorization header must not travel
    // to wherever a redirect points. The fix is a right base_url.
    std::string where;
    if (const std::string* location = response.Header("location")) {
      where = " to " + UrlForLog(*location);
    }
    return Make(
        LookupClass::kMisconfigured, response,
        "HTTP " + std::to_string(status) + " redirect" + where + ": is openrouter.base_url right?");
  }
  return Make(LookupClass::kFailed, response, detail);
}

}  // namespace orauditd
