// SIGTERM while lookups are in flight: the daemon stops taking work, lets
// what is in flight finish (bounded), exits 0, and the next start finishes
// the rest with no loss and no duplicate.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/fake_openrouter/blocking_client.h"
#include "tests/support/daemon_harness.h"

namespace orauditd::testing {
namespace {

constexpr int kRecords = 40;
constexpr int kConcurrency = 8;

// Requests the fake has received so far, from /_fake/stats.
int64_t FakeRequests(int port) {
  auto client = fake::BlockingHttpClient::Connect(static_cast<uint16_t>(port));
  if (!client.ok()) return -1;
  auto response = client->Request("GET", "/_fake/stats");
  if (!response.ok()) return -1;
  const std::string key = "\"requests\":";
  size_t at = response->body.find(key);
  if (at == std::string::npos) return -1;
  return std::stoll(response->body.substr(at + key.size()));
}

bool WaitUntil(const std::function<bool()>& ready, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (ready()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return ready();
}

TEST(ShutdownTest, SigtermWithLookupsInFlightDrainsExitsZeroAndTheNextStartFinishes) {
  DaemonHarness harness;
  // Every answer takes 1.5 s, under the harness's 2 s request timeout.
  ASSERT_TRUE(harness.StartFake("{}", {"--latency-ms", "1500"}).ok());
  Status started = harness.StartDaemon(
      "fetch:\n"
      "  first_delay: 10ms\n"
      "  concurrency: " +
      std::to_string(kConcurrency) +
      "\n"
      "  rate_per_second: 1000\n");
  ASSERT_TRUE(started.ok()) << started.ToString();

  std::vector<std::string> lines;
  for (int i = 0; i < kRecords; ++i) {
    lines.push_back(R"({"request_id":"term-)" + std::to_string(i) +
                    R"(","generation_id":"gen-1764860000-term)" + std::to_string(i) + "\"}");
  }
  auto replies = harness.Submit(lines);
  ASSERT_TRUE(replies.ok()) << replies.status().ToString();
  ASSERT_TRUE(WaitUntil([&] { return FakeRequests(harness.fake_port()) >= kConcurrency; },
                        std::chrono::seconds(10)));

  auto sent = std::chrono::steady_clock::now();
  auto exit = harness.StopDaemon(SIGTERM, std::chrono::seconds(20));
  auto took = std::chrono::steady_clock::now() - sent;
  ASSERT_TRUE(exit.ok()) << exit.status().ToString();
  EXPECT_TRUE(exit->Success()) << exit->ToString() << "\n" << harness.DaemonLog();
  EXPECT_LT(took, std::chrono::seconds(12)) << "the drain is bounded";

  // What was in flight finished and was written; nothing new was started.
  int64_t looked_up = FakeRequests(harness.fake_port());
  auto rows = QueryScalar(harness.db_path(), "SELECT COUNT(*) FROM audit_log");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ(looked_up, kConcurrency);
  EXPECT_EQ(std::stoll(*rows), looked_up) << harness.DaemonLog();

  ASSERT_TRUE(harness.RestartDaemon().ok());
  ASSERT_TRUE(harness.WaitForRows(kRecords, std::chrono::seconds(30)).ok());
  ASSERT_TRUE(harness.StopDaemon(SIGTERM).ok());
  auto all = harness.Query("SELECT seq, request_id FROM audit_log ORDER BY seq");
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), static_cast<size_t>(kRecords));
  std::set<std::string> ids;
  for (size_t i = 0; i < all->size(); ++i) {
    EXPECT_EQ((*all)[i]["seq"], std::to_string(i + 1));
    ids.insert(*(*all)[i]["request_id"]);
  }
  EXPECT_EQ(ids.size(), static_cast<size_t>(kRecords)) << "no duplicate";
  EXPECT_EQ(FakeRequests(harness.fake_port()), kRecords) << "no record was looked up twice";
}

// Lookups that outlive fetch.drain_timeout are aborted: the daemon still
// exits 0, soon, and the aborted records are looked up again at the next
// start, each ending as exactly one row.
TEST(ShutdownTest, LookupsPastTheDrainTimeoutAreAbortedAndFinishAfterARestart) {
  DaemonHarness harness;
  ASSERT_TRUE(harness.StartFake("{}", {"--latency-ms", "1500"}).ok());
  Status started = harness.StartDaemon(
      "fetch:\n"
      "  first_delay: 10ms\n"
      "  concurrency: 4\n"
      "  drain_timeout: 200ms\n"
      "  rate_per_second: 1000\n");
  ASSERT_TRUE(started.ok()) << started.ToString();

  std::vector<std::string> lines;
  for (int i = 0; i < 4; ++i) {
    lines.push_back(R"({"request_id":"cut-)" + std::to_string(i) +
                    R"(","generation_id":"gen-1764860000-cut)" + std::to_string(i) + "\"}");
  }
  ASSERT_TRUE(harness.Submit(lines).ok());
  ASSERT_TRUE(WaitUntil([&] { return FakeRequests(harness.fake_port()) >= 4; },
                        std::chrono::seconds(10)));

  auto exit = harness.StopDaemon(SIGTERM, std::chrono::seconds(20));
  ASSERT_TRUE(exit.ok()) << exit.status().ToString();
  EXPECT_TRUE(exit->Success()) << exit->ToString() << "\n" << harness.DaemonLog();
  EXPECT_NE(harness.DaemonLog().find("4 lookups still in flight after 200 ms; aborting them"),
            std::string::npos)
      << harness.DaemonLog();
  auto rows = QueryScalar(harness.db_path(), "SELECT COUNT(*) FROM audit_log");
  ASSERT_TRUE(rows.ok());
  // Waiting for the answers (1.5 s each) would have written all four.
  EXPECT_EQ(*rows, "0") << "an aborted lookup writes no row";

  ASSERT_TRUE(harness.RestartDaemon().ok());
  ASSERT_TRUE(harness.WaitForRows(4, std::chrono::seconds(30)).ok()) << harness.DaemonLog();
  auto all = harness.Query("SELECT request_id, meta_status FROM audit_log");
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 4u);
  for (const auto& row : *all) EXPECT_EQ(row.at("meta_status"), "resolved");
}

}  // namespace
}  // namespace orauditd::testing
