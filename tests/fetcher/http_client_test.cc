// HttpClient against the scripted loopback server. Every test ends by
// closing the client, running the loop until nothing is left and checking
// that uv_loop_close() succeeds: a forgotten uv handle fails the test.
#include "fetcher/http_client.h"

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "tests/support/http_test_server.h"
#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"

namespace orauditd {
namespace {

using ::orauditd::testing::HttpTestServer;
using ::orauditd::testing::ScriptedReply;
using ::testing::AnyOf;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;
using namespace std::chrono_literals;

constexpr char kPath[] = "/api/v1/generation?id=gen-1";
constexpr char kSecret[] = "sk-or-v1-test-secret-never-shown";

// A port nothing listens on: bound once, then released.
int UnusedPort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));
  socklen_t length = sizeof(address);
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  close(fd);
  return ntohs(address.sin_port);
}

class HttpClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // A developer's proxy settings must not route loopback tests elsewhere.
    setenv("no_proxy", "127.0.0.1,localhost", 1);
    ASSERT_EQ(uv_loop_init(&loop_), 0);
  }

  HttpClientOptions Options(size_t max_in_flight = 4) {
    HttpClientOptions options;
    options.max_in_flight = max_in_flight;
    options.user_agent = "orauditd-test/1";
    options.on_error = [this](const Status& status) { loop_errors_.push_back(status.message()); };
    return options;
  }

  HttpRequest Request(const HttpTestServer& server, int64_t timeout_ms = 5000) {
    HttpRequest request;
    request.url = server.BaseUrl() + kPath;
    request.headers = {std::string("Authorization: Bearer ") + kSecret};
    request.timeout_ms = timeout_ms;
    return request;
  }

  // Runs the loop until `done()` holds or `limit` passes. A 5 ms ticker keeps
  // every pass short, so the deadline is checked even when nothing happens.
  bool RunUntil(const std::function<bool()>& done, std::chrono::milliseconds limit = 5s) {
    uv_timer_init(&loop_, &ticker_);
    uv_timer_start(
        &ticker_, [](uv_timer_t*) {}, 5, 5);
    const auto deadline = std::chrono::steady_clock::now() + limit;
    bool ok = done();
    while (!ok && std::chrono::steady_clock::now() < deadline) {
      uv_run(&loop_, UV_RUN_ONCE);
      ok = done();
    }
    uv_close(reinterpret_cast<uv_handle_t*>(&ticker_), nullptr);
    uv_run(&loop_, UV_RUN_NOWAIT);
    return ok;
  }

  // Handles on the loop other than the ticker, closing ones included.
  int OtherHandles() {
    struct Count {
      uv_handle_t* ignore;
      int count;
    } count{reinterpret_cast<uv_handle_t*>(&ticker_), 0};
    uv_walk(
        &loop_,
        [](uv_handle_t* handle, void* arg) {
          auto* c = static_cast<Count*>(arg);
          if (handle != c->ignore) ++c->count;
        },
        &count);
    return count.count;
  }

  // The end of every test: close, drain, and prove nothing leaked.
  void CloseAndFinish(HttpClient& client) {
    bool closed = false;
    client.Close([&] { closed = true; });
    EXPECT_TRUE(RunUntil([&] { return closed; })) << "closed callback never ran";
    EXPECT_TRUE(RunUntil([&] { return OtherHandles() == 0; }, 2s));
    FinishLoop();
  }

  void FinishLoop() {
    EXPECT_EQ(uv_run(&loop_, UV_RUN_NOWAIT), 0);
    EXPECT_EQ(uv_loop_close(&loop_), 0) << OtherHandles() << " uv handle(s) left open";
    EXPECT_THAT(loop_errors_, ::testing::IsEmpty());
  }

  uv_loop_t loop_;
  uv_timer_t ticker_;
  std::vector<std::string> loop_errors_;
};

TEST_F(HttpClientTest, ReturnsStatusBodyAndLowerCasedHeaders) {
  HttpTestServer server;
  server.Enqueue(
      ScriptedReply::Respond(200, R"({"data":{"id":"gen-1"}})",
                             {"Content-Type: application/json", "X-Generation-Thing: Abc Def"}));
  HttpClient client(&loop_, Options());

  std::optional<HttpResponse> response;
  client.Get(Request(server), [&](HttpResponse r) { response = std::move(r); });
  ASSERT_TRUE(RunUntil([&] { return response.has_value(); }));

  EXPECT_TRUE(response->transport_ok) << response->error;
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, R"({"data":{"id":"gen-1"}})");
  ASSERT_NE(response->Header("x-generation-thing"), nullptr);
  EXPECT_EQ(*response->Header("x-generation-thing"), "Abc Def");
  EXPECT_EQ(*response->Header("content-type"), "application/json");
  EXPECT_EQ(response->Header("X-Generation-Thing"), nullptr);
  EXPECT_GT(response->total_seconds, 0);

  std::vector<testing::RecordedRequest> seen = server.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].method, "GET");
  EXPECT_EQ(seen[0].target, kPath);
  EXPECT_EQ(seen[0].Header("authorization"), std::string("Bearer ") + kSecret);
  EXPECT_EQ(seen[0].Header("user-agent"), "orauditd-test/1");
  CloseAndFinish(client);
}

TEST_F(HttpClientTest, DefaultUserAgentNamesOrauditdAndVersion) {
  HttpTestServer server;
  HttpClientOptions options = Options();
  options.user_agent.clear();
  HttpClient client(&loop_, options);
  bool done = false;
  client.Get(Request(server), [&](HttpResponse) { done = true; });
  ASSERT_TRUE(RunUntil([&] { return done; }));
  EXPECT_THAT(server.requests().at(0).Header("user-agent").value_or(""),
              StartsWith("orauditd/" ORAUDITD_VERSION));
  CloseAndFinish(client);
}

TEST_F(HttpClientTest, KeepsOnlyTheFinalHeaderBlock) {
  HttpTestServer server;
  ScriptedReply reply;
  reply.raw =
      "HTTP/1.1 100 Continue\r\nX-Early: 1\r\n\r\n"
      "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-Late: 2\r\n  folded\r\n\r\n{}";
  server.Enqueue(reply);
  HttpClient client(&loop_, Options());
  std::optional<HttpResponse> response;
  client.Get(Request(server), [&](HttpResponse r) { response = std::move(r); });
  ASSERT_TRUE(RunUntil([&] { return response.has_value(); }));
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->Header("x-early"), nullptr);
  ASSERT_NE(response->Header("x-late"), nullptr);
  EXPECT_EQ(*response->Header("x-late"), "2 folded");
  CloseAndFinish(client);
}

TEST_F(HttpClientTest, ReadsChunkedBody) {
  HttpTestServer server;
  std::string body(5000, 'x');
  server.Enqueue(ScriptedReply::Chunked(200, body, 100));
  HttpClient client(&loop_, Options());
  std::optional<HttpResponse> response;
  client.Get(Request(server), [&](HttpResponse r) { response = std::move(r); });
  ASSERT_TRUE(RunUntil([&] { return response.has_value(); }));
  EXPECT_TRUE(response->transport_ok) << response->error;
  EXPECT_EQ(response->body, body);
  CloseAndFinish(client);
}

TEST_F(HttpClientTest, TimesOutWithoutLeakingTheKey) {
  HttpTestServer server;
  server.Enqueue(ScriptedReply::Hang());
  HttpClient client(&loop_, Options());
  std::optional<HttpResponse> response;
  const auto start = std::chrono::steady_clock::now();
  client.Get(Request(server, /*timeout_ms=*/200), [&](HttpResponse r) { response = std::move(r); });
  ASSERT_TRUE(RunUntil([&] { return response.has_value(); }));

  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
  EXPECT_FALSE(response->transport_ok);
  EXPECT_TRUE(response->timed_out);
  EXPECT_FALSE(response->body_too_large);
  EXPECT_THAT(response->error, StartsWith("GET " + server.BaseUrl() +
                                          "/api/v1/generation: "
                                          "CURLE_OPERATION_TIMEDOUT: "));
  EXPECT_THAT(response->error, Not(HasSubstr(kSecret)));
  EXPECT_THAT(response->error, Not(HasSubstr("Bearer")));
  CloseAndFinish(client);
}

TEST_F(HttpClientTest, ReportsAResetConnection) {
  HttpTestServer server;
  server.Enqueue(ScriptedReply::Reset());
  HttpClient client(&loop_, Options());
  std::optional<HttpResponse> response;
  client.Get(Request(server), [&](HttpResponse r) { response = std::move(r); });
  ASSERT_TRUE(RunUntil([&] { return response.has_value(); }));
  EXPECT_FALSE(response->transport_ok);
  EXPECT_FALSE(response->timed_out);
  EXPECT_THAT(response->error,
              AnyOf(HasSubstr("CURLE_RECV_ERROR"), HasSubstr("CURLE_GOT_NOTHING")));
  EXPECT_THAT(response->error, Not(HasSubstr(kSecret)));
  CloseAndFinish(client);
}

TEST_F(HttpClientTest, ReportsABodyCutShort) {
  HttpTestServer server;
  server.Enqueue(ScriptedReply::CloseMidBody(200, std::string(1000, 'a'), 100));
  HttpClient client(&loop_, Options());
  std::optional<HttpResponse> response;
  client.Get(Request(server), [&](HttpResponse r) { response = std::move(r); });
  ASSERT_TRUE(RunUntil([&] { return response.has_value(); }));
  EXPECT_FALSE(response->transport_ok);
  EXPECT_EQ(response->status, 200);
  EXPECT_THAT(response->error, HasSubstr("CURLE_PARTIAL_FILE"));
  CloseAndFinish(client);
}

TEST_F(HttpClientTest, ReportsConnectionRefused) {
  const int port = UnusedPort();
  HttpClient client(&loop_, Options());
  HttpRequest request;
  request.url = "http://127.0.0.1:" + std::to_string(port) + kPath;
  request.headers = {std::string("Authorization: Bearer ") + kSecret};
  std::optional<HttpResponse> response;
  client.Get(request, [&](HttpResponse r) { response = std::move(r); });
  ASSERT_TRUE(RunUntil([&] { return response.has_value(); }));
  EXPECT_FALSE(response->transport_ok);
  EXPECT_EQ(response->status, 0);
  EXPECT_THAT(response->error, StartsWith("GET http://127.0.0.1:" + std::to_string(port) +
                                          "/api/v1/generation: CURLE_COULDNT_CONNECT: "));
  EXPECT_THAT(response->error, Not(HasSubstr(kSecret)));
  CloseAndFinish(client);
}

TEST_F(HttpClientTest, RefusesAnnouncedBodyOverTheCap) {
  HttpTestServer server;
  server.Enqueue(ScriptedReply::Respond(200, std::string(5000, 'b')));
  HttpClient client(&loop_, Options());
  HttpRequest request = Request(server);
  request.max_body_bytes = 1000;
  std::optional<HttpResponse> response;
  client.Get(request, [&](HttpResponse r) { response = std::move(r); });
  ASSERT_TRUE(RunUntil([&] { return response.has_value(); }));
  EXPECT_FALSE(response->transport_ok);
  EXPECT_TRUE(response->body_too_large);
  EXPECT_TRUE(response->body.empty());
  EXPECT_THAT(response->error, HasSubstr("response body over 1000 bytes"));
  CloseAndFinish(client);
}

TEST_F(HttpClientTest, AbortsChunkedBodyOverTheCap) {
  HttpTestServer server;
  server.Enqueue(ScriptedReply::Chunked(200, std::string(5000, 'c'), 256));
  HttpClient client(&loop_, Options());
  HttpRequest request = Request(server);
  request.max_body_bytes = 1000;
  std::optional<HttpResponse> response;
  client.Get(request, [&](HttpResponse r) { response = std::move(r); });
  ASSERT_TRUE(RunUntil([&] { return response.has_value(); }));
  EXPECT_FALSE(response->transport_ok);
  EXPECT_TRUE(response->body_too_large);
  EXPECT_TRUE(response->body.empty());
  EXPECT_THAT(response->error, HasSubstr("CURLE_WRITE_ERROR: response body over 1000 bytes"));
  CloseAndFinish(client);
}

TEST_F(HttpClientTest, KeepsABodyExactlyAtTheCap) {
  HttpTestServer server;
  server.Enqueue(ScriptedReply::Chunked(200, std::string(1000, 'd'), 300));
  HttpClient client(&loop_, Options());
  HttpRequest request = Request(server);
  request.max_body_bytes = 1000;
  std::optional<HttpResponse> response;
  client.Get(request, [&](HttpResponse r) { response = std::move(r); });
  ASSERT_TRUE(RunUntil([&] { return response.has_value(); }));
  EXPECT_TRUE(response->transport_ok) << response->error;
  EXPECT_EQ(response->body.size(), 1000u);
  CloseAndFinish(client);
}

TEST_F(HttpClientTest, QueuesWhatIsOverTheCapAndCompletesEverything) {
  HttpTestServer server;
  ScriptedReply slow = ScriptedReply::Respond(200, "{}");
  slow.delay_ms = 30;
  server.SetDefault(slow);
  HttpClient client(&loop_, Options(/*max_in_flight=*/3));

  int ok = 0;
  size_t most_in_flight = 0;
  for (int i = 0; i < 12; ++i) {
    client.Get(Request(server), [&](HttpResponse r) {
      if (r.transport_ok && r.status == 200) ++ok;
      most_in_flight = std::max(most_in_flight, client.in_flight());
    });
  }
  EXPECT_EQ(client.in_flight(), 3u);
  EXPECT_EQ(client.waiting(), 9u);
  ASSERT_TRUE(RunUntil([&] { return ok == 12; }));

  EXPECT_LE(most_in_flight, 3u);
  EXPECT_LE(server.max_concurrent_requests(), 3);
  EXPECT_GE(server.max_concurrent_requests(), 2) << "transfers did not overlap";
  EXPECT_LE(server.connections_accepted(), 3);
  EXPECT_EQ(client.in_flight(), 0u);
  EXPECT_EQ(client.waiting(), 0u);
  CloseAndFinish(client);
}

TEST_F(HttpClientTest, ManyRequestsThroughFewSlotsAllComplete) {
  HttpTestServer server;
  HttpClient client(&loop_, Options(/*max_in_flight=*/8));
  constexpr int kRequests = 300;
  int ok = 0;
  int failed = 0;
  for (int i = 0; i < kRequests; ++i) {
    client.Get(Request(server), [&](HttpResponse r) { ++(r.transport_ok ? ok : failed); });
  }
  ASSERT_TRUE(RunUntil([&] { return ok + failed == kRequests; }, 20s));
  EXPECT_EQ(ok, kRequests);
  EXPECT_LE(server.connections_accepted(), 8);
  CloseAndFinish(client);
}

TEST_F(HttpClientTest, ReusesOneConnectionForSequentialRequests) {
  HttpTestServer server;
  HttpClient client(&loop_, Options());
  int done = 0;
  std::function<void(HttpResponse)> next = [&](HttpResponse r) {
    EXPECT_TRUE(r.transport_ok) << r.error;
    if (++done < 3) client.Get(Request(server), next);
  };
  client.Get(Request(server), next);
  ASSERT_TRUE(RunUntil([&] { return done == 3; }));
  EXPECT_EQ(server.request_count(), 3u);
  EXPECT_EQ(server.connections_accepted(), 1);
  CloseAndFinish(client);
}

// With one slot every request runs on the same easy handle, which keeps its
// shared options between transfers: a timeout, a body cap and the headers
// of one request must not carry over to the next.
TEST_F(HttpClientTest, AReusedHandleCarriesNothingOverFromTheLastRequest) {
  HttpTestServer server;
  server.Enqueue(ScriptedReply::Hang());
  server.Enqueue(ScriptedReply::Respond(200, std::string(5000, 'b')));
  server.Enqueue(ScriptedReply::Respond(200, std::string(3000, 'c')));
  HttpClient client(&loop_, Options(/*max_in_flight=*/1));
  std::vector<HttpResponse> responses;
  auto keep = [&](HttpResponse r) { responses.push_back(std::move(r)); };

  HttpRequest hanging = Request(server, /*timeout_ms=*/200);
  hanging.headers.push_back("X-First: only-here");
  client.Get(hanging, keep);
  HttpRequest capped = Request(server);
  capped.max_body_bytes = 1000;
  client.Get(capped, keep);
  HttpRequest last = Request(server, /*timeout_ms=*/5000);
  last.url = server.BaseUrl() + "/api/v1/generation?id=gen-2";
  last.headers = {"Authorization: Bearer sk-or-v1-second", "Accept: application/json"};
  client.Get(last, keep);
  ASSERT_TRUE(RunUntil([&] { return responses.size() == 3; }));

  EXPECT_TRUE(responses[0].timed_out);
  EXPECT_TRUE(responses[1].body_too_large);
  EXPECT_TRUE(responses[2].transport_ok) << responses[2].error;
  EXPECT_FALSE(responses[2].timed_out);
  EXPECT_FALSE(responses[2].body_too_large);
  EXPECT_EQ(responses[2].status, 200);
  EXPECT_EQ(responses[2].body, std::string(3000, 'c'));
  EXPECT_TRUE(responses[2].error.empty()) << responses[2].error;
  std::vector<testing::RecordedRequest> seen = server.requests();
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[2].target, "/api/v1/generation?id=gen-2");
  EXPECT_EQ(seen[2].Header("authorization").value_or(""), "Bearer sk-or-v1-second");
  EXPECT_EQ(seen[2].Header("accept").value_or(""), "application/json");
  EXPECT_EQ(seen[2].Header("user-agent").value_or(""), "orauditd-test/1");
  EXPECT_EQ(seen[0].Header("x-first").value_or(""), "only-here");
  EXPECT_EQ(seen[1].Header("x-first"), std::nullopt);
  EXPECT_EQ(seen[2].Header("x-first"), std::nullopt);
  CloseAndFinish(client);
}

TEST_F(HttpClientTest, ReconnectsWhenTheServerClosesAnIdleConnection) {
  HttpTestServer server;
  ScriptedReply closing = ScriptedReply::Respond(200, "{}", {"Connection: close"});
  closing.after = ScriptedReply::After::kClose;
  server.Enqueue(closing);
  HttpClient client(&loop_, Options());
  int ok = 0;
  std::function<void(HttpResponse)> next = [&](HttpResponse r) {
    EXPECT_TRUE(r.transport_ok) << r.error;
    if (r.transport_ok && ++ok == 1) client.Get(Request(server), next);
  };
  client.Get(Request(server), next);
  ASSERT_TRUE(RunUntil([&] { return ok == 2; }));
  EXPECT_EQ(server.connections_accepted(), 2);
  CloseAndFinish(client);
}

TEST_F(HttpClientTest, CloseAbortsWhatIsInFlightOrWaiting) {
  HttpTestServer server;
  server.SetDefault(ScriptedReply::Hang());
  HttpClient client(&loop_, Options(/*max_in_flight=*/2));
  std::vector<HttpResponse> responses;
  for (int i = 0; i < 5; ++i) {
    client.Get(Request(server), [&](HttpResponse r) { responses.push_back(std::move(r)); });
  }
  ASSERT_TRUE(RunUntil([&] { return server.request_count() == 2; }));
  EXPECT_TRUE(responses.empty());

  CloseAndFinish(client);
  ASSERT_EQ(responses.size(), 5u);
  for (const HttpResponse& r : responses) {
    EXPECT_FALSE(r.transport_ok);
    EXPECT_EQ(r.error, "client closed");
  }
}

TEST_F(HttpClientTest, CloseFromInsideACallback) {
  HttpTestServer server;
  auto client = std::make_unique<HttpClient>(&loop_, Options());
  bool closed = false;
  int callbacks = 0;
  client->Get(Request(server), [&](HttpResponse r) {
    ++callbacks;
    EXPECT_TRUE(r.transport_ok);
    client->Close([&] { closed = true; });
  });
  ASSERT_TRUE(RunUntil([&] { return closed; }));
  EXPECT_EQ(callbacks, 1);
  client.reset();
  EXPECT_TRUE(RunUntil([&] { return OtherHandles() == 0; }, 2s));
  FinishLoop();
}

TEST_F(HttpClientTest, DestroyingWithoutCloseStillClosesEveryHandle) {
  HttpTestServer server;
  server.SetDefault(ScriptedReply::Hang());
  auto client = std::make_unique<HttpClient>(&loop_, Options());
  int aborted = 0;
  for (int i = 0; i < 3; ++i) {
    client->Get(Request(server), [&](HttpResponse r) { aborted += !r.transport_ok; });
  }
  ASSERT_TRUE(RunUntil([&] { return server.request_count() == 3; }));
  client.reset();
  EXPECT_EQ(aborted, 3);
  EXPECT_TRUE(RunUntil([&] { return OtherHandles() == 0; }, 2s));
  FinishLoop();
}

TEST_F(HttpClientTest, GetAfterCloseFailsAtOnce) {
  HttpClient client(&loop_, Options());
  bool closed = false;
  client.Close([&] { closed = true; });
  std::optional<HttpResponse> response;
  HttpRequest request;
  request.url = "http://127.0.0.1:1/";
  client.Get(request, [&](HttpResponse r) { response = std::move(r); });
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->error, "client closed");
  EXPECT_TRUE(RunUntil([&] { return closed; }));
  EXPECT_TRUE(RunUntil([&] { return OtherHandles() == 0; }, 2s));
  FinishLoop();
}

TEST_F(HttpClientTest, ABadUrlFailsLaterNotInsideGet) {
  HttpClient client(&loop_, Options());
  bool in_get = true;
  std::optional<HttpResponse> response;
  HttpRequest request;
  request.url = "ftp://127.0.0.1/file";
  client.Get(request, [&](HttpResponse r) {
    EXPECT_FALSE(in_get);
    response = std::move(r);
  });
  in_get = false;
  ASSERT_TRUE(RunUntil([&] { return response.has_value(); }));
  EXPECT_FALSE(response->transport_ok);
  EXPECT_THAT(response->error, HasSubstr("CURLE_UNSUPPORTED_PROTOCOL"));
  CloseAndFinish(client);
}

TEST_F(HttpClientTest, ClosingAnIdleClientLeavesNothing) {
  HttpClient client(&loop_, Options());
  CloseAndFinish(client);
}

TEST_F(HttpClientTest, StartsWaitingRequestsInOrder) {
  HttpTestServer server;
  HttpClient client(&loop_, Options(/*max_in_flight=*/1));
  int done = 0;
  for (int i = 0; i < 5; ++i) {
    HttpRequest request = Request(server);
    request.url = server.BaseUrl() + "/api/v1/generation?id=gen-" + std::to_string(i);
    client.Get(request, [&](HttpResponse) { ++done; });
  }
  ASSERT_TRUE(RunUntil([&] { return done == 5; }));
  std::vector<testing::RecordedRequest> seen = server.requests();
  ASSERT_EQ(seen.size(), 5u);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(seen[i].target, "/api/v1/generation?id=gen-" + std::to_string(i));
  }
  CloseAndFinish(client);
}

TEST_F(HttpClientTest, TimeoutCountsFromTheStartNotFromTheQueue) {
  HttpTestServer server;
  ScriptedReply slow = ScriptedReply::Respond(200, "{}");
  slow.delay_ms = 300;
  server.Enqueue(slow);
  HttpClient client(&loop_, Options(/*max_in_flight=*/1));
  std::vector<HttpResponse> responses;
  client.Get(Request(server, 2000), [&](HttpResponse r) { responses.push_back(std::move(r)); });
  client.Get(Request(server, 200), [&](HttpResponse r) { responses.push_back(std::move(r)); });
  ASSERT_TRUE(RunUntil([&] { return responses.size() == 2; }));
  EXPECT_TRUE(responses[0].transport_ok) << responses[0].error;
  EXPECT_TRUE(responses[1].transport_ok) << responses[1].error;
  CloseAndFinish(client);
}

// What `nghttpd -v` logged: the :path of every request, the sessions
// (connections, `[id=N]`) it served and the most streams open at once. A
// stream opens at its first "recv (stream_id=N)" line and ends at
// "stream_id=N closed"; stream ids count per session.
struct NghttpdLog {
  std::vector<std::string> paths;
  std::set<int> sessions;
  size_t most_open_streams = 0;
};

NghttpdLog ParseNghttpdLog(const std::string& text) {
  static const std::regex kLine(R"(^\[id=(\d+)\] \[ *[0-9.]+\] (.*)$)");
  static const std::regex kReceived(R"(^recv \(stream_id=(\d+)\) (:?[^:]+): (.*)$)");
  static const std::regex kClosed(R"(^stream_id=(\d+) closed$)");
  NghttpdLog log;
  std::set<std::pair<int, int>> seen;
  std::set<std::pair<int, int>> open;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    std::smatch match;
    if (!std::regex_match(line, match, kLine)) continue;
    const int session = std::stoi(match[1]);
    const std::string event = match[2];
    log.sessions.insert(session);

    std::smatch frame;
    if (std::regex_match(event, frame, kReceived)) {
      const std::pair<int, int> stream{session, std::stoi(frame[1])};
      if (seen.insert(stream).second) open.insert(stream);
      if (frame[2] == ":path") log.paths.push_back(frame[3]);
    } else if (std::regex_match(event, frame, kClosed)) {
      open.erase({session, std::stoi(frame[1])});
    }
    log.most_open_streams = std::max(log.most_open_streams, open.size());
  }
  return log;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// A TLS server on loopback, with a certificate made for the test (for
// 127.0.0.1, self-signed): the client trusts it only through ca_path.
class LoopbackTlsTest : public HttpClientTest {
 protected:
  void SetUp() override {
    HttpClientTest::SetUp();
    if (HasFatalFailure()) return;

    testing::Subprocess make_cert;
    ASSERT_TRUE(
        make_cert
            .Start({"/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", dir_.File("key.pem"),
                    "-out", dir_.File("cert.pem"), "-subj", "/CN=127.0.0.1", "-addext",
                    "subjectAltName=IP:127.0.0.1", "-days", "1"},
                   {}, Quiet())
            .ok());
    StatusOr<testing::ExitStatus> made = make_cert.Wait(20s);
    ASSERT_TRUE(made.ok() && made->Success()) << "openssl req failed";

    port_ = UnusedPort();
  }

  void TearDown() override {
    if (server_.running()) (void)server_.Stop(2s);
  }

  testing::SubprocessOptions Quiet() {
    testing::SubprocessOptions options;
    options.stdout_path = dir_.File("openssl.out");
    options.stderr_path = dir_.File("openssl.err");
    return options;
  }

  std::string BaseUrl() const { return "https://127.0.0.1:" + std::to_string(port_); }

  testing::TempDir dir_;
  testing::Subprocess server_;
  int port_ = 0;
};

// TLS against `openssl s_server`: refused without its CA, accepted with
// ca_path pointing at it, as a file or as a folder.
class HttpClientTlsTest : public LoopbackTlsTest {
 protected:
  void SetUp() override {
    LoopbackTlsTest::SetUp();
    if (HasFatalFailure()) return;

    ASSERT_TRUE(server_
                    .Start({"/usr/bin/openssl", "s_server", "-accept",
                            "127.0.0.1:" + std::to_string(port_), "-cert", dir_.File("cert.pem"),
                            "-key", dir_.File("key.pem"), "-www", "-naccept", "8"},
                           {}, Quiet())
                    .ok());
    ASSERT_TRUE(WaitUntilListening()) << "s_server did not start";
  }

  bool WaitUntilListening() {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (std::chrono::steady_clock::now() < deadline) {
      int fd = socket(AF_INET, SOCK_STREAM, 0);
      sockaddr_in address{};
      address.sin_family = AF_INET;
      address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      address.sin_port = htons(static_cast<uint16_t>(port_));
      bool up = connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
      close(fd);
      if (up) return true;
      std::this_thread::sleep_for(20ms);
    }
    return false;
  }

  // A folder holding a copy of the certificate. OpenSSL looks a CA up in a
  // CAPATH folder by the hash of its subject, through the <hash>.0 links
  // `openssl rehash` makes; without them the copy is never found.
  std::string CaFolder(bool rehash) {
    const std::filesystem::path folder = dir_.File("ca");
    std::filesystem::create_directory(folder);
    std::filesystem::copy_file(dir_.File("cert.pem"), folder / "cert.pem");
    if (!rehash) return folder;

    testing::Subprocess rehasher;
    EXPECT_TRUE(rehasher.Start({"/usr/bin/openssl", "rehash", folder}, {}, Quiet()).ok());
    StatusOr<testing::ExitStatus> done = rehasher.Wait(20s);
    EXPECT_TRUE(done.ok() && done->Success()) << "openssl rehash failed";

    bool linked = false;
    for (const auto& entry : std::filesystem::directory_iterator(folder)) {
      linked = linked || entry.path().extension() == ".0";
    }
    EXPECT_TRUE(linked) << "openssl rehash made no <hash>.0 link";
    return folder;
  }

  std::optional<HttpResponse> Fetch(HttpClientOptions options) {
    HttpClient client(&loop_, std::move(options));
    HttpRequest request;
    request.url = BaseUrl() + "/";
    std::optional<HttpResponse> response;
    client.Get(request, [&](HttpResponse r) { response = std::move(r); });
    EXPECT_TRUE(RunUntil([&] { return response.has_value(); }, 10s));
    CloseAndFinish(client);
    return response;
  }

  // One fetch with `ca_path` (empty: the system's CAs only).
  void ExpectTrustedWith(const std::string& ca_path) {
    HttpClientOptions options = Options();
    options.ca_path = ca_path;
    std::optional<HttpResponse> response = Fetch(options);
    ASSERT_TRUE(response.has_value());
    EXPECT_TRUE(response->transport_ok) << response->error;
    EXPECT_EQ(response->status, 200);
  }

  void ExpectRefusedWith(const std::string& ca_path) {
    HttpClientOptions options = Options();
    options.ca_path = ca_path;
    std::optional<HttpResponse> response = Fetch(options);
    ASSERT_TRUE(response.has_value());
    EXPECT_FALSE(response->transport_ok);
    EXPECT_THAT(response->error, HasSubstr("CURLE_PEER_FAILED_VERIFICATION"));
  }
};

TEST_F(HttpClientTlsTest, RefusesACertificateItCannotVerify) { ExpectRefusedWith(""); }

TEST_F(HttpClientTlsTest, TrustsTheConfiguredCa) { ExpectTrustedWith(dir_.File("cert.pem")); }

// The client hands a folder to curl as CURLOPT_CAPATH, a file as
// CURLOPT_CAINFO. A folder given as CAINFO fails to load
// (CURLE_SSL_CACERT_BADFILE), so success here, against the refusal below,
// shows the folder was searched by hash.
TEST_F(HttpClientTlsTest, TrustsACaFolder) { ExpectTrustedWith(CaFolder(/*rehash=*/true)); }

TEST_F(HttpClientTlsTest, RefusesACaFolderWithoutHashLinks) {
  ExpectRefusedWith(CaFolder(/*rehash=*/false));
}

// HTTP/2 against nghttpd (Debian's nghttp2-server), which serves files from a
// folder over TLS and, with -v, logs every frame it receives and every stream
// it closes: its log shows what the client multiplexed.
class HttpClientHttp2Test : public LoopbackTlsTest {
 protected:
  static constexpr char kNghttpd[] = "/usr/sbin/nghttpd";
  static constexpr char kBody[] = R"({"data":{"total_cost":0.0001}})";

  void SetUp() override {
    LoopbackTlsTest::SetUp();
    if (HasFatalFailure()) return;
    // Failing rather than skipping: a skipped test would leave multiplexing
    // untested without anyone noticing.
    ASSERT_EQ(access(kNghttpd, X_OK), 0)
        << kNghttpd << " not found: install the nghttp2-server package "
        << "(scripts/install-deps.sh does)";

    // nghttpd maps the path to a file and ignores the query, so this one
    // file answers every id.
    std::filesystem::create_directories(dir_.File("htdocs/api/v1"));
    std::ofstream(dir_.File("htdocs/api/v1/generation")) << kBody;

    testing::SubprocessOptions output;
    output.stdout_path = dir_.File("nghttpd.log");
    output.stderr_path = dir_.File("nghttpd.err");
    ASSERT_TRUE(server_
                    .Start({kNghttpd, "-v", "-d", dir_.File("htdocs"), "--address=127.0.0.1",
                            std::to_string(port_), dir_.File("key.pem"), dir_.File("cert.pem")},
                           {}, output)
                    .ok());
    ASSERT_TRUE(WaitForListenLine()) << "nghttpd did not start: " << Log() << "\n"
                                     << ReadFile(dir_.File("nghttpd.err"));
  }

  void TearDown() override {
    // A stopped server acts on no SIGTERM: Stop() would wait out its grace.
    if (server_.running()) (void)server_.Kill(SIGCONT);
    LoopbackTlsTest::TearDown();
  }

  // nghttpd prints "IPv4: listen 127.0.0.1:PORT" once it listens. Probing the
  // port instead, as for s_server, would count as a session of its own.
  bool WaitForListenLine() {
    const std::string line = "listen 127.0.0.1:" + std::to_string(port_);
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (std::chrono::steady_clock::now() < deadline) {
      if (Log().find(line) != std::string::npos) return true;
      std::this_thread::sleep_for(20ms);
    }
    return false;
  }

  // nghttpd writes each frame's lines before it sends the frame, so the log
  // is complete for every answer the client has.
  std::string Log() { return ReadFile(dir_.File("nghttpd.log")); }

  // Bytes the server has not read yet on its end of the client's connection
  // (the rx_queue of /proc/net/tcp). Over loopback, what the client sends is
  // there as soon as its send() returns.
  size_t UnreadAtServer() {
    std::ifstream table("/proc/net/tcp");
    size_t unread = 0;
    for (std::string line; std::getline(table, line);) {
      unsigned local_port = 0;
      unsigned state = 0;
      unsigned long rx_queue = 0;
      // "sl local_address rem_address st tx_queue:rx_queue ...", in hex;
      // state 01 is ESTABLISHED (the listening socket is 0A).
      if (std::sscanf(line.c_str(), " %*u: %*x:%x %*x:%*x %x %*x:%lx", &local_port, &state,
                      &rx_queue) == 3 &&
          static_cast<int>(local_port) == port_ && state == 1) {
        unread += rx_queue;
      }
    }
    return unread;
  }

  // kill() returns before the signal takes effect, and until then nghttpd
  // could still read a request. /proc/PID/stat says T once it has stopped.
  bool WaitUntilStopped() {
    const std::string stat = "/proc/" + std::to_string(server_.pid()) + "/stat";
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (std::chrono::steady_clock::now() < deadline) {
      // "PID (COMM) STATE ...": the name may hold spaces, the state follows it.
      const std::string text = ReadFile(stat);
      const size_t name_end = text.rfind(')');
      if (name_end != std::string::npos && text.compare(name_end, 4, ") T ") == 0) return true;
      std::this_thread::sleep_for(1ms);
    }
    return false;
  }

  HttpRequest Request(const std::string& id) {
    HttpRequest request;
    request.url = BaseUrl() + "/api/v1/generation?id=" + id;
    request.headers = {std::string("Authorization: Bearer ") + kSecret};
    return request;
  }

  // Submits `count` GETs at once, ids gen-<first> onwards, collecting the
  // answers in `responses`; returns the paths they ask for.
  std::vector<std::string> GetMany(HttpClient& client, int first, int count,
                                   std::vector<HttpResponse>& responses) {
    std::vector<std::string> paths;
    for (int i = first; i < first + count; ++i) {
      const std::string id = "gen-" + std::to_string(i);
      client.Get(Request(id), [&responses](HttpResponse r) { responses.push_back(std::move(r)); });
      paths.push_back("/api/v1/generation?id=" + id);
    }
    return paths;
  }

  // Every answer is the file, every path is in nghttpd's log, and all came
  // over its first connection.
  NghttpdLog ExpectServedOnOneConnection(const std::vector<HttpResponse>& responses,
                                         const std::vector<std::string>& paths) {
    for (const HttpResponse& response : responses) {
      EXPECT_TRUE(response.transport_ok) << response.error;
      EXPECT_EQ(response.status, 200);
      EXPECT_EQ(response.body, kBody);
    }

    const std::string text = Log();
    NghttpdLog log = ParseNghttpdLog(text);
    EXPECT_THAT(log.paths, ::testing::UnorderedElementsAreArray(paths)) << text;
    EXPECT_EQ(log.sessions, std::set<int>{1}) << "not all on one connection:\n" << text;
    return log;
  }

  HttpClientOptions Http2Options() {
    HttpClientOptions options = Options(/*max_in_flight=*/8);
    options.ca_path = dir_.File("cert.pem");
    return options;
  }
};

// Before the first TLS handshake curl cannot know that the server speaks
// HTTP/2; CURLOPT_PIPEWAIT makes the other transfers wait for its ALPN answer
// instead of opening a connection each.
TEST_F(HttpClientHttp2Test, ConcurrentRequestsShareOneConnectionFromTheStart) {
  HttpClient client(&loop_, Http2Options());

  std::vector<HttpResponse> responses;
  std::vector<std::string> paths = GetMany(client, 0, 16, responses);
  ASSERT_TRUE(RunUntil([&] { return responses.size() == 16; }, 10s));
  CloseAndFinish(client);

  ExpectServedOnOneConnection(responses, paths);
}

// nghttpd answers a file in the same pass in which it reads the request, and
// curl sends each request in a send() of its own. Left running, nghttpd may
// read and answer them one at a time (about one run in five did), so two
// streams would overlap only by luck. Stopped while the client sends, it finds
// every request queued when it goes on, and reads them all before it answers
// any.
TEST_F(HttpClientHttp2Test, MultiplexesConcurrentRequestsOnOneConnection) {
  HttpClient client(&loop_, Http2Options());

  // First a connection that curl knows speaks HTTP/2, so that every transfer
  // that starts can send its request at once, in the same curl call.
  std::vector<HttpResponse> warm_up;
  std::vector<std::string> paths = GetMany(client, 100, 1, warm_up);
  ASSERT_TRUE(RunUntil([&] { return warm_up.size() == 1; }, 10s));
  ASSERT_TRUE(warm_up[0].transport_ok) << warm_up[0].error;

  ASSERT_TRUE(server_.Kill(SIGSTOP).ok());
  ASSERT_TRUE(WaitUntilStopped()) << "nghttpd did not stop";
  // The client acknowledges the server's settings at the end of the warm-up;
  // that frame may still be unread. Only what comes after it counts.
  const size_t unread_before = UnreadAtServer();

  std::vector<HttpResponse> responses;
  std::vector<std::string> more = GetMany(client, 0, 16, responses);
  paths.insert(paths.end(), more.begin(), more.end());
  // Get() only arms curl's timer; the 8 transfers that start all run in the
  // one curl call it fires. New bytes at the server mean that call has
  // returned, every request it sent included.
  EXPECT_TRUE(RunUntil([&] { return UnreadAtServer() > unread_before; }, 10s))
      << "the requests never reached the server";

  ASSERT_TRUE(server_.Kill(SIGCONT).ok());
  ASSERT_TRUE(RunUntil([&] { return responses.size() == 16; }, 10s));
  CloseAndFinish(client);

  NghttpdLog log = ExpectServedOnOneConnection(responses, paths);
  const std::string text = Log();
  EXPECT_GE(log.most_open_streams, 2u) << "no two streams were open at once:\n" << text;
  EXPECT_LE(log.most_open_streams, 8u) << "more streams than max_in_flight:\n" << text;
}

}  // namespace
}  // namespace orauditd
