// ParseGenerationBody: every field of the data object, every JSON number
// form, nulls and missing keys, and the errors that name the key.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <string>

#include "fetcher/lookup.h"
#include "tests/fetcher/generation_bodies.h"

namespace orauditd {
namespace {

using ::testing::HasSubstr;

std::string FullBody() {
  return std::string(test_bodies::kFull2026Prefix) + test_bodies::kFull2026Data +
         test_bodies::kFull2026Suffix;
}

// {"data":{"id":"gen-1", <fields>}}
std::string Body(const std::string& fields) {
  return R"({"data":{"id":"gen-1")" + (fields.empty() ? "" : "," + fields) + "}}";
}

TEST(ParseGenerationBodyTest, ReadsEveryFieldOfTheFullBody) {
  StatusOr<Generation> parsed = ParseGenerationBody(FullBody());
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  const Generation& g = *parsed;
  EXPECT_EQ(g.id, test_bodies::kFullId);
  EXPECT_EQ(g.upstream_id, "chatcmpl-791bcf62-080e-4568-87d0-94c72e3b4946");
  EXPECT_EQ(g.model, "anthropic/claude-4.5-haiku-20251001");
  EXPECT_EQ(g.provider_name, "Amazon Bedrock");
  EXPECT_EQ(g.created_at, "2026-08-29T17:34:43.565Z");
  EXPECT_EQ(g.finish_reason, "tool_calls");
  EXPECT_EQ(g.native_finish_reason, "tool_use");
  EXPECT_EQ(g.api_type, "completions");
  EXPECT_EQ(g.router, "openrouter/auto");
  EXPECT_EQ(g.total_cost, 8.41005e-05);
  EXPECT_EQ(g.usage, 8.41005e-05);
  EXPECT_EQ(g.cache_discount, -0.0000125);
  EXPECT_EQ(g.upstream_inference_cost, 0.0012);
  EXPECT_EQ(g.latency, 442.5);
  EXPECT_EQ(g.moderation_latency, 50.0);
  EXPECT_EQ(g.generation_time, 457.0);
  EXPECT_EQ(g.tokens_prompt, 3000000000LL);
  EXPECT_EQ(g.tokens_completion, 25);
  EXPECT_EQ(g.native_tokens_prompt, 4294967296LL);
  EXPECT_EQ(g.native_tokens_completion, 509);
  EXPECT_EQ(g.native_tokens_completion_images, 0);
  EXPECT_EQ(g.native_tokens_reasoning, 5);
  EXPECT_EQ(g.native_tokens_cached, 3);
  EXPECT_EQ(g.streamed, true);
  EXPECT_EQ(g.cancelled, false);
  EXPECT_EQ(g.is_byok, false);
}

TEST(ParseGenerationBodyTest, KeepsTheDataObjectTextExactly) {
  StatusOr<Generation> parsed = ParseGenerationBody(FullBody());
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->data_json, test_bodies::kFull2026Data);
}

TEST(ParseGenerationBodyTest, KeepsTheDataTextWhenDataIsNotLast) {
  const std::string data = R"({"id":"gen-1","total_cost":1})";
  StatusOr<Generation> parsed =
      ParseGenerationBody("{\"data\" :\t" + data + "  \n , \"user_id\": null}");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->data_json, data);
}

// The usual body, data alone, read without a second parse: the text between
// the colon and the root's brace, whitespace trimmed, braces inside kept.
TEST(ParseGenerationBodyTest, KeepsTheDataTextWhenDataIsAlone) {
  const std::string data = R"({"id":"gen-1","x_new":{"y":"}"}, "x" : [ {} ] })";
  for (const std::string& body :
       {"{\"data\":" + data + "}", " \r\n{ \"data\"\t: " + data + " \n}\n ",
        "{\"data\"\n:\n" + data + "\n}"}) {
    StatusOr<Generation> parsed = ParseGenerationBody(body);
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    EXPECT_EQ(parsed->data_json, data) << body;
  }
}

// A key written with escapes is still "data", alone or beside others.
TEST(ParseGenerationBodyTest, KeepsTheDataTextWhenItsKeyIsEscaped) {
  const std::string data = R"({"id":"gen-1","total_cost":1})";
  for (const char* key : {R"("d\u0061ta")", R"("\u0064\u0061\u0074\u0061")"}) {
    for (const char* after : {" }", ", \"user_id\": null}"}) {
      StatusOr<Generation> parsed =
          ParseGenerationBody(std::string("{") + key + ": " + data + after);
      ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
      EXPECT_EQ(parsed->data_json, data) << key << after;
    }
  }
}

TEST(ParseGenerationBodyTest, LegacyBodyLeavesAbsentKeysEmpty) {
  StatusOr<Generation> parsed = ParseGenerationBody(test_bodies::kLegacy2025);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  const Generation& g = *parsed;
  ASSERT_TRUE(g.total_cost.has_value());
  EXPECT_EQ(*g.total_cost, 0.0);
  EXPECT_EQ(g.usage, 0.0);
  EXPECT_EQ(g.upstream_id, std::nullopt);
  EXPECT_EQ(g.cache_discount, std::nullopt);
  EXPECT_EQ(g.moderation_latency, std::nullopt);
  EXPECT_EQ(g.upstream_inference_cost, std::nullopt);
  EXPECT_EQ(g.native_tokens_cached, std::nullopt);
  EXPECT_EQ(g.native_tokens_completion_images, std::nullopt);
  EXPECT_EQ(g.api_type, std::nullopt);
  EXPECT_EQ(g.router, std::nullopt);
  EXPECT_EQ(g.latency, 3134.0);
  EXPECT_EQ(g.generation_time, 1.0);
  EXPECT_EQ(g.tokens_prompt, 10);
  EXPECT_EQ(g.native_tokens_prompt, 4);
  EXPECT_EQ(g.tokens_completion, 30);
  EXPECT_EQ(g.native_tokens_completion, 521);
  EXPECT_EQ(g.native_finish_reason, "STOP");
}

TEST(ParseGenerationBodyTest, NullsStayEmpty) {
  StatusOr<Generation> parsed = ParseGenerationBody(Body(
      R"("total_cost":null,"upstream_id":null,"model":null,"provider_name":null,"latency":null,)"
      R"("tokens_prompt":null,"streamed":null,"is_byok":null,"api_type":null)"));
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->id, "gen-1");
  EXPECT_FALSE(parsed->total_cost.has_value());
  EXPECT_FALSE(parsed->model.has_value());
  EXPECT_FALSE(parsed->provider_name.has_value());
  EXPECT_FALSE(parsed->latency.has_value());
  EXPECT_FALSE(parsed->tokens_prompt.has_value());
  EXPECT_FALSE(parsed->streamed.has_value());
  EXPECT_FALSE(parsed->is_byok.has_value());
}

TEST(ParseGenerationBodyTest, ReadsNumbersInEveryJsonForm) {
  struct Case {
    const char* json;
    double expected;
  };
  const Case cases[] = {
      {"0", 0.0},
      {"19", 19.0},
      {"1.0", 1.0},
      {"8.41005e-05", 8.41005e-05},
      {"3.4E-05", 3.4e-05},
      {"0.0000963", 0.0000963},
      {"775.944651377", 775.944651377},
      {"1e2", 100.0},
      {"0.000012345678901234", 0.000012345678901234},
  };
  for (const Case& c : cases) {
    StatusOr<Generation> parsed =
        ParseGenerationBody(Body(std::string("\"total_cost\":") + c.json));
    ASSERT_TRUE(parsed.ok()) << c.json << ": " << parsed.status().ToString();
    EXPECT_EQ(*parsed->total_cost, c.expected) << c.json;
  }
}

TEST(ParseGenerationBodyTest, KeepsTheSignOfNegativeZero) {
  StatusOr<Generation> parsed = ParseGenerationBody(Body(R"("cache_discount":-0.0)"));
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(*parsed->cache_discount, 0.0);
  EXPECT_TRUE(std::signbit(*parsed->cache_discount));
}

TEST(ParseGenerationBodyTest, AcceptsWholeNumberDoublesAsCounts) {
  StatusOr<Generation> parsed =
      ParseGenerationBody(Body(R"("tokens_prompt":10.0,"native_tokens_prompt":1e3)"));
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->tokens_prompt, 10);
  EXPECT_EQ(parsed->native_tokens_prompt, 1000);
}

TEST(ParseGenerationBodyTest, ReadsCountsAboveTwoToThe31) {
  StatusOr<Generation> parsed = ParseGenerationBody(
      Body(R"("native_tokens_completion":9007199254740993,"tokens_completion":2147483648)"));
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->native_tokens_completion, 9007199254740993LL);
  EXPECT_EQ(parsed->tokens_completion, 2147483648LL);
}

TEST(ParseGenerationBodyTest, RefusesCountsThatAreNotWholeNumbers) {
  const char* cases[][2] = {
      {R"("tokens_prompt":1.5)", "data.tokens_prompt: expected a non-negative integer, got 1.5"},
      {R"("tokens_prompt":-3)", "data.tokens_prompt: expected a non-negative integer, got -3"},
      {R"("native_tokens_cached":"12")",
       "data.native_tokens_cached: expected a non-negative integer, got string"},
      {R"("tokens_completion":18446744073709551615)",
       "data.tokens_completion: expected a non-negative integer, got 18446744073709551615 (out "
       "of range)"},
  };
  for (const auto& c : cases) {
    StatusOr<Generation> parsed = ParseGenerationBody(Body(c[0]));
    ASSERT_FALSE(parsed.ok()) << c[0];
    EXPECT_EQ(parsed.status().message(), c[1]);
    EXPECT_EQ(parsed.status().code(), Status::Code::kInvalidArgument);
  }
}

TEST(ParseGenerationBodyTest, AWrongTypeNamesTheKey) {
  const char* cases[][2] = {
      {R"("total_cost":"0.0015")", "data.total_cost: expected a number, got string"},
      {R"("latency":"fast")", "data.latency: expected a number, got string"},
      {R"("model":42)", "data.model: expected a string, got number"},
      {R"("streamed":"yes")", "data.streamed: expected a boolean, got string"},
      {R"("is_byok":0)", "data.is_byok: expected a boolean, got number"},
      {R"("usage":{"cost":1})", "data.usage: expected a number, got object"},
      {R"("provider_name":["a"])", "data.provider_name: expected a string, got array"},
  };
  for (const auto& c : cases) {
    StatusOr<Generation> parsed = ParseGenerationBody(Body(c[0]));
    ASSERT_FALSE(parsed.ok()) << c[0];
    EXPECT_EQ(parsed.status().message(), c[1]);
  }
}

TEST(ParseGenerationBodyTest, IgnoresUnknownKeysAndNewEnumValues) {
  StatusOr<Generation> parsed = ParseGenerationBody(
      Body(R"("total_cost":1,"brand_new":{"nested":[1,2,{"x":null}]},"api_type":"hologram",)"
           R"("future_flag":true)"));
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->api_type, "hologram");
}

TEST(ParseGenerationBodyTest, DecodesEscapedStrings) {
  StatusOr<Generation> parsed =
      ParseGenerationBody(Body(R"("provider_name":"A\u00e9\ud83d\ude00\"q\"","model":"x\u0000y")"));
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->provider_name, "A\xC3\xA9\xF0\x9F\x98\x80\"q\"");
  EXPECT_EQ(parsed->model, std::string("x\0y", 3));
}

TEST(ParseGenerationBodyTest, RefusesBodiesWithoutAGeneration) {
  const char* cases[][2] = {
      {"", "body: empty"},
      {"[]", "body: expected an object, got array"},
      {"{}", "data: missing"},
      {R"({"data":null})", "data: expected an object, got null"},
      {R"({"data":[1]})", "data: expected an object, got array"},
  };
  for (const auto& c : cases) {
    StatusOr<Generation> parsed = ParseGenerationBody(c[0]);
    ASSERT_FALSE(parsed.ok()) << c[0];
    EXPECT_EQ(parsed.status().message(), c[1]);
  }
}

TEST(ParseGenerationBodyTest, RefusesWhatIsNotJson) {
  const std::string cases[] = {
      R"({"data":{"id":"gen-1","total_cost":0.1)",  // truncated
      R"({"data":{"id":"gen-1"}}x)",                // trailing garbage
      "{\"data\":{\"id\":\"gen-\xC3\x28\"}}",       // invalid UTF-8
      "<!DOCTYPE html><html></html>",
  };
  for (const std::string& body : cases) {
    StatusOr<Generation> parsed = ParseGenerationBody(body);
    ASSERT_FALSE(parsed.ok()) << body;
    EXPECT_THAT(parsed.status().message(), HasSubstr("body: not JSON: ")) << body;
  }
}

TEST(ParseGenerationBodyTest, ADuplicateKeyTakesTheFirstValue) {
  StatusOr<Generation> parsed =
      ParseGenerationBody(R"({"data":{"id":"gen-1","total_cost":1,"total_cost":2}})");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->total_cost, 1.0);
}

}  // namespace
}  // namespace orauditd
