// The central promise on the real process: every acknowledged record ends as
// exactly one row in every sink, whatever happens to the daemon.
//
// Several clients submit records with unique request ids and resend what
// was not acknowledged; the daemon is killed with SIGKILL at random moments
// and restarted. The fake answers some ids 404 a random number of times
// (and some 500 or without a cost), some records have no generation id and
// some name a key that is not configured, so the kills find records pending,
// in flight, waiting to retry, parked, finalized and in the outbox.
//
// ORAUDITD_SOAK_KILLS sets the number of kills (default 10, under a minute);
// ORAUDITD_SOAK_SEED replays a run (the seed is printed).
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <map>
#include <random>
#include <thread>

#include "tests/soak/resending_client.h"
#include "tests/soak/sink_rows.h"
#include "tests/support/daemon_harness.h"

namespace orauditd::testing {
namespace {

constexpr int kClients = 4;
constexpr int kRecordsPerClientPerKill = 40;
constexpr int64_t kWindowSeconds = 60;

uint64_t EnvNumber(const char* name, uint64_t fallback) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return fallback;
  return std::strtoull(value, nullptr, 10);
}

std::string GenerationId(const std::string& id) { return "gen-1764860000-" + id; }

// Ids with an answer other than a plain 200, chosen by `rng`, as a fake script.
std::string ScriptFor(const std::vector<std::string>& ids, std::mt19937_64& rng) {
  std::uniform_int_distribution<int> pick(0, 99);
  std::uniform_int_distribution<int> times(1, 5);
  std::string script = "{";
  for (const std::string& id : ids) {
    int p = pick(rng);
    std::string steps;
    if (p < 30) {
      steps =
          R"([{"kind":"not_found","times":)" + std::to_string(times(rng)) + R"(},{"kind":"ok"}])";
    } else if (p < 35) {
      steps = R"([{"kind":"server_error","status":502},{"kind":"ok"}])";
    } else if (p < 40) {
      steps = R"([{"kind":"cost_null"},{"kind":"ok","cost":0}])";
    } else {
      continue;
    }
    if (script.size() > 1) script += ",";
    script += "\"" + GenerationId(id) + "\":" + steps;
  }
  return script + "}";
}

// One client's records; a few have no generation id (finished at once) and a
// few name an unconfigured key (parked until their window ends, soon).
std::vector<SoakRecord> RecordsFor(int client, int count, std::mt19937_64& rng,
                                   std::vector<std::string>* all_ids) {
  std::uniform_int_distribution<int> pick(0, 99);
  std::vector<SoakRecord> records;
  for (int i = 0; i < count; ++i) {
    std::string id = "soak-" + std::to_string(client) + "-" + std::to_string(i);
    all_ids->push_back(id);
    int p = pick(rng);
    std::string head = R"({"request_id":")" + id + R"(","model_requested":"openai/gpt-4o-mini")" +
                       R"(,"prompt_tokens":12,"completion_tokens":3)";
    SoakRecord record;
    record.id = id;
    if (p < 5) {
      record.make_line = [head] { return head + R"(,"status":"error","error_code":"500"})"; };
    } else if (p < 8) {
      std::string gen = GenerationId(id);
      record.make_line = [head, gen] {
        // Its window ends a few seconds after it is first sent.
        int64_t timestamp = static_cast<int64_t>(std::time(nullptr)) - kWindowSeconds + 3;
        return head + R"(,"generation_id":")" + gen + R"(","key":"unconfigured","timestamp":)" +
               std::to_string(timestamp) + "}";
      };
    } else {
      std::string line = head + R"(,"generation_id":")" + GenerationId(id) + "\"}";
      record.make_line = [line] { return line; };
    }
    records.push_back(std::move(record));
  }
  return records;
}

std::string DaemonConfig() {
  return "fetch:\n"
         "  window: " +
         std::to_string(kWindowSeconds) +
         "s\n"
         "  first_delay: 20ms\n"
         "  missing_cost_delay: 50ms\n"
         "  backoff: { initial: 30ms, max: 300ms }\n"
         "  rate_per_second: 1000\n";
}

// "about N records pending" from a run's start-up line, or "?".
std::string PendingAtStart(const std::string& log) {
  size_t at = log.find(" records pending");
  size_t from = log.rfind("about ", at);
  if (at == std::string::npos || from == std::string::npos) return "?";
  return log.substr(from + 6, at - from - 6);
}

int RunVerify(const std::vector<std::string>& args, const std::string& log) {
  std::vector<std::string> argv = {ORAUDITCTL_BIN, "verify"};
  argv.insert(argv.end(), args.begin(), args.end());
  Subprocess verify;
  SubprocessOptions options;
  options.stdout_path = log;
  options.stderr_path = log + ".err";
  if (!verify.Start(argv, {}, options).ok()) return -1;
  auto exit = verify.Wait(std::chrono::seconds(60));
  return exit.ok() && exit->exited ? exit->code : -1;
}

TEST(CrashTest, EveryAcknowledgedRecordIsOneRowInEverySinkAcrossKills) {
  const uint64_t kills = EnvNumber("ORAUDITD_SOAK_KILLS", 10);
  const uint64_t seed = EnvNumber("ORAUDITD_SOAK_SEED", static_cast<uint64_t>(std::time(nullptr)));
  std::printf("crash test: seed %llu (ORAUDITD_SOAK_SEED), %llu kills (ORAUDITD_SOAK_KILLS)\n",
              static_cast<unsigned long long>(seed), static_cast<unsigned long long>(kills));
  std::fflush(stdout);
  std::mt19937_64 rng(seed);

  std::vector<std::string> all_ids;
  std::vector<std::vector<SoakRecord>> per_client;
  int per_client_count = static_cast<int>(kRecordsPerClientPerKill * kills);
  for (int c = 0; c < kClients; ++c) {
    per_client.push_back(RecordsFor(c, per_client_count, rng, &all_ids));
  }

  DaemonHarness harness;
  ASSERT_TRUE(harness.StartFake(ScriptFor(all_ids, rng), {"--latency-ms", "30"}).ok());
  harness.EnableJsonl("256KiB");
  Status started = harness.StartDaemon(DaemonConfig());
  ASSERT_TRUE(started.ok()) << started.ToString();

  // Clients pace themselves (batches of 4.5 lines on average) so that intake
  // goes on through the kills.
  auto kill_phase = std::chrono::milliseconds(700 * kills);
  auto pace =
      std::chrono::milliseconds(std::max<int64_t>(1, kill_phase.count() * 4 / per_client_count));
  auto client_deadline = std::chrono::steady_clock::now() + kill_phase + std::chrono::seconds(90);
  std::vector<std::unique_ptr<ResendingClient>> clients;
  std::vector<std::thread> threads;
  for (int c = 0; c < kClients; ++c) {
    clients.push_back(
        std::make_unique<ResendingClient>(harness.socket_path(), std::move(per_client[c]), rng()));
    threads.emplace_back([&, c] { clients[c]->Run(client_deadline, pace); });
  }

  std::uniform_int_distribution<int> uptime_ms(150, 1000);
  std::uniform_int_distribution<int> downtime_ms(0, 100);
  for (uint64_t k = 1; k <= kills; ++k) {
    int up = uptime_ms(rng);
    std::this_thread::sleep_for(std::chrono::milliseconds(up));
    ASSERT_TRUE(harness.daemon().Kill(SIGKILL).ok());
    auto exit = harness.daemon().Wait(std::chrono::seconds(10));
    ASSERT_TRUE(exit.ok()) << exit.status().ToString();
    auto rows = QueryScalar(harness.db_path(), "SELECT COUNT(*) FROM audit_log");
    std::printf("kill %llu after %d ms up (started with ~%s pending): %s rows so far\n",
                static_cast<unsigned long long>(k), up, PendingAtStart(harness.DaemonLog()).c_str(),
                rows.ok() ? rows->c_str() : "?");
    std::fflush(stdout);
    std::this_thread::sleep_for(std::chrono::milliseconds(downtime_ms(rng)));
    Status restarted = harness.RestartDaemon();
    ASSERT_TRUE(restarted.ok()) << restarted.ToString();
  }
  for (auto& thread : threads) thread.join();

  // The final, clean run lets everything finish.
  std::set<std::string> acked;
  std::set<std::string> sent;
  ClientTotals totals;
  for (const auto& client : clients) {
    acked.insert(client->acked().begin(), client->acked().end());
    sent.insert(client->sent().begin(), client->sent().end());
    totals.lines_sent += client->totals().lines_sent;
    totals.resends += client->totals().resends;
    totals.duplicate_replies += client->totals().duplicate_replies;
    totals.error_replies += client->totals().error_replies;
    totals.broken_connections += client->totals().broken_connections;
  }
  ASSERT_EQ(acked.size(), all_ids.size()) << "clients gave up before every record was acknowledged";
  Status done = harness.WaitForRows(static_cast<int64_t>(acked.size()), std::chrono::seconds(90));
  ASSERT_TRUE(done.ok()) << done.ToString().substr(0, 2000);
  auto exit = harness.StopDaemon(SIGTERM);
  ASSERT_TRUE(exit.ok() && exit->Success()) << harness.DaemonLog().substr(0, 4000);

  auto sqlite_rows = SqliteRowIds(harness.db_path());
  ASSERT_TRUE(sqlite_rows.ok()) << sqlite_rows.status().ToString();
  auto jsonl_rows = JsonlRowIds(harness.jsonl_path());
  ASSERT_TRUE(jsonl_rows.ok()) << jsonl_rows.status().ToString();
  EXPECT_EQ(ExactlyOnceProblems(*sqlite_rows, acked), "") << "sqlite";
  EXPECT_EQ(ExactlyOnceProblems(*jsonl_rows, acked), "") << "jsonl";
  EXPECT_EQ(sent, acked) << "a record was sent that no reply ever acknowledged";

  std::vector<std::string> verify_jsonl = {"--jsonl"};
  for (const auto& file : JsonlFiles(harness.jsonl_path())) verify_jsonl.push_back(file);
  int verify_db = RunVerify({"--db", harness.db_path()}, harness.dir() + "/verify-db.out");
  int verify_files = RunVerify(verify_jsonl, harness.dir() + "/verify-jsonl.out");
  EXPECT_EQ(verify_db, 0);
  EXPECT_EQ(verify_files, 0);

  std::map<std::string, int> by_status;
  for (const auto& row : *sqlite_rows) ++by_status[row.meta_status];
  std::string statuses;
  for (const auto& [status, n] : by_status) statuses += " " + status + "=" + std::to_string(n);
  std::printf(
      "crash test: seed %llu, %llu kills, %zu records from %d clients, %llu lines sent "
      "(%llu resends, %llu duplicate replies, %llu error replies, %llu broken connections); "
      "rows: sqlite %zu, jsonl %zu in %zu files, seq 1..%lld; verify db %s, jsonl %s;%s\n",
      static_cast<unsigned long long>(seed), static_cast<unsigned long long>(kills), acked.size(),
      kClients, static_cast<unsigned long long>(totals.lines_sent),
      static_cast<unsigned long long>(totals.resends),
      static_cast<unsigned long long>(totals.duplicate_replies),
      static_cast<unsigned long long>(totals.error_replies),
      static_cast<unsigned long long>(totals.broken_connections), sqlite_rows->size(),
      jsonl_rows->size(), JsonlFiles(harness.jsonl_path()).size(),
      static_cast<long long>(sqlite_rows->empty() ? 0 : sqlite_rows->back().seq),
      verify_db == 0 ? "ok" : "FAILED", verify_files == 0 ? "ok" : "FAILED", statuses.c_str());
}

}  // namespace
}  // namespace orauditd::testing
