// The /_fake/ control endpoints: scripting, step sequencing, the request
// log, stats and reset; and --script at start.
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "tests/fake_openrouter/fake_test_fixture.h"

namespace orauditd::fake {
namespace {

class FakeControlTest : public FakeServerFixture {
 protected:
  std::vector<int> Statuses(const std::string& id, int count) {
    std::vector<int> statuses;
    for (int i = 0; i < count; ++i) statuses.push_back(Generation(id).status);
    return statuses;
  }
};

TEST_F(FakeControlTest, StepsRunInOrderAndTheLastRepeats) {
  StartFake();
  Script(R"({"gen-seq": {"steps": [{"kind": "not_found", "times": 2}, {"kind": "ok"}]}})");
  EXPECT_EQ(Statuses("gen-seq", 4), (std::vector<int>{404, 404, 200, 200}));
}

TEST_F(FakeControlTest, MixedSequenceOfFailuresThenSuccess) {
  StartFake();
  Script(R"({"g": [{"kind": "rate_limited"}, {"kind": "server_error", "status": 502},
                   {"kind": "cost_null"}, {"kind": "ok"}]})");
  EXPECT_EQ(Statuses("g", 5), (std::vector<int>{429, 502, 200, 200, 200}));
}

TEST_F(FakeControlTest, ReplacingAnIdStartsItsStepsAgain) {
  StartFake();
  Script(R"({"g": [{"kind": "not_found"}, {"kind": "ok"}]})");
  EXPECT_EQ(Statuses("g", 2), (std::vector<int>{404, 200}));
  Script(R"({"g": [{"kind": "not_found"}, {"kind": "ok"}], "other": [{"kind": "ok"}]})");
  EXPECT_EQ(Statuses("g", 2), (std::vector<int>{404, 200}));
}

TEST_F(FakeControlTest, ScriptEndpointAnswersOkWithTheIdCount) {
  StartFake();
  ClientResponse r = Post("/_fake/script", R"({"a": [{"kind": "ok"}], "b": {}})");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"ok":true,"ids":2})");
}

TEST_F(FakeControlTest, BadScriptIsRefusedAndChangesNothing) {
  StartFake();
  Script(R"({"g": [{"kind": "not_found"}]})");
  ClientResponse r = Post("/_fake/script", R"({"g": [{"kind": "ok"}], "h": [{"kind": "nope"}]})");
  EXPECT_EQ(r.status, 400);
  simdjson::dom::element doc = Parse(r.body);
  EXPECT_FALSE(bool(doc["ok"]));
  EXPECT_NE(std::string_view(doc["error"]).find("nope"), std::string_view::npos);
  EXPECT_EQ(Generation("g").status, 404);
}

TEST_F(FakeControlTest, RequestLogRecordsEachRequestInOrder) {
  StartFake();
  Script(R"({"gen-log": [{"kind": "not_found"}, {"kind": "ok"}]})");
  Generation("gen-log");
  Generation("gen-log", {{"Authorization", "Bearer sk-or-v1-abc"}, {"User-Agent", "orauditd/0.1"}});
  Generation("gen-other");

  simdjson::dom::element log = Parse(Get("/_fake/requests?id=gen-log").body);
  simdjson::dom::array entries = log.get_array().value();
  ASSERT_EQ(entries.size(), 2u);
  simdjson::dom::element first = entries.at(0).value();
  simdjson::dom::element second = entries.at(1).value();
  EXPECT_EQ(std::string_view(first["path"]), "/api/v1/generation?id=gen-log");
  EXPECT_EQ(std::string_view(first["id"]), "gen-log");
  EXPECT_EQ(first["authorization"].error(), simdjson::NO_SUCH_FIELD);  // absent header
  EXPECT_EQ(int64_t(first["status"]), 404);
  EXPECT_EQ(int64_t(first["step"]), 0);
  EXPECT_EQ(std::string_view(second["authorization"]), "Bearer sk-or-v1-abc");
  EXPECT_EQ(std::string_view(second["user_agent"]), "orauditd/0.1");
  EXPECT_EQ(int64_t(second["status"]), 200);
  int64_t t0 = first["t_ms"];
  int64_t t1 = second["t_ms"];
  EXPECT_LE(t0, t1);
  EXPECT_GT(t0, 1700000000000);  // Unix milliseconds

  EXPECT_EQ(Parse(Get("/_fake/requests").body).get_array().value().size(), 3u);
  EXPECT_EQ(Get("/_fake/requests?id=never").body, "[]");
}

TEST_F(FakeControlTest, RequestLogDecodesTheIdFilter) {
  StartFake();
  Generation("a%2Fb");
  EXPECT_EQ(Parse(Get("/_fake/requests?id=a%2Fb").body).get_array().value().size(), 1u);
}

TEST_F(FakeControlTest, StatsCountAnswersByStatus) {
  StartFake({"--key", "k"});
  Script(R"({"g": [{"kind": "not_found", "times": 2}, {"kind": "ok"}]})");
  Statuses("g", 3);  // 401 three times: no key
  for (int i = 0; i < 3; ++i) Generation("g", {{"Authorization", "Bearer k"}});
  Get("/nowhere");
  simdjson::dom::element stats = Parse(Get("/_fake/stats").body);
  EXPECT_EQ(int64_t(stats["requests"]), 7);
  EXPECT_EQ(int64_t(stats["by_status"]["401"]), 3);
  EXPECT_EQ(int64_t(stats["by_status"]["404"]), 3);
  EXPECT_EQ(int64_t(stats["by_status"]["200"]), 1);
}

TEST_F(FakeControlTest, ResetForgetsScriptsLogAndStats) {
  StartFake();
  Script(R"({"g": [{"kind": "not_found"}]})");
  Generation("g");
  ClientResponse r = Post("/_fake/reset", "");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"ok":true})");
  EXPECT_EQ(Get("/_fake/requests").body, "[]");
  EXPECT_EQ(int64_t(Parse(Get("/_fake/stats").body)["requests"]), 0);
  EXPECT_EQ(Generation("g").status, 200);  // back to the default
}

TEST_F(FakeControlTest, RequestLogIsBounded) {
  StartFake({"--log-limit", "5"});
  for (int i = 0; i < 8; ++i) Generation("n" + std::to_string(i));
  simdjson::dom::array log = Parse(Get("/_fake/requests").body).get_array().value();
  ASSERT_EQ(log.size(), 5u);
  EXPECT_EQ(std::string_view(log.at(0).value()["id"]), "n3");  // the oldest were dropped
  simdjson::dom::element stats = Parse(Get("/_fake/stats").body);
  EXPECT_EQ(int64_t(stats["requests"]), 8);
  EXPECT_EQ(int64_t(stats["log_dropped"]), 3);
}

TEST_F(FakeControlTest, UnknownEndpointsAndMethods) {
  StartFake();
  EXPECT_EQ(Get("/_fake/nothing").status, 404);
  EXPECT_EQ(Get("/_fake/script").status, 405);
  EXPECT_EQ(Post("/_fake/stats", "").status, 405);
  // Control requests are not API requests: they are neither counted nor logged.
  EXPECT_EQ(int64_t(Parse(Get("/_fake/stats").body)["requests"]), 0);
}

TEST_F(FakeControlTest, LargeScriptPostGetsContinue) {
  StartFake();
  std::string script =
      R"({"big": {"data": {"external_user": ")" + std::string(100000, 'u') + R"("}}})";
  StatusOr<BlockingHttpClient> client = BlockingHttpClient::Connect(fake_.port());
  ASSERT_TRUE(client.ok());
  ASSERT_TRUE(client
                  ->SendRaw("POST /_fake/script HTTP/1.1\r\nExpect: 100-continue\r\n"
                            "Content-Length: " +
                            std::to_string(script.size()) + "\r\n\r\n")
                  .ok());
  StatusOr<ClientResponse> interim = client->ReadResponse();
  ASSERT_TRUE(interim.ok()) << interim.status().ToString();
  EXPECT_EQ(interim->status, 100);
  ASSERT_TRUE(client->SendRaw(script).ok());
  StatusOr<ClientResponse> done = client->ReadResponse();
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(done->status, 200);
  EXPECT_EQ(Parse(Generation("big").body)["data"]["external_user"].get_string().value().size(),
            100000u);
}

TEST_F(FakeControlTest, ScriptFileLoadsAtStart) {
  std::string path = ::testing::TempDir() + "fake_control_script.json";
  {
    std::ofstream out(path);
    out << R"({"from-file": {"steps": [{"kind": "forbidden"}]}})";
  }
  StartFake({"--script", path});
  EXPECT_EQ(Generation("from-file").status, 403);
}

}  // namespace
}  // namespace orauditd::fake
