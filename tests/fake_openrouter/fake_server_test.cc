// The fake's HTTP behaviour outside scripts: default answers, auth, id
// handling, keep-alive, pipelining, latency and the process contract.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <string>

#include "tests/fake_openrouter/fake_test_fixture.h"
#include "tests/support/subprocess.h"

namespace orauditd::fake {
namespace {

class FakeServerTest : public FakeServerFixture {};

TEST_F(FakeServerTest, DefaultOkServesTheFullFieldSet) {
  StartFake();
  ClientResponse r = Generation("gen-1737842317-9ifH6Yzo5icEdfD0I8SI");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("Content-Type"), "application/json");
  simdjson::dom::element doc = Parse(r.body);
  simdjson::dom::object data;
  ASSERT_EQ(doc["data"].get(data), simdjson::SUCCESS);
  EXPECT_EQ(data.size(), 45u);
  EXPECT_EQ(std::string_view(data["id"]), "gen-1737842317-9ifH6Yzo5icEdfD0I8SI");
  EXPECT_EQ(std::string_view(data["model"]), "openai/gpt-4o-mini-2024-07-18");
  EXPECT_EQ(std::string_view(data["provider_name"]), "OpenAI");
  EXPECT_GT(double(data["total_cost"]), 0.0);
  // The same id gets the same body every time.
  EXPECT_EQ(Generation("gen-1737842317-9ifH6Yzo5icEdfD0I8SI").body, r.body);
}

TEST_F(FakeServerTest, DefaultNotFoundAnswers404Json) {
  StartFake({"--default", "404"});
  ClientResponse r = Generation("gen-x");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, R"({"error":{"code":404,"message":"Generation not found"}})");
}

TEST_F(FakeServerTest, MissingEmptyOrBadIdIs400) {
  StartFake();
  for (const char* target :
       {"/api/v1/generation", "/api/v1/generation?id=", "/api/v1/generation?x=1",
        "/api/v1/generation?id=%zz", "/api/v1/generation?id=gen%252F1"}) {
    ClientResponse r = Get(target);
    EXPECT_EQ(r.status, 400) << target;
    EXPECT_EQ(Parse(r.body)["error"]["code"].get_int64().value(), 400) << target;
  }
}

TEST_F(FakeServerTest, PercentDecodesTheId) {
  StartFake();
  Script(R"({"gen/1 \u00fc+x": {"data": {"model": "decoded/ok"}}})");
  ClientResponse r = Generation("gen%2F1%20%C3%BC+x");
  ASSERT_EQ(r.status, 200);
  simdjson::dom::element doc = Parse(r.body);
  EXPECT_EQ(std::string_view(doc["data"]["model"]), "decoded/ok");
  EXPECT_EQ(std::string_view(doc["data"]["id"]), "gen/1 \xc3\xbc+x");
}

TEST_F(FakeServerTest, UnknownPathAnswersTheHtml404Page) {
  StartFake({"--key", "k"});
  ClientResponse r = Get("/api/v2/generation?id=gen-1");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.Header("Content-Type").substr(0, 9), "text/html");
  EXPECT_EQ(r.body.substr(0, 15), "<!DOCTYPE html>");
}

TEST_F(FakeServerTest, OtherMethodsAre405) {
  StartFake();
  ClientResponse r = Post("/api/v1/generation?id=gen-1", "{}");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.Header("Allow"), "GET");
}

TEST_F(FakeServerTest, AuthFailuresCarryOpenRoutersMessages) {
  StartFake({"--key", "sk-or-v1-one", "--key", "sk-or-v1-two"});
  ClientResponse missing = Generation("gen-1");
  EXPECT_EQ(missing.status, 401);
  EXPECT_EQ(missing.body, R"({"error":{"code":401,"message":"No auth credentials found"}})");

  ClientResponse basic = Generation("gen-1", {{"Authorization", "Basic dXNlcjpwdw=="}});
  EXPECT_EQ(basic.status, 401);
  EXPECT_EQ(ErrorMessage(Parse(basic.body)), "Missing Authentication header");

  ClientResponse unknown = Generation("gen-1", {{"Authorization", "Bearer sk-or-v1-nope"}});
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(ErrorMessage(Parse(unknown.body)), "User not found.");

  EXPECT_EQ(Generation("gen-1", {{"Authorization", "Bearer sk-or-v1-two"}}).status, 200);
  EXPECT_EQ(Generation("gen-1", {{"Authorization", "bearer sk-or-v1-one"}}).status, 200);
  EXPECT_EQ(Get("/_fake/stats").status, 200);  // control endpoints need no key
}

TEST_F(FakeServerTest, WithoutKeysAnyAuthorizationIsAccepted) {
  StartFake();
  EXPECT_EQ(Generation("gen-1").status, 200);
  EXPECT_EQ(Generation("gen-1", {{"Authorization", "Basic x"}}).status, 200);
}

TEST_F(FakeServerTest, KeepAliveServesManyRequestsOnOneConnection) {
  StartFake();
  StatusOr<BlockingHttpClient> client = BlockingHttpClient::Connect(fake_.port());
  ASSERT_TRUE(client.ok());
  for (int i = 0; i < 200; ++i) {
    StatusOr<ClientResponse> r =
        client->Request("GET", "/api/v1/generation?id=gen-" + std::to_string(i));
    ASSERT_TRUE(r.ok()) << i << ": " << r.status().ToString();
    ASSERT_EQ(r->status, 200);
    EXPECT_EQ(r->Header("Connection"), "keep-alive");
  }
  simdjson::dom::element stats = Parse(Get("/_fake/stats").body);
  EXPECT_EQ(stats["requests"].get_int64().value(), 200);
}

TEST_F(FakeServerTest, PipelinedRequestsAreAnsweredInOrderEvenIfTheFirstIsSlow) {
  StartFake();
  Script(R"({"slow-1": [{"kind": "ok", "delay_ms": 200}], "gone-2": [{"kind": "not_found"}]})");
  StatusOr<BlockingHttpClient> client = BlockingHttpClient::Connect(fake_.port());
  ASSERT_TRUE(client.ok());
  std::string requests;
  for (const char* id : {"slow-1", "gone-2", "fast-3"}) {
    requests += std::string("GET /api/v1/generation?id=") + id + " HTTP/1.1\r\nHost: x\r\n\r\n";
  }
  ASSERT_TRUE(client->SendRaw(requests).ok());
  auto start = std::chrono::steady_clock::now();
  StatusOr<ClientResponse> first = client->ReadResponse();
  EXPECT_GE(ElapsedMs(start), 150);
  StatusOr<ClientResponse> second = client->ReadResponse();
  StatusOr<ClientResponse> third = client->ReadResponse();
  ASSERT_TRUE(first.ok() && second.ok() && third.ok());
  EXPECT_EQ(std::string_view(Parse(first->body)["data"]["id"]), "slow-1");
  EXPECT_EQ(second->status, 404);
  EXPECT_EQ(std::string_view(Parse(third->body)["data"]["id"]), "fast-3");
}

TEST_F(FakeServerTest, ManyPipelinedRequestsInOneWrite) {
  StartFake();
  StatusOr<BlockingHttpClient> client = BlockingHttpClient::Connect(fake_.port());
  ASSERT_TRUE(client.ok());
  constexpr int kCount = 2000;  // more than a connection queues at once
  std::string requests;
  for (int i = 0; i < kCount; ++i) {
    requests += "GET /api/v1/generation?id=p" + std::to_string(i) + " HTTP/1.1\r\n\r\n";
  }
  ASSERT_TRUE(client->SendRaw(requests).ok());
  for (int i = 0; i < kCount; ++i) {
    StatusOr<ClientResponse> r = client->ReadResponse();
    ASSERT_TRUE(r.ok()) << i << ": " << r.status().ToString();
    ASSERT_NE(r->body.find("\"id\":\"p" + std::to_string(i) + "\""), std::string::npos) << i;
  }
}

TEST_F(FakeServerTest, Http10AndConnectionCloseEndTheConnection) {
  StartFake();
  for (const char* request :
       {"GET /api/v1/generation?id=a HTTP/1.0\r\n\r\n",
        "GET /api/v1/generation?id=a HTTP/1.1\r\nConnection: close\r\n\r\n"}) {
    StatusOr<BlockingHttpClient> client = BlockingHttpClient::Connect(fake_.port());
    ASSERT_TRUE(client.ok());
    ASSERT_TRUE(client->SendRaw(request).ok());
    StatusOr<ClientResponse> r = client->ReadResponse();
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->Header("Connection"), "close");
    EXPECT_TRUE(client->PeerClosed(std::chrono::seconds(2)));
  }
}

TEST_F(FakeServerTest, MalformedRequestGets400AndClose) {
  StartFake();
  StatusOr<BlockingHttpClient> client = BlockingHttpClient::Connect(fake_.port());
  ASSERT_TRUE(client.ok());
  ASSERT_TRUE(client->SendRaw("NOT HTTP AT ALL\r\n\r\n").ok());
  StatusOr<ClientResponse> r = client->ReadResponse();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 505);
  EXPECT_TRUE(client->PeerClosed(std::chrono::seconds(2)));
}

TEST_F(FakeServerTest, LatencyDelaysApiAnswersButNotControl) {
  StartFake({"--latency-ms", "150"});
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(Generation("gen-1").status, 200);
  EXPECT_GE(ElapsedMs(start), 140);
  start = std::chrono::steady_clock::now();
  EXPECT_EQ(Get("/_fake/stats").status, 200);
  EXPECT_LT(ElapsedMs(start), 140);
}

TEST_F(FakeServerTest, SeedChangesDefaultValues) {
  StartFake({"--seed", "42"});
  std::string seeded = Generation("gen-1").body;
  FakeOpenRouterProcess other;
  ASSERT_TRUE(other.Start().ok());
  StatusOr<ClientResponse> unseeded = HttpGet(other.port(), "/api/v1/generation?id=gen-1");
  ASSERT_TRUE(unseeded.ok());
  EXPECT_NE(seeded, unseeded->body);
}

TEST_F(FakeServerTest, SeveralThreadsShareThePort) {
  StartFake({"--threads", "2"});
  for (int i = 0; i < 20; ++i) EXPECT_EQ(Generation("gen-" + std::to_string(i)).status, 200);
  EXPECT_EQ(Parse(Get("/_fake/stats").body)["requests"].get_int64().value(), 20);
}

TEST_F(FakeServerTest, SigtermExitsZeroAfterAnnouncingThePort) {
  StartFake({"--quiet"});
  EXPECT_EQ(fake_.ReadFile("port"), std::to_string(fake_.port()) + "\n");
  EXPECT_EQ(fake_.ReadFile("stdout"),
            "fake_openrouter listening on 127.0.0.1:" + std::to_string(fake_.port()) + "\n");
  StatusOr<testing::ExitStatus> exit = fake_.Stop();
  ASSERT_TRUE(exit.ok()) << exit.status().ToString();
  EXPECT_TRUE(exit->Success()) << exit->ToString();
}

TEST_F(FakeServerTest, SigintExitsZero) {
  StartFake();
  ASSERT_TRUE(fake_.process().Kill(SIGINT).ok());
  StatusOr<testing::ExitStatus> exit = fake_.process().Wait(std::chrono::seconds(5));
  ASSERT_TRUE(exit.ok());
  EXPECT_TRUE(exit->Success()) << exit->ToString();
}

// Runs the binary to completion and returns its exit status and stdout.
std::pair<testing::ExitStatus, std::string> RunToExit(const std::vector<std::string>& args) {
  std::string out_path = ::testing::TempDir() + "fake_run_stdout";
  std::vector<std::string> argv = {FAKE_OPENROUTER_BIN};
  argv.insert(argv.end(), args.begin(), args.end());
  testing::Subprocess process;
  testing::SubprocessOptions options;
  options.stdout_path = out_path;
  options.stderr_path = "/dev/null";
  EXPECT_TRUE(process.Start(argv, {}, options).ok());
  StatusOr<testing::ExitStatus> exit = process.Wait(std::chrono::seconds(10));
  EXPECT_TRUE(exit.ok());
  std::ifstream in(out_path);
  std::string out((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return {exit.ok() ? *exit : testing::ExitStatus{}, out};
}

TEST(FakeCommandLineTest, HelpExplainsAndExitsZero) {
  auto [exit, out] = RunToExit({"--help"});
  EXPECT_TRUE(exit.Success());
  for (const char* word : {"--listen", "--port-file", "--script", "--key", "--default",
                           "--latency-ms", "--seed", "--quiet", "/_fake/script", "SIGTERM"}) {
    EXPECT_NE(out.find(word), std::string::npos) << word;
  }
}

TEST(FakeCommandLineTest, BadOptionsExitTwo) {
  EXPECT_EQ(RunToExit({"--bogus"}).first.code, 2);
  EXPECT_EQ(RunToExit({"--default", "maybe"}).first.code, 2);
  EXPECT_EQ(RunToExit({"--listen", "127.0.0.1:99999"}).first.code, 2);
  EXPECT_EQ(RunToExit({"--script", "/nonexistent/script.json"}).first.code, 2);
}

}  // namespace
}  // namespace orauditd::fake
