// The metrics endpoint and `orauditctl status` of a running daemon: scraped
// after real traffic through the real socket, the fake OpenRouter and the
// SQLite sink.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "tests/support/daemon_harness.h"
#include "tools/metrics_client.h"

namespace orauditd::testing {
namespace {

constexpr char kScript[] = R"({
  "gen-1764861000-metricsResolved000001": {"steps": [{"kind": "ok", "cost": 0.0001}]},
  "gen-1764861001-metricsNotFound000002": {
    "steps": [{"kind": "not_found", "times": 2}, {"kind": "ok", "cost": 0.002}]
  },
  "gen-1764861002-neverThere000000003": {"steps": [{"kind": "not_found", "times": 100000}]}
})";

std::string Record(const std::string& request_id, const std::string& generation_id) {
  return R"({"request_id":")" + request_id + R"(","generation_id":")" + generation_id +
         R"(","user_id":"alice@example.com","model_requested":"openai/gpt-4o-mini"})";
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

double Value(const std::string& page, const std::string& name,
             const std::map<std::string, std::string>& labels = {}) {
  return tools::SumSamples(tools::ParseMetricsText(page), name, labels);
}

class MetricsEndpointTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(harness_.StartFake(kScript).ok());
    harness_.EnableMetrics();
    Status started = harness_.StartDaemon();
    ASSERT_TRUE(started.ok()) << started.ToString();
  }

  // Scrapes until `ready` holds for the page (the last rows may still be on
  // their way to the sink), at most 10 s.
  std::string ScrapeUntil(const std::function<bool(const std::string&)>& ready) {
    std::string page;
    for (int i = 0; i < 200; ++i) {
      auto scraped = harness_.ScrapeMetrics();
      EXPECT_TRUE(scraped.ok()) << scraped.status().ToString();
      if (!scraped.ok()) return "";
      page = *scraped;
      if (ready(page)) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return page;
  }

  StatusOr<std::pair<ExitStatus, std::string>> RunStatus(const std::vector<std::string>& args) {
    Subprocess ctl;
    SubprocessOptions options;
    options.stdout_path = harness_.dir() + "/status.out";
    options.stderr_path = harness_.dir() + "/status.err";
    std::vector<std::string> argv = {ORAUDITCTL_BIN, "status"};
    argv.insert(argv.end(), args.begin(), args.end());
    Status started = ctl.Start(argv, {}, options);
    if (!started.ok()) return started;
    auto exit = ctl.Wait(std::chrono::seconds(20));
    if (!exit.ok()) return exit.status();
    return std::make_pair(*exit, ReadFile(options.stdout_path) + ReadFile(options.stderr_path));
  }

  DaemonHarness harness_;
};

TEST_F(MetricsEndpointTest, TrafficShowsUpInEveryFamilyOfTheDesign) {
  auto replies = harness_.Submit({
      Record("m-1", "gen-1764861000-metricsResolved000001"),
      Record("m-2", "gen-1764861001-metricsNotFound000002"),
      Record("m-1", "gen-1764861000-metricsResolved000001"),  // a duplicate
      "not json at all",                                      // refused
      R"({"request_id":"m-3","status":"error","error_code":"500"})",
  });
  ASSERT_TRUE(replies.ok()) << replies.status().ToString();
  ASSERT_TRUE(harness_.WaitForRows(3).ok());

  std::string page = ScrapeUntil([](const std::string& p) {
    return Value(p, "orauditd_rows_written_total", {{"sink", "sqlite"}}) >= 3 &&
           Value(p, "orauditd_queue_depth") == 0;
  });
  auto socket = [](const char* outcome) {
    return std::map<std::string, std::string>{{"source", "socket"}, {"outcome", outcome}};
  };
  EXPECT_EQ(Value(page, "orauditd_records_received_total", socket("accepted")), 3) << page;
  EXPECT_EQ(Value(page, "orauditd_records_received_total", socket("duplicate")), 1);
  EXPECT_EQ(Value(page, "orauditd_records_received_total", socket("refused")), 1);
  EXPECT_EQ(Value(page, "orauditd_fetch_attempts_total", {{"class", "resolved"}}), 2);
  EXPECT_EQ(Value(page, "orauditd_fetch_attempts_total", {{"class", "not_yet"}}), 2);
  EXPECT_EQ(Value(page, "orauditd_fetch_duration_seconds_count"), 4) << "one per answer";
  EXPECT_EQ(Value(page, "orauditd_fetch_duration_seconds_bucket", {{"le", "+Inf"}}), 4);
  EXPECT_GT(Value(page, "orauditd_fetch_duration_seconds_sum"), 0);
  EXPECT_EQ(Value(page, "orauditd_rows_finalized_total", {{"meta_status", "resolved"}}), 2);
  EXPECT_EQ(Value(page, "orauditd_rows_finalized_total", {{"meta_status", "not_applicable"}}), 1);
  EXPECT_EQ(Value(page, "orauditd_rows_written_total", {{"sink", "sqlite"}}), 3);
  EXPECT_EQ(Value(page, "orauditd_sink_errors_total"), 0);
  EXPECT_EQ(Value(page, "orauditd_sink_lag_rows"), 0);
  EXPECT_EQ(Value(page, "orauditd_queue_depth"), 0);
  EXPECT_EQ(Value(page, "orauditd_queue_oldest_pending_age_seconds"), 0);
  EXPECT_EQ(Value(page, "orauditd_queue_healthy"), 1);
  EXPECT_EQ(Value(page, "orauditd_fetch_in_flight"), 0);
  EXPECT_EQ(Value(page, "orauditd_keys_parked"), 0);
  EXPECT_EQ(Value(page, "orauditd_last_row_seq"), 3);

  // Record data never becomes a label, and the key never appears.
  EXPECT_EQ(page.find("alice"), std::string::npos);
  EXPECT_EQ(page.find("m-1"), std::string::npos);
  EXPECT_EQ(page.find("gpt-4o"), std::string::npos);
  EXPECT_EQ(page.find(kTestKey), std::string::npos);
}

TEST_F(MetricsEndpointTest, PendingRecordsShowDepthAndAGrowingOldestAge) {
  // A record whose generation stays 404 is pending for the whole window.
  auto replies = harness_.Submit({Record("p-1", "gen-1764861002-neverThere000000003")});
  ASSERT_TRUE(replies.ok());
  std::string first =
      ScrapeUntil([](const std::string& p) { return Value(p, "orauditd_queue_depth") == 1; });
  EXPECT_EQ(Value(first, "orauditd_queue_depth"), 1) << first;
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto later = harness_.ScrapeMetrics();
  ASSERT_TRUE(later.ok());
  EXPECT_GE(Value(*later, "orauditd_queue_oldest_pending_age_seconds"), 0.3);
  EXPECT_GT(Value(*later, "orauditd_queue_oldest_pending_age_seconds"),
            Value(first, "orauditd_queue_oldest_pending_age_seconds"));
}

TEST_F(MetricsEndpointTest, StatusShowsTheFiguresAndFailsClearlyWhenTheDaemonIsGone) {
  auto replies = harness_.Submit({Record("s-1", "gen-1764861000-metricsResolved000001")});
  ASSERT_TRUE(replies.ok());
  ASSERT_TRUE(harness_.WaitForRows(1).ok());
  auto address = harness_.MetricsAddress();
  ASSERT_TRUE(address.ok());
  ScrapeUntil([](const std::string& p) {
    return Value(p, "orauditd_rows_written_total", {{"sink", "sqlite"}}) >= 1;
  });

  auto status = RunStatus({"--metrics", *address, "--socket", harness_.socket_path()});
  ASSERT_TRUE(status.ok()) << status.status().ToString();
  EXPECT_TRUE(status->first.Success()) << status->first.ToString() << "\n" << status->second;
  const std::string& text = status->second;
  EXPECT_NE(text.find("accepting connections"), std::string::npos) << text;
  EXPECT_NE(text.find("0 pending"), std::string::npos) << text;
  EXPECT_NE(text.find("0 in flight"), std::string::npos) << text;
  EXPECT_NE(text.find("1 resolved"), std::string::npos) << text;
  EXPECT_NE(text.find("sqlite 1 rows written; lag 0 rows"), std::string::npos) << text;
  EXPECT_NE(text.find("parked keys    none"), std::string::npos) << text;

  ASSERT_TRUE(harness_.StopDaemon().ok());
  auto gone = RunStatus({"--metrics", *address});
  ASSERT_TRUE(gone.ok());
  EXPECT_TRUE(gone->first.exited);
  EXPECT_EQ(gone->first.code, 1) << gone->second;
  EXPECT_NE(gone->second.find("cannot reach the daemon's metrics endpoint"), std::string::npos)
      << gone->second;
}

// The metrics page once it shows a parked key, or after 10 s.
std::string ScrapeUntilAKeyIsParked(const DaemonHarness& harness) {
  std::string page;
  for (int i = 0; i < 200 && Value(page, "orauditd_keys_parked") < 1; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    auto scraped = harness.ScrapeMetrics();
    EXPECT_TRUE(scraped.ok()) << scraped.status().ToString();
    if (scraped.ok()) page = *scraped;
  }
  return page;
}

TEST(MetricsParkedKeyTest, ARefusedKeyIsShownParkedByName) {
  DaemonHarness harness;
  ASSERT_TRUE(harness.StartFake("{}").ok());
  harness.EnableMetrics();
  ASSERT_TRUE(harness.StartDaemon("", "sk-or-v1-a-key-the-fake-refuses").ok());
  ASSERT_TRUE(harness.Submit({Record("k-1", "gen-1764861003-anyId0000000000004")}).ok());
  std::string page = ScrapeUntilAKeyIsParked(harness);
  EXPECT_EQ(Value(page, "orauditd_keys_parked"), 1) << page;
  EXPECT_EQ(Value(page, "orauditd_key_parked", {{"key", "default"}}), 1);
  EXPECT_GE(Value(page, "orauditd_records_parked_total"), 1);
  EXPECT_EQ(Value(page, "orauditd_fetch_attempts_total", {{"class", "auth_failed"}}), 1);
  EXPECT_EQ(page.find("sk-or-v1"), std::string::npos);
}

// A key whose secret is not set parks its records just as a refused key
// does, and is shown parked by name where an operator looks.
TEST(MetricsParkedKeyTest, AKeyWithoutASecretIsShownParkedByName) {
  DaemonHarness harness;
  ASSERT_TRUE(harness.StartFake("{}").ok());
  harness.EnableMetrics();
  ASSERT_TRUE(harness.StartDaemon("", /*api_key=*/"").ok());
  ASSERT_TRUE(harness.Submit({Record("n-1", "gen-1764861004-anyId0000000000005")}).ok());
  std::string page = ScrapeUntilAKeyIsParked(harness);
  EXPECT_EQ(Value(page, "orauditd_keys_parked"), 1) << page;
  EXPECT_EQ(Value(page, "orauditd_key_parked", {{"key", "default"}}), 1);
  EXPECT_GE(Value(page, "orauditd_records_parked_total"), 1);
  EXPECT_EQ(Value(page, "orauditd_fetch_attempts_total"), 0) << "no lookup without a secret";
  EXPECT_NE(harness.DaemonLog().find("key default: not configured or its secret is not set"),
            std::string::npos)
      << harness.DaemonLog();
}

}  // namespace
}  // namespace orauditd::testing
