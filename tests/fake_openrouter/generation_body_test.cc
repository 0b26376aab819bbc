#include "tests/fake_openrouter/generation_body.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <set>
#include <string>

namespace orauditd::fake {
namespace {

// openrouter.md section 1.2, the Aug 2026 field table.
const std::set<std::string> kFullSet = {"id",
                                        "upstream_id",
                                        "total_cost",
                                        "usage",
                                        "cache_discount",
                                        "upstream_inference_cost",
                                        "created_at",
                                        "model",
                                        "app_id",
                                        "streamed",
                                        "cancelled",
                                        "provider_name",
                                        "latency",
                                        "moderation_latency",
                                        "generation_time",
                                        "finish_reason",
                                        "native_finish_reason",
                                        "tokens_prompt",
                                        "tokens_completion",
                                        "native_tokens_prompt",
                                        "native_tokens_completion",
                                        "native_tokens_completion_images",
                                        "native_tokens_reasoning",
                                        "native_tokens_cached",
                                        "num_media_prompt",
                                        "num_input_audio_prompt",
                                        "num_media_completion",
                                        "num_search_results",
                                        "num_fetches",
                                        "origin",
                                        "is_byok",
                                        "external_user",
                                        "api_type",
                                        "router",
                                        "provider_responses",
                                        "user_agent",
                                        "http_referer",
                                        "request_id",
                                        "session_id",
                                        "response_cache_source_id",
                                        "web_search_engine",
                                        "service_tier",
                                        "preset_id",
                                        "data_region",
                                        "workspace_id"};

std::set<std::string> Keys(const DataFields& fields) {
  std::set<std::string> keys;
  for (const DataField& f : fields) keys.emplace(f.key);
  return keys;
}

TEST(GenerationBodyTest, FullEraHasEveryFieldOfTheSpec) {
  DataFields fields = DefaultDataFields("gen-1", 0, Era::k2026_08);
  EXPECT_EQ(fields.size(), 45u);
  EXPECT_EQ(Keys(fields), kFullSet);
}

TEST(GenerationBodyTest, OlderErasDropLaterFields) {
  std::set<std::string> first_spec = Keys(DefaultDataFields("g", 0, Era::k2025_09));
  std::set<std::string> legacy = Keys(DefaultDataFields("g", 0, Era::k2025_01));
  EXPECT_EQ(first_spec.size(), 31u);  // "First spec: 31 fields"
  EXPECT_EQ(legacy.size(), 26u);
  EXPECT_FALSE(first_spec.count("router"));
  EXPECT_TRUE(first_spec.count("upstream_inference_cost"));
  for (const char* key : {"upstream_inference_cost", "native_tokens_cached",
                          "native_tokens_completion_images", "external_user", "api_type"}) {
    EXPECT_FALSE(legacy.count(key)) << key;
  }
}

TEST(GenerationBodyTest, ExtraEraAddsUnknownKeysAndStressStrings) {
  DataFields fields = DefaultDataFields("g", 0, Era::kExtra);
  EXPECT_GT(fields.size(), 45u);
  EXPECT_NE(FindField(fields, "x_fake_unknown_object"), nullptr);
  const DataField* user = FindField(fields, "external_user");
  ASSERT_NE(user, nullptr);
  EXPECT_NE(user->json.find("\\u0000"), std::string::npos);
}

TEST(GenerationBodyTest, ValuesAreDeterministicPerIdAndSeed) {
  EXPECT_EQ(SerializeEnvelope(DefaultDataFields("gen-a", 7, Era::k2026_08)),
            SerializeEnvelope(DefaultDataFields("gen-a", 7, Era::k2026_08)));
  EXPECT_NE(SerializeEnvelope(DefaultDataFields("gen-a", 7, Era::k2026_08)),
            SerializeEnvelope(DefaultDataFields("gen-b", 7, Era::k2026_08)));
  EXPECT_NE(DefaultTotalCost("gen-a", 7), DefaultTotalCost("gen-a", 8));
  EXPECT_GT(DefaultTotalCost("gen-a", 0), 0.0);
}

TEST(GenerationBodyTest, BodyIsValidJsonWithTheIdAndCost) {
  std::string id = "gen-1737842317-9ifH6Yzo5icEdfD0I8SI";
  std::string body = SerializeEnvelope(DefaultDataFields(id, 0, Era::kExtra));
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(body).get(doc), simdjson::SUCCESS) << body;
  std::string_view got_id;
  ASSERT_EQ(doc["data"]["id"].get(got_id), simdjson::SUCCESS);
  EXPECT_EQ(got_id, id);
  double cost = 0;
  ASSERT_EQ(doc["data"]["total_cost"].get(cost), simdjson::SUCCESS);
  EXPECT_EQ(cost, DefaultTotalCost(id, 0));
  std::string_view created;
  ASSERT_EQ(doc["data"]["created_at"].get(created), simdjson::SUCCESS);
  EXPECT_EQ(created.substr(0, 19), "2025-01-25T21:58:37");  // from the id's timestamp
  EXPECT_EQ(created.substr(26), "+00:00");
}

TEST(GenerationBodyTest, OverridesReplaceAppendAndRemove) {
  DataFields fields = DefaultDataFields("g", 0, Era::k2026_08);
  // Keys of appended fields point into the overrides, which must outlive them.
  std::vector<RawField> overrides = {{"model", "\"a/b\""}, {"new_key", "[1]"}};
  ApplyOverrides(overrides, &fields);
  RemoveField("router", &fields);
  EXPECT_EQ(FindField(fields, "model")->json, "\"a/b\"");
  EXPECT_EQ(fields.back().key, "new_key");
  EXPECT_EQ(FindField(fields, "router"), nullptr);
  EXPECT_EQ(SerializeDataObject({{"a", "1"}, {"b", "null"}}), R"({"a":1,"b":null})");
}

}  // namespace
}  // namespace orauditd::fake
