// Classify: one test per row of the retry table in design.md, and the
// corners openrouter.md §2, §6 and §7 describe.
#include "fetcher/lookup.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "tests/fetcher/generation_bodies.h"

namespace orauditd {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr int64_t kNowMs = 1788220800000;  // 2026-09-01T00:00:00Z
constexpr char kId[] = "gen-1";

HttpResponse Answer(long status, std::string body,
                    std::vector<std::pair<std::string, std::string>> headers = {}) {
  HttpResponse response;
  response.transport_ok = true;
  response.status = status;
  response.body = std::move(body);
  response.headers = std::move(headers);
  return response;
}

HttpResponse Json(long status, std::string body,
                  std::vector<std::pair<std::string, std::string>> headers = {}) {
  headers.emplace_back("content-type", "application/json");
  return Answer(status, std::move(body), std::move(headers));
}

HttpResponse Html(long status) {
  return Answer(status, "<!DOCTYPE html><html><body>Not here</body></html>",
                {{"content-type", "text/html; charset=utf-8"}});
}

std::string ErrorBody(int code, const std::string& message) {
  return R"({"error":{"code":)" + std::to_string(code) + R"(,"message":")" + message + R"("}})";
}

LookupResult ClassifyNow(const HttpResponse& response, std::string_view id = kId) {
  return Classify(response, id, kNowMs);
}

// --- 200 -------------------------------------------------------------------

TEST(ClassifyTest, NumericTotalCostResolves) {
  LookupResult result = ClassifyNow(Json(200, R"({"data":{"id":"gen-1","total_cost":0.0015}})"));
  EXPECT_EQ(result.cls, LookupClass::kResolved);
  EXPECT_EQ(result.http_status, 200);
  ASSERT_TRUE(result.generation.has_value());
  EXPECT_EQ(result.generation->total_cost, 0.0015);
  EXPECT_EQ(result.generation->data_json, R"({"id":"gen-1","total_cost":0.0015})");
  EXPECT_FALSE(result.retry_at_ms.has_value());
}

TEST(ClassifyTest, ZeroCostIsARealAnswer) {
  LookupResult result = ClassifyNow(Json(200, R"({"data":{"id":"gen-1","total_cost":0}})"));
  EXPECT_EQ(result.cls, LookupClass::kResolved);
  ASSERT_TRUE(result.generation->total_cost.has_value());
  EXPECT_EQ(*result.generation->total_cost, 0.0);
}

TEST(ClassifyTest, LegacyBodyResolves) {
  LookupResult result = ClassifyNow(Json(200, test_bodies::kLegacy2025), test_bodies::kLegacyId);
  EXPECT_EQ(result.cls, LookupClass::kResolved) << result.detail;
  EXPECT_EQ(result.generation->total_cost, 0.0);
  EXPECT_EQ(result.generation->native_tokens_completion, 521);
  EXPECT_FALSE(result.generation->upstream_inference_cost.has_value());
}

TEST(ClassifyTest, FullBodyResolvesWithExactFigures) {
  std::string body = std::string(test_bodies::kFull2026Prefix) + test_bodies::kFull2026Data +
                     test_bodies::kFull2026Suffix;
  LookupResult result = ClassifyNow(Json(200, body), test_bodies::kFullId);
  ASSERT_EQ(result.cls, LookupClass::kResolved) << result.detail;
  EXPECT_EQ(*result.generation->total_cost, 8.41005e-05);
  EXPECT_EQ(*result.generation->cache_discount, -0.0000125);
  EXPECT_EQ(*result.generation->tokens_prompt, 3000000000LL);
  EXPECT_EQ(result.generation->data_json, test_bodies::kFull2026Data);
}

TEST(ClassifyTest, UnknownKeysDoNotMatter) {
  LookupResult result =
      ClassifyNow(Json(200, R"({"data":{"id":"gen-1","total_cost":1e-7,"new_thing":{"a":[1,{}]},)"
                            R"("api_type":"video"},"openrouter_metadata":{"x":1}})"));
  EXPECT_EQ(result.cls, LookupClass::kResolved) << result.detail;
  EXPECT_EQ(*result.generation->total_cost, 1e-7);
}

TEST(ClassifyTest, MissingNullOrStringCostMeansNotReadyYet) {
  const char* bodies[][2] = {
      {R"({"data":{"id":"gen-1","model":"m"}})", "HTTP 200: data.total_cost is missing"},
      {R"({"data":{"id":"gen-1","model":"m","total_cost":null}})",
       "HTTP 200: data.total_cost is null"},
      {R"({"data":{"id":"gen-1","model":"m","total_cost":"0.0015"}})",
       "HTTP 200: data.total_cost is a string"},
      {R"({"data":{"id":"gen-1","model":"m","total_cost":{"usd":1}}})",
       "HTTP 200: data.total_cost is an object"},
  };
  for (const auto& body : bodies) {
    LookupResult result = ClassifyNow(Json(200, body[0]));
    EXPECT_EQ(result.cls, LookupClass::kCostMissing) << body[0];
    EXPECT_EQ(result.detail, body[1]);
    // What arrived is kept, so the row can show it if the window runs out.
    ASSERT_TRUE(result.generation.has_value()) << body[0];
    EXPECT_EQ(result.generation->model, "m");
    EXPECT_FALSE(result.generation->total_cost.has_value());
  }
}

TEST(ClassifyTest, WrongShapesAt200Fail) {
  const char* bodies[][2] = {
      {R"({"data":null})", "HTTP 200 with data null"},
      {"{}", "HTTP 200 without data"},
      {R"({"data":[]})", "HTTP 200: data is an array, not an object"},
      {"[]", "HTTP 200: body is an array, not an object"},
      {R"({"error":{"code":500,"message":"Internal Server Error"},"data":null})",
       "HTTP 200 with an error body: Internal Server Error (code 500)"},
      {R"({"data":{"total_cost":1}})", "HTTP 200: data.id missing"},
      {R"({"data":{"id":"gen-2","total_cost":1}})",
       "HTTP 200: data.id is \"gen-2\", not the id asked for"},
      {R"({"data":{"id":7,"total_cost":1}})", "HTTP 200: data.id: expected a string, got number"},
      {R"({"data":{"id":"gen-1","total_cost":1,"latency":"slow"}})",
       "HTTP 200: data.latency: expected a number, got string"},
      {R"({"data":{"id":"gen-1","total_cost":1,"tokens_prompt":2.5}})",
       "HTTP 200: data.tokens_prompt: expected a non-negative integer, got 2.5"},
      {"", "HTTP 200 with an empty body"},
  };
  for (const auto& body : bodies) {
    LookupResult result = ClassifyNow(Json(200, body[0]));
    EXPECT_EQ(result.cls, LookupClass::kFailed) << body[0];
    EXPECT_EQ(result.detail, body[1]);
    EXPECT_FALSE(result.generation.has_value());
  }
}

TEST(ClassifyTest, AnErrorEnvelopeAt200Fails) {
  LookupResult result =
      ClassifyNow(Json(200, R"({"error":{"code":"server_error","message":"boom"}})"));
  EXPECT_EQ(result.cls, LookupClass::kFailed);
  EXPECT_EQ(result.detail, "HTTP 200 with an error body: boom (code server_error)");
}

TEST(ClassifyTest, ABodyThatIsNotJsonAt200IsTransient) {
  const std::string bodies[] = {
      R"({"data":{"id":"gen-1","total_cost":0.1)",         // truncated
      R"({"data":{"id":"gen-1","total_cost":1}}})",        // trailing garbage
      "{\"data\":{\"id\":\"gen-1\",\"model\":\"\xFF\"}}",  // invalid UTF-8
      "<html>maintenance</html>",
  };
  for (const std::string& body : bodies) {
    LookupResult result = ClassifyNow(Answer(200, body));
    EXPECT_EQ(result.cls, LookupClass::kTransient) << body;
    EXPECT_THAT(result.detail, StartsWith("HTTP 200 with a body that is not JSON: "));
  }
}

TEST(ClassifyTest, AnEmptyIdAskedForSkipsTheIdCheck) {
  LookupResult result = ClassifyNow(Json(200, R"({"data":{"id":"gen-9","total_cost":1}})"), "");
  EXPECT_EQ(result.cls, LookupClass::kResolved);
}

// --- 404 -------------------------------------------------------------------

TEST(ClassifyTest, JsonNotFoundIsNotYet) {
  LookupResult result = ClassifyNow(Json(404, ErrorBody(404, "Resource not found")));
  EXPECT_EQ(result.cls, LookupClass::kNotYet);
  EXPECT_EQ(result.detail, "HTTP 404: Resource not found");
  EXPECT_FALSE(result.generation.has_value());
}

TEST(ClassifyTest, HtmlNotFoundIsAConfigurationError) {
  LookupResult result = ClassifyNow(Html(404));
  EXPECT_EQ(result.cls, LookupClass::kMisconfigured);
  EXPECT_EQ(result.detail,
            "HTTP 404 with a non-JSON body (text/html; charset=utf-8): is openrouter.base_url "
            "right?");
}

TEST(ClassifyTest, EmptyNotFoundIsAConfigurationError) {
  EXPECT_EQ(ClassifyNow(Answer(404, "")).cls, LookupClass::kMisconfigured);
}

// --- 429 -------------------------------------------------------------------

TEST(ClassifyTest, RateLimitedHonoursRetryAfterSeconds) {
  LookupResult result =
      ClassifyNow(Json(429, ErrorBody(429, "Rate limit exceeded"),
                       {{"retry-after", "30"}, {"x-ratelimit-reset", "1788220900000"}}));
  EXPECT_EQ(result.cls, LookupClass::kRateLimited);
  EXPECT_EQ(result.retry_at_ms, kNowMs + 30000);
  EXPECT_EQ(result.detail, "HTTP 429: Rate limit exceeded");
}

TEST(ClassifyTest, RateLimitedHonoursRetryAfterDate) {
  LookupResult result = ClassifyNow(Json(429, ErrorBody(429, "Rate limit exceeded"),
                                         {{"retry-after", "Tue, 01 Sep 2026 00:00:30 GMT"}}));
  EXPECT_EQ(result.cls, LookupClass::kRateLimited);
  EXPECT_EQ(result.retry_at_ms, 1788220830000);
}

TEST(ClassifyTest, RateLimitedFallsBackToRateLimitReset) {
  LookupResult result = ClassifyNow(Json(429, ErrorBody(429, "Rate limit exceeded"),
                                         {{"x-ratelimit-limit", "50"},
                                          {"x-ratelimit-remaining", "0"},
                                          {"x-ratelimit-reset", "1788220860000"}}));
  EXPECT_EQ(result.cls, LookupClass::kRateLimited);
  EXPECT_EQ(result.retry_at_ms, 1788220860000);
}

TEST(ClassifyTest, RateLimitedSkipsAnUnreadableRetryAfter) {
  LookupResult result =
      ClassifyNow(Json(429, ErrorBody(429, "Rate limit exceeded"),
                       {{"retry-after", "soon"}, {"x-ratelimit-reset", "1788220860000"}}));
  EXPECT_EQ(result.retry_at_ms, 1788220860000);
}

TEST(ClassifyTest, RateLimitedReadsTheResetMirroredInTheBody) {
  LookupResult result = ClassifyNow(Json(
      429, R"({"error":{"code":429,"message":"Rate limit exceeded: free-models-per-day",)"
           R"("metadata":{"headers":{"X-RateLimit-Limit":"50","X-RateLimit-Remaining":"0",)"
           R"("X-RateLimit-Reset":"1788307200000"},"limit_source":"openrouter_free_tier_daily"}},)"
           R"("user_id":"user_2abc"})"));
  EXPECT_EQ(result.cls, LookupClass::kRateLimited);
  EXPECT_EQ(result.retry_at_ms, 1788307200000);
  EXPECT_EQ(result.detail, "HTTP 429: Rate limit exceeded: free-models-per-day");
}

TEST(ClassifyTest, BareRateLimitHasNoRetryTime) {
  LookupResult result = ClassifyNow(Answer(429, ""));
  EXPECT_EQ(result.cls, LookupClass::kRateLimited);
  EXPECT_FALSE(result.retry_at_ms.has_value());
  EXPECT_EQ(result.detail, "HTTP 429 with an empty body");
}

TEST(ClassifyTest, ErrorCodeAsAString) {
  LookupResult result = ClassifyNow(Json(429, R"({"error":{"code":"429","message":"Slow down"}})"));
  EXPECT_EQ(result.cls, LookupClass::kRateLimited);
  EXPECT_EQ(result.detail, "HTTP 429: Slow down");
}

// --- 5xx, 408 and transport --------------------------------------------------

TEST(ClassifyTest, ServerErrorsAreTransient) {
  for (int status : {500, 502, 503, 504, 520, 524, 529}) {
    LookupResult result = ClassifyNow(Json(status, ErrorBody(status, "Provider returned error")));
    EXPECT_EQ(result.cls, LookupClass::kTransient) << status;
    EXPECT_EQ(result.detail, "HTTP " + std::to_string(status) + ": Provider returned error");
    EXPECT_FALSE(result.retry_at_ms.has_value());
  }
}

TEST(ClassifyTest, HtmlBadGatewayIsTransient) {
  LookupResult result = ClassifyNow(Html(502));
  EXPECT_EQ(result.cls, LookupClass::kTransient);
  EXPECT_EQ(result.detail, "HTTP 502 with a non-JSON body (text/html; charset=utf-8)");
}

TEST(ClassifyTest, UnavailableHonoursRetryAfter) {
  LookupResult result =
      ClassifyNow(Json(503, ErrorBody(503, "Service Unavailable"), {{"retry-after", "7"}}));
  EXPECT_EQ(result.cls, LookupClass::kTransient);
  EXPECT_EQ(result.retry_at_ms, kNowMs + 7000);
}

TEST(ClassifyTest, ServerErrorWithAStringCodeNamesIt) {
  LookupResult result =
      ClassifyNow(Json(500, R"({"error":{"code":"server_error","message":"Internal Server Error",)"
                            R"("metadata":null},"user_id":null,"openrouter_metadata":null})"));
  EXPECT_EQ(result.cls, LookupClass::kTransient);
  EXPECT_EQ(result.detail, "HTTP 500: Internal Server Error (code server_error)");
}

TEST(ClassifyTest, RequestTimeoutIsTransient) {
  EXPECT_EQ(ClassifyNow(Answer(408, "")).cls, LookupClass::kTransient);
}

TEST(ClassifyTest, TransportFailuresAreTransient) {
  HttpResponse response;
  response.transport_ok = false;
  response.timed_out = true;
  response.error = "GET http://127.0.0.1:1/api/v1/generation: CURLE_OPERATION_TIMEDOUT: slow";
  LookupResult result = ClassifyNow(response);
  EXPECT_EQ(result.cls, LookupClass::kTransient);
  EXPECT_EQ(result.detail, response.error);

  response.timed_out = false;
  response.error = "GET http://127.0.0.1:1/api/v1/generation: CURLE_RECV_ERROR: reset";
  EXPECT_EQ(ClassifyNow(response).cls, LookupClass::kTransient);
}

TEST(ClassifyTest, ABodyOverTheCapFails) {
  HttpResponse response;
  response.transport_ok = false;
  response.body_too_large = true;
  response.status = 200;
  response.error = "GET http://x/generation: CURLE_WRITE_ERROR: response body over 1000 bytes";
  LookupResult result = ClassifyNow(response);
  EXPECT_EQ(result.cls, LookupClass::kFailed);
  EXPECT_EQ(result.detail, response.error);
}

// --- Other statuses ----------------------------------------------------------

TEST(ClassifyTest, UnauthorizedAndForbiddenAreAuthFailures) {
  LookupResult result = ClassifyNow(Json(401, ErrorBody(401, "User not found.")));
  EXPECT_EQ(result.cls, LookupClass::kAuthFailed);
  EXPECT_EQ(result.detail, "HTTP 401: User not found.");
  result = ClassifyNow(Json(403, ErrorBody(403, "You don't have access to this generation")));
  EXPECT_EQ(result.cls, LookupClass::kAuthFailed);
  EXPECT_EQ(ClassifyNow(Html(401)).cls, LookupClass::kAuthFailed);
}

TEST(ClassifyTest, PaymentRequiredIsNoCredits) {
  LookupResult result = ClassifyNow(Json(
      402, ErrorBody(402, "Insufficient credits. Add more using https://openrouter.ai/credits")));
  EXPECT_EQ(result.cls, LookupClass::kNoCredits);
  EXPECT_EQ(result.detail,
            "HTTP 402: Insufficient credits. Add more using https://openrouter.ai/credits");
}

TEST(ClassifyTest, OtherClientErrorsFail) {
  for (int status : {400, 405, 409, 410, 418, 422}) {
    LookupResult result = ClassifyNow(Json(status, ErrorBody(status, "Bad")));
    EXPECT_EQ(result.cls, LookupClass::kFailed) << status;
    EXPECT_EQ(result.http_status, status);
  }
}

TEST(ClassifyTest, RedirectsAreAConfigurationError) {
  LookupResult result = ClassifyNow(
      Answer(301, "", {{"location", "https://user:pw@openrouter.ai/api/v1/generation?id=x"}}));
  EXPECT_EQ(result.cls, LookupClass::kMisconfigured);
  EXPECT_EQ(result.detail,
            "HTTP 301 redirect to https://openrouter.ai/api/v1/generation: is "
            "openrouter.base_url right?");
}

TEST(ClassifyTest, OtherSuccessCodesFail) {
  EXPECT_EQ(ClassifyNow(Answer(204, "")).cls, LookupClass::kFailed);
}

// --- Detail ------------------------------------------------------------------

TEST(ClassifyTest, DetailIsShortAndOneLine) {
  std::string message(1000, 'm');
  LookupResult result = ClassifyNow(Json(400, ErrorBody(400, message + R"(\nsecond line)")));
  EXPECT_LE(result.detail.size(), 210u);
  EXPECT_THAT(result.detail, StartsWith("HTTP 400: mmm"));
  EXPECT_EQ(result.detail.find('\n'), std::string::npos);
}

TEST(ClassifyTest, DetailNeverCarriesAKey) {
  LookupResult result = ClassifyNow(
      Json(401, ErrorBody(401,
                          "Invalid key sk-or-v1-0123456789abcdef0123456789abcdef0123 (Bearer "
                          "sk-abc)")));
  EXPECT_EQ(result.cls, LookupClass::kAuthFailed);
  EXPECT_THAT(result.detail, Not(HasSubstr("0123456789abcdef")));
  EXPECT_THAT(result.detail, Not(HasSubstr("sk-abc")));
  EXPECT_EQ(result.detail, "HTTP 401: Invalid key [redacted] (Bearer [redacted])");
}

TEST(ClassifyTest, ClassNamesAreStable) {
  EXPECT_STREQ(LookupClassName(LookupClass::kResolved), "resolved");
  EXPECT_STREQ(LookupClassName(LookupClass::kCostMissing), "cost_missing");
  EXPECT_STREQ(LookupClassName(LookupClass::kNotYet), "not_yet");
  EXPECT_STREQ(LookupClassName(LookupClass::kRateLimited), "rate_limited");
  EXPECT_STREQ(LookupClassName(LookupClass::kTransient), "transient");
  EXPECT_STREQ(LookupClassName(LookupClass::kAuthFailed), "auth_failed");
  EXPECT_STREQ(LookupClassName(LookupClass::kNoCredits), "no_credits");
  EXPECT_STREQ(LookupClassName(LookupClass::kMisconfigured), "misconfigured");
  EXPECT_STREQ(LookupClassName(LookupClass::kFailed), "failed");
}

}  // namespace
}  // namespace orauditd
