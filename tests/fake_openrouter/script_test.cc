#include "tests/fake_openrouter/script.h"

#include <gtest/gtest.h>

namespace orauditd::fake {
namespace {

TEST(ScriptTest, ParsesStepsDataAndEra) {
  StatusOr<Script> script = ParseScript(R"({
    "gen-1": {"steps": [{"kind": "not_found", "times": 2},
                        {"kind": "ok", "cost": 3.4e-05, "delay_ms": 5,
                         "headers": {"X-A": "b"}, "data": {"n": 1.0}}],
              "data": {"model": "x/y", "cache_discount": -0.0},
              "remove": ["router"], "era": "2025-01"}})");
  ASSERT_TRUE(script.ok()) << script.status().ToString();
  ASSERT_EQ(script->size(), 1u);
  const auto& [id, s] = script->front();
  EXPECT_EQ(id, "gen-1");
  EXPECT_EQ(s.era, Era::k2025_01);
  ASSERT_EQ(s.steps.size(), 2u);
  EXPECT_EQ(s.steps[0].kind, StepKind::kNotFound);
  EXPECT_EQ(s.steps[0].times, 2);
  EXPECT_EQ(*s.steps[1].cost, "3.4e-05");  // the number's text as written
  EXPECT_EQ(s.steps[1].delay_ms, 5u);
  EXPECT_EQ(s.steps[1].headers.at(0).second, "b");
  EXPECT_EQ(s.steps[1].data.at(0).json, "1.0");
  EXPECT_EQ(s.data.at(0).json, "\"x/y\"");
  EXPECT_EQ(s.data.at(1).json, "-0.0");
  EXPECT_EQ(s.remove.at(0), "router");
}

TEST(ScriptTest, StepForWalksTimesAndRepeatsTheLast) {
  StatusOr<Script> script = ParseScript(
      R"({"g": [{"kind": "not_found", "times": 2}, {"kind": "reset"}, {"kind": "ok"}]})");
  ASSERT_TRUE(script.ok()) << script.status().ToString();
  const IdScript& s = script->front().second;
  EXPECT_EQ(s.StepFor(0).kind, StepKind::kNotFound);
  EXPECT_EQ(s.StepFor(1).kind, StepKind::kNotFound);
  EXPECT_EQ(s.StepFor(2).kind, StepKind::kReset);
  EXPECT_EQ(s.StepFor(3).kind, StepKind::kOk);
  EXPECT_EQ(s.StepFor(1000).kind, StepKind::kOk);
}

TEST(ScriptTest, AnIdWithoutStepsAnswersOk) {
  StatusOr<Script> script = ParseScript(R"({"g": {"data": {"is_byok": true}}})");
  ASSERT_TRUE(script.ok());
  EXPECT_EQ(script->front().second.StepFor(0).kind, StepKind::kOk);
}

TEST(ScriptTest, DefaultsTheVariant) {
  StatusOr<Script> script = ParseScript(
      R"({"a": [{"kind": "rate_limited"}], "b": [{"kind": "garbage"}],
          "c": [{"kind": "wrong_shape", "variant": "empty_body"}]})");
  ASSERT_TRUE(script.ok());
  EXPECT_EQ((*script)[0].second.steps[0].variant, "bare");
  EXPECT_EQ((*script)[1].second.steps[0].variant, "malformed");
  EXPECT_EQ((*script)[2].second.steps[0].variant, "empty_body");
}

struct BadScript {
  const char* json;
  const char* fragment;  // expected in the error message
};

class ScriptErrorTest : public ::testing::TestWithParam<BadScript> {};

TEST_P(ScriptErrorTest, NamesTheProblem) {
  StatusOr<Script> script = ParseScript(GetParam().json);
  ASSERT_FALSE(script.ok());
  EXPECT_NE(script.status().message().find(GetParam().fragment), std::string::npos)
      << script.status().message();
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ScriptErrorTest,
    ::testing::Values(
        BadScript{R"({"g": [{"kind": "teapot"}]})", "unknown kind \"teapot\""},
        BadScript{R"({"g": [{"kind": "ok", "dealy_ms": 5}]})", "g.steps[0].dealy_ms"},
        BadScript{R"({"g": [{"times": 2}]})", "needs \"kind\""},
        BadScript{R"({"g": [{"kind": "ok", "times": 0}]})", "times"},
        BadScript{R"({"g": [{"kind": "rate_limited", "variant": "x"}]})", "retry_after_date"},
        BadScript{R"({"g": [{"kind": "ok", "variant": "x"}]})", "for kind ok"},
        BadScript{R"({"g": []})", "no steps"}, BadScript{R"({"g": {"era": "1999"}})", "2026-08"},
        BadScript{R"({"g": {"stpes": []}})", "unknown option"},
        BadScript{R"({"g": [{"kind": "ok", "cost": "1"}]})", "a number"},
        BadScript{R"({"g": [{"kind": "ok", "headers": {"A": "b\r\nc"}}]})", "CR, LF"},
        BadScript{R"({"g": [{"kind": "ok", "data": {"x": }}]})", "script"},
        BadScript{R"([1, 2])", "a JSON object"}, BadScript{R"({"": []})", "empty generation id"}));

TEST(ScriptTest, KindNamesRoundTrip) {
  for (const char* name :
       {"ok",           "not_found", "cost_null",   "cost_absent",    "cost_string",
        "unauthorized", "forbidden", "no_credits",  "rate_limited",   "server_error",
        "error",        "html",      "wrong_shape", "truncated",      "garbage",
        "oversize",     "slow",      "reset",       "close_mid_body", "custom"}) {
    std::optional<StepKind> kind = StepKindFromName(name);
    ASSERT_TRUE(kind.has_value()) << name;
    EXPECT_STREQ(StepKindName(*kind), name);
  }
}

}  // namespace
}  // namespace orauditd::fake
