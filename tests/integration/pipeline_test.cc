// End to end on real processes: the fake OpenRouter, the built daemon, its
// Unix socket and its SQLite file.
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "tests/support/daemon_harness.h"

namespace orauditd::testing {
namespace {

constexpr char kScript[] = R"({
  "gen-1764860000-resolvedAtOnce000001": {
    "steps": [{"kind": "ok", "cost": 0.0000603}],
    "data": {"model": "openai/gpt-4o-mini-2024-07-18", "provider_name": "OpenAI",
             "native_tokens_prompt": 190, "native_tokens_completion": 50}
  },
  "gen-1764860001-notFoundTwice0000002": {
    "steps": [{"kind": "not_found", "times": 2}, {"kind": "ok", "cost": 0.00252}]
  },
  "gen-1764860002-costNullThenSet00003": {
    "steps": [{"kind": "cost_null"}, {"kind": "ok", "cost": 8.41005e-05}]
  },
  "gen-1764860003-freeModelZeroCost004": {
    "steps": [{"kind": "ok", "cost": 0}]
  }
})";

std::string Record(const std::string& request_id, const std::string& generation_id,
                   const std::string& extra = "") {
  std::string line = R"({"request_id":")" + request_id + R"(","generation_id":")" +
                     generation_id + R"(","model_requested":"openai/gpt-4o-mini",)" +
                     R"("user_id":"alice","status":"success","prompt_tokens":194,)" +
                     R"("completion_tokens":52)";
  if (!extra.empty()) line += "," + extra;
  return line + "}";
}

class PipelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(harness_.StartFake(kScript).ok());
    Status started = harness_.StartDaemon();
    ASSERT_TRUE(started.ok()) << started.ToString();
  }

  SqlRow RowFor(const std::string& request_id) {
    auto row = harness_.RowFor(request_id);
    EXPECT_TRUE(row.ok()) << row.status().ToString();
    return row.ok() ? *row : SqlRow{};
  }

  DaemonHarness harness_;
};

TEST_F(PipelineTest, RecordsBecomeRowsWithTheGenerationsExactFigures) {
  auto replies = harness_.Submit({
      Record("r-1", "gen-1764860000-resolvedAtOnce000001", R"("cost":0.00006)"),
      Record("r-2", "gen-1764860001-notFoundTwice0000002"),
      Record("r-3", "gen-1764860002-costNullThenSet00003"),
      Record("r-4", "gen-1764860003-freeModelZeroCost004"),
      R"({"request_id":"r-5","status":"error","error_code":"429","model_requested":"x/y"})",
  });
  ASSERT_TRUE(replies.ok()) << replies.status().ToString();
  ASSERT_EQ(replies->size(), 5u);
  EXPECT_EQ((*replies)[0].reply, R"({"ok":true,"id":"r-1"})");
  EXPECT_EQ((*replies)[4].reply, R"({"ok":true,"id":"r-5"})");

  ASSERT_TRUE(harness_.WaitForRows(5).ok()) << harness_.DaemonLog();

  SqlRow r1 = RowFor("r-1");
  EXPECT_EQ(r1["meta_status"], "resolved");
  EXPECT_EQ(r1["attempts"], "1");
  EXPECT_EQ(std::stod(*r1["total_cost"]), 0.0000603);
  EXPECT_EQ(std::stod(*r1["client_cost"]), 0.00006);
  EXPECT_EQ(r1["model_requested"], "openai/gpt-4o-mini");
  EXPECT_EQ(r1["model_used"], "openai/gpt-4o-mini-2024-07-18");
  EXPECT_EQ(r1["provider"], "OpenAI");
  EXPECT_EQ(r1["native_tokens_prompt"], "190");
  EXPECT_EQ(r1["prompt_tokens"], "194") << "the app's own count is kept";
  EXPECT_EQ(r1["user_id"], "alice");
  EXPECT_EQ(r1["source"], "socket");
  EXPECT_TRUE(r1["peer_pid"].has_value());
  ASSERT_TRUE(r1["generation_json"].has_value());
  EXPECT_NE(r1["generation_json"]->find("\"total_cost\""), std::string::npos);

  SqlRow r2 = RowFor("r-2");
  EXPECT_EQ(r2["meta_status"], "resolved");
  EXPECT_EQ(r2["attempts"], "3") << "404, 404, then 200";
  EXPECT_EQ(std::stod(*r2["total_cost"]), 0.00252);

  SqlRow r3 = RowFor("r-3");
  EXPECT_EQ(r3["meta_status"], "resolved");
  EXPECT_EQ(r3["attempts"], "2") << "cost null, then set";
  EXPECT_EQ(std::stod(*r3["total_cost"]), 8.41005e-05);

  SqlRow r4 = RowFor("r-4");
  EXPECT_EQ(r4["meta_status"], "resolved") << "a cost of 0 is an answer";
  EXPECT_EQ(r4["total_cost"], "0.0");

  SqlRow r5 = RowFor("r-5");
  EXPECT_EQ(r5["meta_status"], "not_applicable");
  EXPECT_EQ(r5["attempts"], "0");
  EXPECT_EQ(r5["status"], "error");
  EXPECT_EQ(r5["total_cost"], std::nullopt);
}

TEST_F(PipelineTest, BadLineIsRefusedByNameAndTheConnectionGoesOn) {
  auto replies = harness_.Submit({
      R"({"request_id":"bad-1","generation_id":"gen-x","prompt_tokens":-3})",
      "this is not json",
      Record("good-1", "gen-1764860000-resolvedAtOnce000001"),
  });
  ASSERT_TRUE(replies.ok()) << replies.status().ToString();
  ASSERT_EQ(replies->size(), 3u);
  EXPECT_NE((*replies)[0].reply.find(R"("ok":false)"), std::string::npos);
  EXPECT_NE((*replies)[0].reply.find("prompt_tokens"), std::string::npos) << (*replies)[0].reply;
  EXPECT_NE((*replies)[1].reply.find(R"("ok":false)"), std::string::npos);
  EXPECT_EQ((*replies)[2].reply, R"({"ok":true,"id":"good-1"})");
  ASSERT_TRUE(harness_.WaitForRows(1).ok());
  // The operator sees each refusal too, by peer.
  std::string log = harness_.DaemonLog();
  std::string peer = "intake: pid " + std::to_string(getpid()) + " uid " +
                     std::to_string(getuid()) + ": line refused: ";
  EXPECT_NE(log.find(peer + "prompt_tokens: must be an integer >= 0, got -3"), std::string::npos)
      << log;
  EXPECT_NE(log.find(peer + "line: malformed JSON"), std::string::npos) << log;
}

TEST_F(PipelineTest, ResentRecordIsADuplicateWithNoSecondRow) {
  std::string line = Record("dup-1", "gen-1764860000-resolvedAtOnce000001");
  auto first = harness_.Submit({line});
  ASSERT_TRUE(first.ok());
  auto second = harness_.Submit({line});
  ASSERT_TRUE(second.ok());
  EXPECT_EQ((*second)[0].reply, R"({"ok":true,"id":"dup-1","duplicate":true})");
  ASSERT_TRUE(harness_.WaitForRows(1).ok());
  auto third = harness_.Submit({line});
  EXPECT_EQ((*third)[0].reply, R"({"ok":true,"id":"dup-1","duplicate":true})");
  auto count = QueryScalar(harness_.db_path(), "SELECT COUNT(*) FROM audit_log");
  EXPECT_EQ(*count, "1");
}

// The same request_id with another generation is not the same call resent;
// it is still a duplicate (the first copy stands), but the log says so.
TEST_F(PipelineTest, ResendWithAnotherGenerationIdIsADuplicateAndLogged) {
  ASSERT_TRUE(harness_.Submit({Record("dup-2", "gen-1764860000-resolvedAtOnce000001")}).ok());
  ASSERT_TRUE(harness_.WaitForRows(1).ok());
  auto same = harness_.Submit({Record("dup-2", "gen-1764860000-resolvedAtOnce000001")});
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(harness_.DaemonLog().find("sent again with generation_id"), std::string::npos);

  auto other = harness_.Submit({Record("dup-2", "gen-1764860009-notTheFirstOnes0009")});
  ASSERT_TRUE(other.ok());
  EXPECT_EQ((*other)[0].reply, R"({"ok":true,"id":"dup-2","duplicate":true})");
  EXPECT_NE(harness_.DaemonLog().find("record dup-2: sent again with generation_id "
                                      "gen-1764860009-notTheFirstOnes0009, which it did not have"),
            std::string::npos)
      << harness_.DaemonLog();
  auto count = QueryScalar(harness_.db_path(), "SELECT COUNT(*) FROM audit_log");
  EXPECT_EQ(*count, "1");
}

// A record accepted with a warning has it logged at warn, where an operator
// running at the default level sees it, with the record's id.
TEST_F(PipelineTest, AcceptedWithAWarningIsLoggedAtWarn) {
  auto replies = harness_.Submit({Record("w-1", "chatcmpl-not-an-openrouter-id")});
  ASSERT_TRUE(replies.ok());
  EXPECT_EQ((*replies)[0].reply, R"({"ok":true,"id":"w-1"})");
  EXPECT_NE(harness_.DaemonLog().find("warn intake: record w-1: generation_id: does not start "
                                      "with \"gen-\""),
            std::string::npos)
      << harness_.DaemonLog();
}

TEST_F(PipelineTest, SigtermExitsZeroAndARestartKeepsGoing) {
  auto replies = harness_.Submit({Record("t-1", "gen-1764860001-notFoundTwice0000002")});
  ASSERT_TRUE(replies.ok());
  auto exit = harness_.StopDaemon(SIGTERM);
  ASSERT_TRUE(exit.ok()) << exit.status().ToString();
  EXPECT_TRUE(exit->Success()) << exit->ToString() << "\n" << harness_.DaemonLog();

  ASSERT_TRUE(harness_.RestartDaemon().ok());
  ASSERT_TRUE(harness_.WaitForRows(1).ok());
  auto rows = harness_.Query("SELECT meta_status FROM audit_log WHERE request_id = 't-1'");
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0]["meta_status"], "resolved");
}

TEST(PipelineSinkTest, AnEmptySinkAfterRowsWereSealedIsNamedAtStart) {
  DaemonHarness harness;
  harness.EnableJsonl("128MiB");
  ASSERT_TRUE(harness.StartFake("{}").ok());
  ASSERT_TRUE(harness.StartDaemon().ok());
  const std::string warning = "sink jsonl: holds no rows although 2 were sealed before";
  auto replies = harness.Submit({Record("e-1", "gen-1764860000-emptySinkFirst00001"),
                                 Record("e-2", "gen-1764860000-emptySinkSecond0002")});
  ASSERT_TRUE(replies.ok());
  ASSERT_TRUE(harness.WaitForRows(2).ok()) << harness.DaemonLog();

  // A restart with both sinks holding the rows says nothing of the kind.
  auto stopped = harness.StopDaemon(SIGTERM);
  ASSERT_TRUE(stopped.ok() && stopped->Success()) << harness.DaemonLog();
  ASSERT_TRUE(harness.RestartDaemon().ok());
  EXPECT_EQ(harness.DaemonLog().find("holds no rows"), std::string::npos) << harness.DaemonLog();

  stopped = harness.StopDaemon(SIGTERM);
  ASSERT_TRUE(stopped.ok() && stopped->Success()) << harness.DaemonLog();
  ASSERT_EQ(unlink(harness.jsonl_path().c_str()), 0);
  ASSERT_TRUE(harness.RestartDaemon().ok());
  std::string log = harness.DaemonLog();
  size_t at = log.find(warning);
  ASSERT_NE(at, std::string::npos) << log;
  size_t line_start = log.rfind('\n', at) + 1;
  EXPECT_NE(log.substr(line_start, at - line_start).find(" warn "), std::string::npos) << log;
}

TEST(PipelineAuthTest, RejectedKeyEndsAuthFailedAtTheWindowsEnd) {
  DaemonHarness harness;
  ASSERT_TRUE(harness.StartFake("{}").ok());
  Status started = harness.StartDaemon(
      "fetch:\n  window: 2s\n  first_delay: 10ms\n  backoff: { initial: 20ms, max: 100ms }\n",
      "sk-or-v1-not-a-key-the-fake-knows");
  ASSERT_TRUE(started.ok()) << started.ToString();
  auto replies = harness.Submit({Record("a-1", "gen-1764860009-anyIdAtAll00000009")});
  ASSERT_TRUE(replies.ok());
  ASSERT_TRUE(harness.WaitForRows(1, std::chrono::seconds(20)).ok());
  auto rows = harness.Query("SELECT meta_status, attempts FROM audit_log");
  EXPECT_EQ((*rows)[0]["meta_status"], "auth_failed");
  // One lookup found the key refused; the record then waited, parked, for
  // the end of its window instead of asking again and again.
  EXPECT_LE(std::stoi(*(*rows)[0]["attempts"]), 2);
  EXPECT_NE(harness.DaemonLog().find("parking its lookups"), std::string::npos);
  EXPECT_EQ(harness.DaemonLog().find("sk-or-v1-not-a-key"), std::string::npos)
      << "the key never reaches the log";
}

// An operator who fixes a refused key and restarts the daemon (instead of
// reloading it) gets the parked records looked up again at start.
TEST(PipelineAuthTest, ARestartWithAGoodKeyLooksUpWhatWasParked) {
  DaemonHarness harness;
  ASSERT_TRUE(harness.StartFake("{}").ok());
  const std::string fetch =
      "fetch:\n  window: 10m\n  first_delay: 10ms\n  backoff: { initial: 20ms, max: 100ms }\n";
  ASSERT_TRUE(harness.StartDaemon(fetch, "sk-or-v1-not-a-key-the-fake-knows").ok());
  ASSERT_TRUE(harness.Submit({Record("k-1", "gen-1764860000-parkedThenFixed01")}).ok());
  for (int i = 0; i < 500 && harness.DaemonLog().find("parking its lookups") == std::string::npos;
       ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_NE(harness.DaemonLog().find("parking its lookups"), std::string::npos)
      << harness.DaemonLog();
  auto stopped = harness.StopDaemon();
  ASSERT_TRUE(stopped.ok() && stopped->Success()) << harness.DaemonLog();

  ASSERT_TRUE(harness.StartDaemon(fetch).ok());
  ASSERT_TRUE(harness.WaitForRows(1, std::chrono::seconds(20)).ok()) << harness.DaemonLog();
  auto row = harness.RowFor("k-1");
  ASSERT_TRUE(row.ok()) << row.status().ToString();
  EXPECT_EQ((*row)["meta_status"], "resolved");
  EXPECT_NE(harness.DaemonLog().find("start: 1 parked records will be looked up again"),
            std::string::npos)
      << harness.DaemonLog();
}

// An error message in the answer's body can name a person. The row and the
// warning line that reports the failed lookup carry it only redacted.
TEST(PipelineFailureTest, ErrorMessageIsRedactedInTheRowAndTheLog) {
  DaemonHarness harness;
  ASSERT_TRUE(harness.StartFake(R"({
    "gen-1764860010-errorNamesAPerson010": {"steps": [{"kind": "custom", "status": 200,
      "body": "{\"error\":{\"code\":400,\"message\":\"no access for jane.doe@example.com\"}}"}]}
  })").ok());
  ASSERT_TRUE(harness.StartDaemon().ok());
  ASSERT_TRUE(harness.Submit({Record("f-1", "gen-1764860010-errorNamesAPerson010")}).ok());
  ASSERT_TRUE(harness.WaitForRows(1).ok()) << harness.DaemonLog();

  auto row = harness.RowFor("f-1");
  ASSERT_TRUE(row.ok()) << row.status().ToString();
  EXPECT_EQ((*row)["meta_status"], "failed");
  EXPECT_EQ((*row)["meta_error"], "HTTP 200 with an error body: no access for [email] (code 400)");
  std::string log = harness.DaemonLog();
  EXPECT_NE(log.find("record f-1: finished as failed: HTTP 200 with an error body: no access "
                     "for [email]"),
            std::string::npos)
      << log;
  EXPECT_EQ(log.find("jane.doe"), std::string::npos) << log;
}

// A 403 means this generation belongs to another account, not that the
// key is bad: that record alone waits (and ends auth_failed at the end of
// its window), while the key's other records are looked up as usual.
TEST(PipelineAuthTest, AForbiddenGenerationParksOnlyItsOwnRecord) {
  DaemonHarness harness;
  ASSERT_TRUE(harness.StartFake(R"({
    "gen-1764860020-someoneElses0000020": {"steps": [{"kind": "forbidden"}]}
  })").ok());
  harness.EnableMetrics();
  ASSERT_TRUE(harness.StartDaemon("fetch:\n  window: 3s\n  first_delay: 10ms\n"
                                  "  backoff: { initial: 20ms, max: 100ms }\n")
                  .ok());
  ASSERT_TRUE(harness.Submit({Record("x-1", "gen-1764860020-someoneElses0000020")}).ok());
  // The others arrive after the 403 has been seen.
  for (int i = 0; i < 200 && harness.DaemonLog().find("refused this generation") ==
                                 std::string::npos;
       ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_NE(harness.DaemonLog().find("record x-1: generation endpoint refused this generation"),
            std::string::npos)
      << harness.DaemonLog();
  ASSERT_TRUE(harness.Submit({Record("x-2", "gen-1764860000-resolvedAtOnce000001"),
                              Record("x-3", "gen-1764860003-freeModelZeroCost004")})
                  .ok());
  ASSERT_TRUE(harness.WaitForRows(3, std::chrono::seconds(20)).ok()) << harness.DaemonLog();

  auto rows = harness.Query("SELECT request_id, meta_status, attempts FROM audit_log "
                            "ORDER BY request_id");
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ((*rows)[0]["meta_status"], "auth_failed");
  EXPECT_LE(std::stoi(*(*rows)[0]["attempts"]), 2) << "parked, not asked again and again";
  EXPECT_EQ((*rows)[1]["meta_status"], "resolved");
  EXPECT_EQ((*rows)[2]["meta_status"], "resolved");
  EXPECT_EQ(harness.DaemonLog().find("parking its lookups"), std::string::npos)
      << "the key itself is not parked\n" << harness.DaemonLog();
  auto page = harness.ScrapeMetrics();
  ASSERT_TRUE(page.ok());
  EXPECT_NE(page->find("orauditd_keys_parked 0"), std::string::npos) << *page;
}

}  // namespace
}  // namespace orauditd::testing

namespace orauditd::testing {
namespace {

// A client that writes and never reads its replies must not keep the daemon
// from shutting down; what it sent and was stored stays stored.
TEST(PipelineShutdownTest, ClientThatNeverReadsDoesNotHoldShutdown) {
  DaemonHarness harness;
  ASSERT_TRUE(harness.StartFake("{}").ok());
  ASSERT_TRUE(harness.StartDaemon("fetch:\n  first_delay: 1h\n").ok());

  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
  ASSERT_GE(fd, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, harness.socket_path().c_str(), sizeof addr.sun_path - 1);
  ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  std::string pending;
  for (int i = 0; i < 50000; ++i) {
    pending += Record("nr-" + std::to_string(i), "gen-1764860000-neverReads" + std::to_string(i)) +
               "\n";
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  size_t sent = 0;
  while (sent < pending.size() && std::chrono::steady_clock::now() < deadline) {
    ssize_t n = send(fd, pending.data() + sent, pending.size() - sent, MSG_NOSIGNAL);
    if (n > 0) sent += static_cast<size_t>(n);
    if (n < 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_GT(sent, 0u);

  auto exit = harness.StopDaemon(SIGTERM, std::chrono::seconds(15));
  ASSERT_TRUE(exit.ok()) << "daemon still running 15 s after SIGTERM\n" << harness.DaemonLog();
  EXPECT_TRUE(exit->Success()) << exit->ToString();
  EXPECT_NE(harness.DaemonLog().find("did not read their replies"), std::string::npos)
      << harness.DaemonLog();
  close(fd);
}

// With one lookup at a time, the next one must start as soon as an answer
// is in, also when curl completed the transfer from its timer (the fake had
// answered before curl first polled the socket). The daemon used to wait
// for some unrelated event before taking the next record; with nothing else
// to wake it, these records took about a minute instead of a second or two.
TEST(PipelineOneAtATimeTest, NextLookupStartsWithoutWaitingForAnotherEvent) {
  DaemonHarness harness;
  ASSERT_TRUE(harness.StartFake("{}").ok());
  Status started = harness.StartDaemon(
      "fetch:\n  first_delay: 0ms\n  concurrency: 1\n  rate_per_second: 100000\n");
  ASSERT_TRUE(started.ok()) << started.ToString();

  constexpr int kRecords = 1000;
  std::vector<std::string> lines;
  for (int i = 0; i < kRecords; ++i) {
    std::string n = std::to_string(100000 + i);
    lines.push_back(Record("one-" + n, "gen-1764861000-oneAtATime" + n));
  }
  auto replies = harness.Submit(lines);
  ASSERT_TRUE(replies.ok()) << replies.status().ToString();
  ASSERT_EQ(replies->size(), static_cast<size_t>(kRecords));

  ASSERT_TRUE(harness.WaitForRows(kRecords).ok()) << harness.DaemonLog();
  auto resolved =
      harness.Query("SELECT count(*) AS n FROM audit_log WHERE meta_status = 'resolved'");
  ASSERT_TRUE(resolved.ok()) << resolved.status().ToString();
  EXPECT_EQ((*resolved)[0]["n"], std::to_string(kRecords));
}

// Rows that wait long for the writer are due while the loop still holds
// them. When taking a record leased it for the lookup timeout plus 5 s,
// such rows became due again and the loop armed a 0 ms timer for them,
// which libuv runs again in the same pass: the daemon spun at full CPU,
// wrote no more rows and ignored SIGTERM. A slow sink can hold rows that
// long; here, another process holds the audit database's write lock, so
// the first write waits SQLite's 5 s busy timeout while later rows queue
// behind it, and the whole daemon is stopped for 8 s meanwhile (as a
// paused VM or an overloaded host would), longer than such a lease.
TEST(PipelineStuckWriterTest, RowsHeldLongByTheWriterDoNotStopTheLoop) {
  DaemonHarness harness;
  ASSERT_TRUE(harness.StartFake("{}").ok());
  ASSERT_TRUE(harness.StartDaemon().ok());
  ASSERT_TRUE(harness.Submit({Record("sw-0", "gen-1764860000-stuckWriter0")}).ok());
  ASSERT_TRUE(harness.WaitForRows(1).ok()) << harness.DaemonLog();

  sqlite3* lock = nullptr;
  ASSERT_EQ(sqlite3_open(harness.db_path().c_str(), &lock), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(lock, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr), SQLITE_OK)
      << sqlite3_errmsg(lock);
  for (int wave = 1; wave <= 2; ++wave) {
    std::vector<std::string> lines;
    for (int i = 0; i < 20; ++i) {
      std::string id = "sw-" + std::to_string(wave) + "-" + std::to_string(i);
      lines.push_back(Record(id, "gen-1764860000-stuckWriter" + id));
    }
    auto replies = harness.Submit(lines);
    ASSERT_TRUE(replies.ok()) << replies.status().ToString();
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  ASSERT_EQ(kill(harness.daemon().pid(), SIGSTOP), 0);
  std::this_thread::sleep_for(std::chrono::seconds(8));
  ASSERT_EQ(kill(harness.daemon().pid(), SIGCONT), 0);
  std::this_thread::sleep_for(std::chrono::seconds(1));
  sqlite3_exec(lock, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(lock);

  EXPECT_TRUE(harness.WaitForRows(41).ok()) << "rows stopped coming\n" << harness.DaemonLog();
  auto exit = harness.StopDaemon(SIGTERM, std::chrono::seconds(15));
  ASSERT_TRUE(exit.ok()) << "daemon still running 15 s after SIGTERM\n" << harness.DaemonLog();
  EXPECT_TRUE(exit->Success()) << exit->ToString();
  auto rows =
      harness.Query("SELECT COUNT(*) AS n, COUNT(DISTINCT request_id) AS ids FROM audit_log");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ((*rows)[0]["n"], "41");
  EXPECT_EQ((*rows)[0]["ids"], "41");
}

}  // namespace
}  // namespace orauditd::testing
