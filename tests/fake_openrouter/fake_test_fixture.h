// Shared fixture for the tests that drive the fake_openrouter binary over
// real HTTP: start it, script it, ask it, parse its JSON.
#pragma once

#include <gtest/gtest.h>
#include <simdjson.h>

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "tests/fake_openrouter/blocking_client.h"
#include "tests/fake_openrouter/fake_openrouter_process.h"

namespace orauditd::fake {

using Headers = std::vector<std::pair<std::string, std::string>>;

class FakeServerFixture : public ::testing::Test {
 protected:
  void StartFake(const std::vector<std::string>& args = {}) {
    Status status = fake_.Start(args);
    ASSERT_TRUE(status.ok()) << status.ToString();
  }

  ClientResponse Get(const std::string& target, const Headers& headers = {}) {
    StatusOr<ClientResponse> response = HttpGet(fake_.port(), target, headers);
    EXPECT_TRUE(response.ok()) << target << ": " << response.status().ToString();
    return response.ok() ? std::move(*response) : ClientResponse{};
  }

  ClientResponse Generation(const std::string& id, const Headers& headers = {}) {
    return Get("/api/v1/generation?id=" + id, headers);
  }

  ClientResponse Post(const std::string& target, const std::string& body) {
    StatusOr<ClientResponse> response = HttpPost(fake_.port(), target, body);
    EXPECT_TRUE(response.ok()) << target << ": " << response.status().ToString();
    return response.ok() ? std::move(*response) : ClientResponse{};
  }

  void Script(const std::string& json) {
    ClientResponse response = Post("/_fake/script", json);
    ASSERT_EQ(response.status, 200) << response.body;
  }

  // Asks for `id` on a new connection, kept in last_client_ afterwards so a
  // test can inspect a partial body or whether the peer closed.
  StatusOr<ClientResponse> GetExpectingFault(const std::string& id) {
    last_client_.reset();
    StatusOr<BlockingHttpClient> client =
        BlockingHttpClient::Connect(fake_.port(), std::chrono::seconds(5));
    if (!client.ok()) return client.status();
    last_client_.emplace(std::move(client).value());
    return last_client_->Request("GET", "/api/v1/generation?id=" + id);
  }

  // Parses `json`; the test fails if it is not valid JSON.
  simdjson::dom::element Parse(const std::string& json) {
    simdjson::dom::element doc;
    simdjson::error_code error = parser_.parse(json).get(doc);
    EXPECT_EQ(error, simdjson::SUCCESS) << json.substr(0, 300);
    return doc;
  }

  static bool IsValidJson(const std::string& json) {
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    return parser.parse(json).get(doc) == simdjson::SUCCESS;
  }

  static std::string ErrorMessage(simdjson::dom::element doc) {
    std::string_view message;
    if (doc["error"]["message"].get(message) != simdjson::SUCCESS) return "<none>";
    return std::string(message);
  }

  FakeOpenRouterProcess fake_;
  simdjson::dom::parser parser_;
  std::optional<BlockingHttpClient> last_client_;
};

inline int64_t ElapsedMs(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               start)
      .count();
}

}  // namespace orauditd::fake
