// Every script step kind, observed through real HTTP.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "tests/fake_openrouter/fake_test_fixture.h"
#include "tests/fake_openrouter/handler.h"

namespace orauditd::fake {
namespace {

class FakeKindsTest : public FakeServerFixture {
 protected:
  void SetUp() override { StartFake(); }

  // Scripts `id` with one step and fetches it once.
  ClientResponse One(const std::string& id, const std::string& step_json) {
    Script("{\"" + id + "\": [" + step_json + "]}");
    return Generation(id);
  }
};

TEST_F(FakeKindsTest, OkAppliesDataOverridesAndCostShortcut) {
  Script(R"({"g": {"data": {"model": "anthropic/claude-4.5-haiku-20251001", "latency": 1.0},
                   "steps": [{"kind": "ok", "cost": 3.4e-05,
                              "headers": {"X-Generation-Id": "g"}}]}})");
  ClientResponse r = Generation("g");
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.body.find(R"("total_cost":3.4e-05,"usage":3.4e-05)"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find(R"("latency":1.0)"), std::string::npos);  // number text as scripted
  EXPECT_EQ(std::string_view(Parse(r.body)["data"]["model"]),
            "anthropic/claude-4.5-haiku-20251001");
  EXPECT_EQ(r.Header("X-Generation-Id"), "g");
}

TEST_F(FakeKindsTest, StepDataAndRemoveApplyOnTopOfScriptData) {
  Script(R"({"g": {"data": {"is_byok": true}, "remove": ["router"],
                   "steps": [{"kind": "ok", "remove": ["workspace_id"],
                              "data": {"total_cost": 0, "upstream_inference_cost": 19}}]}})");
  simdjson::dom::object data = Parse(Generation("g").body)["data"].get_object().value();
  EXPECT_TRUE(bool(data["is_byok"]));
  EXPECT_EQ(int64_t(data["total_cost"]), 0);
  EXPECT_EQ(int64_t(data["upstream_inference_cost"]), 19);
  EXPECT_EQ(data["router"].error(), simdjson::NO_SUCH_FIELD);
  EXPECT_EQ(data["workspace_id"].error(), simdjson::NO_SUCH_FIELD);
}

TEST_F(FakeKindsTest, CostNullAbsentAndString) {
  simdjson::dom::object null_cost =
      Parse(One("a", R"({"kind": "cost_null"})").body)["data"].get_object().value();
  EXPECT_TRUE(null_cost["total_cost"].is_null());
  simdjson::dom::object absent =
      Parse(One("b", R"({"kind": "cost_absent"})").body)["data"].get_object().value();
  EXPECT_EQ(absent["total_cost"].error(), simdjson::NO_SUCH_FIELD);
  EXPECT_NE(One("c", R"({"kind": "cost_string"})").body.find(R"("total_cost":"0.0015")"),
            std::string::npos);
}

TEST_F(FakeKindsTest, ErasServeTheirFieldSets) {
  Script(R"({"e1": {"era": "2025-01"}, "e9": {"era": "2025-09"}, "ex": {"era": "extra"},
             "es": [{"kind": "ok", "era": "2025-09"}]})");
  EXPECT_EQ(Parse(Generation("e1").body)["data"].get_object().value().size(), 26u);
  EXPECT_EQ(Parse(Generation("e9").body)["data"].get_object().value().size(), 31u);
  EXPECT_EQ(Parse(Generation("es").body)["data"].get_object().value().size(), 31u);
  simdjson::dom::object extra = Parse(Generation("ex").body)["data"].get_object().value();
  EXPECT_GT(extra.size(), 45u);
  std::string_view user = extra["external_user"];
  EXPECT_EQ(user.find('\0') != std::string_view::npos, true);
}

TEST_F(FakeKindsTest, NonAsciiStringsThroughOverrides) {
  Script(R"({"u": {"data": {"external_user": "\ud83e\udd80 \u05e9\u05dc\u05d5\u05dd \u0000",
                            "provider_name": "Amazon Bedrock"}}})");
  ClientResponse r = Generation("u");
  EXPECT_NE(r.body.find(R"("external_user":"\ud83e\udd80 \u05e9\u05dc\u05d5\u05dd \u0000")"),
            std::string::npos);
  EXPECT_EQ(std::string_view(Parse(r.body)["data"]["external_user"]),
            std::string_view("\xf0\x9f\xa6\x80 \xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d \0", 15));
}

TEST_F(FakeKindsTest, ErrorKindsHaveOpenRouterStatusesAndMessages) {
  struct Case {
    const char* kind;
    int status;
    const char* message;
  };
  for (const Case& c :
       {Case{"not_found", 404, "Generation not found"},
        Case{"unauthorized", 401, "User not found."},
        Case{"forbidden", 403,
             "You don't have access to this generation (belongs to another user)"},
        Case{"no_credits", 402,
             "Insufficient credits. Add more using https://openrouter.ai/credits"}}) {
    ClientResponse r =
        One(std::string("id-") + c.kind, std::string("{\"kind\":\"") + c.kind + "\"}");
    EXPECT_EQ(r.status, c.status) << c.kind;
    simdjson::dom::element doc = Parse(r.body);
    EXPECT_EQ(doc["error"]["code"].get_int64().value(), c.status) << c.kind;
    EXPECT_EQ(ErrorMessage(doc), c.message) << c.kind;
  }
  EXPECT_EQ(
      ErrorMessage(Parse(One("m", R"({"kind":"not_found","message":"Resource not found"})").body)),
      "Resource not found");
}

TEST_F(FakeKindsTest, RateLimitedVariants) {
  ClientResponse bare = One("r0", R"({"kind": "rate_limited"})");
  EXPECT_EQ(bare.status, 429);
  EXPECT_FALSE(bare.HasHeader("Retry-After"));
  EXPECT_FALSE(bare.HasHeader("X-RateLimit-Reset"));
  EXPECT_EQ(ErrorMessage(Parse(bare.body)), "Rate limit exceeded");

  ClientResponse seconds =
      One("r1", R"({"kind": "rate_limited", "variant": "retry_after_seconds", "seconds": 7})");
  EXPECT_EQ(seconds.Header("Retry-After"), "7");

  ClientResponse date =
      One("r2", R"({"kind": "rate_limited", "variant": "retry_after_date", "seconds": 60})");
  std::string when = date.Header("Retry-After");
  ASSERT_EQ(when.size(), 29u) << when;  // "Sun, 06 Nov 1994 08:49:37 GMT"
  EXPECT_EQ(when.substr(25), " GMT");

  int64_t before = WallClockMs();
  ClientResponse reset =
      One("r3", R"({"kind": "rate_limited", "variant": "reset_ms", "reset_in_ms": 5000})");
  EXPECT_FALSE(reset.HasHeader("Retry-After"));
  EXPECT_EQ(reset.Header("X-RateLimit-Remaining"), "0");
  int64_t reset_ms = std::stoll(reset.Header("X-RateLimit-Reset"));
  EXPECT_GE(reset_ms, before + 5000);
  EXPECT_LT(reset_ms, before + 15000);
  simdjson::dom::element doc = Parse(reset.body);
  EXPECT_EQ(std::string_view(doc["error"]["metadata"]["headers"]["X-RateLimit-Reset"]),
            reset.Header("X-RateLimit-Reset"));
}

TEST_F(FakeKindsTest, ServerErrorFamily) {
  ClientResponse e500 = One("s0", R"({"kind": "server_error"})");
  EXPECT_EQ(e500.status, 500);
  EXPECT_EQ(ErrorMessage(Parse(e500.body)), "Internal Server Error");

  ClientResponse e502 = One("s2", R"({"kind": "server_error", "status": 502})");
  EXPECT_EQ(e502.status, 502);
  simdjson::dom::element doc = Parse(e502.body);
  EXPECT_EQ(ErrorMessage(doc), "Provider returned error");
  std::string raw{std::string_view(doc["error"]["metadata"]["raw"])};
  EXPECT_TRUE(IsValidJson(raw)) << raw;  // JSON inside a string
  EXPECT_TRUE(doc["user_id"].is_string());

  ClientResponse e503 = One("s3", R"({"kind": "server_error", "status": 503, "seconds": 4})");
  EXPECT_EQ(e503.status, 503);
  EXPECT_EQ(e503.Header("Retry-After"), "4");

  ClientResponse e524 = One("s4", R"({"kind": "server_error", "status": 524})");
  EXPECT_EQ(ErrorMessage(Parse(e524.body)), "Request timed out. Please try again later.");
  EXPECT_EQ(One("s5", R"({"kind": "server_error", "status": 529})").status, 529);
}

TEST_F(FakeKindsTest, ErrorKindAllowsOddEnvelopes) {
  ClientResponse r = One("o", R"({"kind": "error", "status": 429, "code": "429",
                                  "message": "slow down", "metadata": null})");
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.body, R"({"error":{"code":"429","message":"slow down","metadata":null}})");
  EXPECT_EQ(One("o2", R"({"kind": "error"})").status, 400);
}

TEST_F(FakeKindsTest, HtmlPages) {
  ClientResponse page = One("h", R"({"kind": "html"})");
  EXPECT_EQ(page.status, 404);
  EXPECT_EQ(page.Header("Content-Type").substr(0, 9), "text/html");
  EXPECT_EQ(page.body.substr(0, 15), "<!DOCTYPE html>");

  ClientResponse cloudflare = One("h5", R"({"kind": "html", "status": 524})");
  EXPECT_EQ(cloudflare.status, 524);
  EXPECT_EQ(cloudflare.Header("Server"), "cloudflare");
  EXPECT_TRUE(cloudflare.HasHeader("CF-RAY"));
  EXPECT_EQ(cloudflare.body.substr(0, 15), "<!DOCTYPE html>");
  EXPECT_NE(cloudflare.body.find("Error code 524"), std::string::npos);
}

TEST_F(FakeKindsTest, WrongShapeVariants) {
  EXPECT_EQ(One("w0", R"({"kind": "wrong_shape"})").body, R"({"data":null})");
  EXPECT_EQ(One("w1", R"({"kind": "wrong_shape", "variant": "empty_object"})").body, "{}");
  ClientResponse error200 = One("w2", R"({"kind": "wrong_shape", "variant": "error_200"})");
  EXPECT_EQ(error200.status, 200);
  EXPECT_TRUE(Parse(error200.body)["error"].is_object());
  ClientResponse empty = One("w3", R"({"kind": "wrong_shape", "variant": "empty_body"})");
  EXPECT_EQ(empty.status, 200);
  EXPECT_EQ(empty.Header("Content-Length"), "0");
  EXPECT_EQ(
      Parse(One("w4", R"({"kind": "wrong_shape", "variant": "data_no_id"})").body)["data"]["id"]
          .error(),
      simdjson::NO_SUCH_FIELD);
  EXPECT_EQ(std::string_view(Parse(
                One("w5", R"({"kind":"wrong_shape","variant":"id_mismatch"})").body)["data"]["id"]),
            "w5-other");
  EXPECT_EQ(One("w6", R"({"kind": "wrong_shape", "variant": "data_array"})").body,
            R"({"data":[]})");
}

TEST_F(FakeKindsTest, GarbageVariants) {
  for (const char* variant : {"malformed", "trailing", "invalid_utf8", "not_json"}) {
    ClientResponse r = One(std::string("x-") + variant,
                           std::string(R"({"kind": "garbage", "variant": ")") + variant + "\"}");
    EXPECT_EQ(r.status, 200) << variant;
    EXPECT_FALSE(IsValidJson(r.body)) << variant;
  }
  // Duplicate keys are valid JSON with two different values for one key.
  ClientResponse dup = One("x-dup", R"({"kind": "garbage", "variant": "duplicate_keys"})");
  EXPECT_TRUE(IsValidJson(dup.body));
  EXPECT_NE(dup.body.find("\"total_cost\":0.999"), std::string::npos);
}

TEST_F(FakeKindsTest, OversizeIsValidJsonOfTheRequestedSize) {
  ClientResponse r = One("big", R"({"kind": "oversize"})");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body.size(), 8u * 1024 * 1024);
  EXPECT_TRUE(IsValidJson(r.body));
  EXPECT_EQ(One("big2", R"({"kind": "oversize", "bytes": 100000})").body.size(), 100000u);
}

TEST_F(FakeKindsTest, TruncatedBodyIsShorterThanContentLength) {
  Script(R"({"t": [{"kind": "truncated", "bytes": 10}]})");
  StatusOr<ClientResponse> r = GetExpectingFault("t");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kCorruption) << r.status().ToString();
  EXPECT_EQ(last_client_->partial_body(), "{\"data\":{\"");
}

TEST_F(FakeKindsTest, CloseMidBodyWithFinAndWithRst) {
  Script(R"({"c1": [{"kind": "close_mid_body", "hold_ms": 50}],
             "c2": [{"kind": "close_mid_body", "hold_ms": 0, "rst": true, "bytes": 5}]})");
  auto start = std::chrono::steady_clock::now();
  StatusOr<ClientResponse> fin = GetExpectingFault("c1");
  ASSERT_FALSE(fin.ok());
  EXPECT_GE(ElapsedMs(start), 40);
  EXPECT_EQ(fin.status().code(), Status::Code::kCorruption);
  EXPECT_FALSE(last_client_->partial_body().empty());
  StatusOr<ClientResponse> rst = GetExpectingFault("c2");
  EXPECT_FALSE(rst.ok());
}

TEST_F(FakeKindsTest, ResetClosesWithRst) {
  Script(R"({"r": [{"kind": "reset"}, {"kind": "ok"}]})");
  StatusOr<ClientResponse> r = GetExpectingFault("r");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("reset"), std::string::npos) << r.status().ToString();
  EXPECT_EQ(Generation("r").status, 200);  // next step
  simdjson::dom::element stats = Parse(Get("/_fake/stats").body);
  EXPECT_EQ(stats["reset"].get_int64().value(), 1);
}

TEST_F(FakeKindsTest, SlowDelaysTheHeadAndTrickleSpreadsTheBody) {
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(One("s", R"({"kind": "slow", "delay_ms": 120})").status, 200);
  EXPECT_GE(ElapsedMs(start), 110);

  Script(R"({"tr": [{"kind": "slow", "trickle": true, "bytes": 300, "interval_ms": 20}]})");
  start = std::chrono::steady_clock::now();
  ClientResponse r = Generation("tr");
  EXPECT_GE(ElapsedMs(start), 60);  // at least four 300-byte pieces, 20 ms apart
  EXPECT_TRUE(IsValidJson(r.body));
}

TEST_F(FakeKindsTest, CustomIsVerbatim) {
  ClientResponse r = One("cu", R"({"kind": "custom", "status": 202, "body": "hello",
                                   "headers": {"Content-Type": "text/plain", "X-A": "1"}})");
  EXPECT_EQ(r.status, 202);
  EXPECT_EQ(r.body, "hello");
  EXPECT_EQ(r.Header("Content-Type"), "text/plain");
  EXPECT_EQ(r.Header("X-A"), "1");
}

TEST_F(FakeKindsTest, ChunkedAndCloseOptions) {
  ClientResponse chunked = One("ch", R"({"kind": "ok", "chunked": true})");
  EXPECT_EQ(chunked.Header("Transfer-Encoding"), "chunked");
  EXPECT_FALSE(chunked.HasHeader("Content-Length"));
  EXPECT_TRUE(IsValidJson(chunked.body));

  Script(R"({"cl": [{"kind": "ok", "close": true}]})");
  StatusOr<ClientResponse> r = GetExpectingFault("cl");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->Header("Connection"), "close");
  EXPECT_TRUE(last_client_->PeerClosed(std::chrono::seconds(2)));
}

TEST_F(FakeKindsTest, StatusAndBodyOverrideAnyKind) {
  ClientResponse r = One("ov", R"({"kind": "not_found", "status": 410, "body": "{}"})");
  EXPECT_EQ(r.status, 410);
  EXPECT_EQ(r.body, "{}");
}

}  // namespace
}  // namespace orauditd::fake
