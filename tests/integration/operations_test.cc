// What an operator relies on, on the built daemon: signals (SIGHUP with a
// bad config keeps the old one, SIGINT drains as SIGTERM does), the log
// (no API key and no prompt text in it, JSON lines on request) and
// --check-config.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "tests/support/daemon_harness.h"

namespace orauditd::testing {
namespace {

constexpr char kScript[] = R"({
  "gen-1764863000-operationsResolved01": {"steps": [{"kind": "ok", "cost": 0.0001}]},
  "gen-1764863001-operationsResolved02": {"steps": [{"kind": "ok", "cost": 0.0002}]},
  "gen-1764863002-operationsResolved03": {"steps": [{"kind": "ok", "cost": 0.0003}]}
})";

// Text that appears only inside prompts; it must never reach the log.
constexpr char kPromptText[] = "Tell me the vault combination 7319 for Zyxwvut Quartermain";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::trunc) << text;
}

bool WaitForLog(const DaemonHarness& harness, const std::string& needle) {
  for (int i = 0; i < 250; ++i) {
    if (harness.DaemonLog().find(needle) != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

std::string Record(const std::string& request_id, const std::string& generation_id) {
  return R"({"request_id":")" + request_id + R"(","generation_id":")" + generation_id + R"("})";
}

class OperationsTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(harness_.StartFake(kScript).ok()); }

  DaemonHarness harness_;
};

TEST_F(OperationsTest, TheLogHoldsNeitherTheApiKeyNorAnyPromptText) {
  ASSERT_TRUE(harness_.StartDaemon().ok());  // log.level debug: the most it ever says
  std::string messages = std::string(R"([{"role":"user","content":")") + kPromptText + R"("}])";
  auto replies = harness_.Submit({
      R"({"request_id":"s-1","generation_id":"gen-1764863000-operationsResolved01",)"
      R"("messages":)" +
          messages + "}",
      R"({"request_id":"s-2","request":{"model":"openai/gpt-4o","messages":)" + messages +
          R"(},"response":{"id":"gen-1764863001-operationsResolved02","model":"openai/gpt-4o"}})",
      // Refused lines carrying a prompt: the reason is logged, the prompt not.
      R"({"request_id":"s-3","generation_id":7,"messages":)" + messages + "}",
      R"({"request_id":"s-4","messages":)" + messages + R"(,"prompt_tokens":-1})",
      // A record for a key nobody configured: its problem is logged by name.
      R"({"request_id":"s-5","generation_id":"gen-1764863002-operationsResolved03",)"
      R"("key":"other","messages":)" +
          messages + "}",
  });
  ASSERT_TRUE(replies.ok()) << replies.status().ToString();
  ASSERT_TRUE(harness_.WaitForRows(2).ok());
  ASSERT_TRUE(harness_.StopDaemon().ok());

  std::string log = harness_.DaemonLog();
  EXPECT_NE(log.find("record s-2: resolved"), std::string::npos) << "debug lines were written";
  EXPECT_EQ(log.find(kTestKey), std::string::npos) << "the API key reached the log";
  EXPECT_EQ(log.find("sk-or-v1"), std::string::npos) << "part of the API key reached the log";
  EXPECT_EQ(log.find("vault combination"), std::string::npos) << "prompt text reached the log";
  EXPECT_EQ(log.find("Quartermain"), std::string::npos) << "prompt text reached the log";
  for (const Reply& reply : *replies) {
    EXPECT_EQ(reply.reply.find("Quartermain"), std::string::npos) << reply.reply;
  }
}

TEST_F(OperationsTest, AStartBelowMinFreeSaysOnceThatEveryRecordWillBeRefused) {
  harness_.set_min_free("100000GiB");
  ASSERT_TRUE(harness_.StartDaemon().ok()) << harness_.DaemonLog();
  const std::string warning =
      "below intake.min_free (102400000 MiB): every record is refused until space is freed";
  ASSERT_TRUE(WaitForLog(harness_, warning)) << harness_.DaemonLog();

  auto replies = harness_.Submit({Record("mf-1", "gen-1764863000-operationsResolved01")});
  ASSERT_TRUE(replies.ok()) << replies.status().ToString();
  ASSERT_EQ(replies->size(), 1u);
  EXPECT_NE((*replies)[0].reply.find("below intake.min_free"), std::string::npos)
      << (*replies)[0].reply;
  std::string log = harness_.DaemonLog();
  size_t first = log.find(warning);
  EXPECT_EQ(log.find(warning, first + 1), std::string::npos) << "said once only:\n" << log;

  size_t line_start = log.rfind('\n', first) + 1;  // npos + 1 is 0: the first line
  EXPECT_NE(log.substr(line_start, first - line_start).find("warn"), std::string::npos) << log;

  auto stopped = harness_.StopDaemon(SIGTERM);
  ASSERT_TRUE(stopped.ok() && stopped->Success()) << harness_.DaemonLog();
  harness_.set_min_free("1MiB");
  ASSERT_TRUE(harness_.StartDaemon().ok()) << harness_.DaemonLog();
  ASSERT_TRUE(WaitForLog(harness_, "ready: ")) << harness_.DaemonLog();
  EXPECT_EQ(harness_.DaemonLog().find("every record is refused"), std::string::npos)
      << harness_.DaemonLog();
}

TEST_F(OperationsTest, SighupWithABadConfigKeepsTheRunningOneAndAGoodOneIsTaken) {
  ASSERT_TRUE(harness_.StartDaemon().ok());
  std::string good = ReadFile(harness_.config_path());

  WriteFile(harness_.config_path(), good + "fetch_windw: 1s\n");
  ASSERT_TRUE(harness_.daemon().Kill(SIGHUP).ok());
  ASSERT_TRUE(WaitForLog(harness_, "reload refused, the running config stays in force"))
      << harness_.DaemonLog();
  EXPECT_NE(harness_.DaemonLog().find("fetch_windw: unknown key"), std::string::npos)
      << harness_.DaemonLog();

  // Still running, still taking records, still writing rows.
  ASSERT_TRUE(harness_.Submit({Record("h-1", "gen-1764863000-operationsResolved01")}).ok());
  ASSERT_TRUE(harness_.WaitForRows(1).ok());

  std::string quieter = good;
  size_t at = quieter.find("level: debug");
  ASSERT_NE(at, std::string::npos);
  quieter.replace(at, 12, "level: info");
  // A setting a reload does not apply is named, so nobody thinks it took.
  at = quieter.find("rate_per_second: 1000");
  ASSERT_NE(at, std::string::npos);
  quieter.replace(at, 21, "rate_per_second: 999");
  WriteFile(harness_.config_path(), quieter);
  ASSERT_TRUE(harness_.daemon().Kill(SIGHUP).ok());
  ASSERT_TRUE(WaitForLog(harness_, "reload: config")) << harness_.DaemonLog();
  ASSERT_TRUE(WaitForLog(
      harness_, "reload: changed settings that take a restart, still as before: "
                "fetch.rate_per_second"))
      << harness_.DaemonLog();
  ASSERT_TRUE(harness_.Submit({Record("h-2", "gen-1764863001-operationsResolved02")}).ok());
  ASSERT_TRUE(harness_.WaitForRows(2).ok());

  auto stopped = harness_.StopDaemon();
  ASSERT_TRUE(stopped.ok());
  EXPECT_TRUE(stopped->Success()) << stopped->ToString();
}

// An HTML 404 means openrouter.base_url is wrong; the log asks for a fix and
// a reload, and the reload must then use the corrected address.
TEST_F(OperationsTest, SighupTakesACorrectedBaseUrlAndParkedRecordsResolve) {
  ASSERT_TRUE(harness_.StartDaemon().ok());
  std::string good = ReadFile(harness_.config_path());
  std::string wrong = good;
  size_t at = wrong.find("/api/v1");
  ASSERT_NE(at, std::string::npos);
  wrong.replace(at, 7, "/v1");
  WriteFile(harness_.config_path(), wrong);
  ASSERT_TRUE(harness_.daemon().Kill(SIGHUP).ok());
  ASSERT_TRUE(WaitForLog(harness_, "openrouter.base_url is now")) << harness_.DaemonLog();

  ASSERT_TRUE(harness_.Submit({Record("u-1", "gen-1764863002-operationsResolved03")}).ok());
  ASSERT_TRUE(WaitForLog(harness_, "answered an HTML 404")) << harness_.DaemonLog();

  WriteFile(harness_.config_path(), good);
  ASSERT_TRUE(harness_.daemon().Kill(SIGHUP).ok());
  ASSERT_TRUE(harness_.WaitForRows(1).ok()) << harness_.DaemonLog();
  auto row = harness_.RowFor("u-1");
  ASSERT_TRUE(row.ok()) << row.status().ToString();
  EXPECT_EQ((*row)["meta_status"], "resolved") << harness_.DaemonLog();
}

TEST_F(OperationsTest, SigintDrainsAndExitsZeroAsSigtermDoes) {
  ASSERT_TRUE(harness_.StartDaemon().ok());
  ASSERT_TRUE(harness_.Submit({Record("i-1", "gen-1764863000-operationsResolved01")}).ok());
  ASSERT_TRUE(harness_.WaitForRows(1).ok());
  auto stopped = harness_.StopDaemon(SIGINT);
  ASSERT_TRUE(stopped.ok()) << stopped.status().ToString();
  EXPECT_TRUE(stopped->Success()) << stopped->ToString() << "\n" << harness_.DaemonLog();
  EXPECT_NE(harness_.DaemonLog().find("shutdown: Interrupt received; draining"), std::string::npos)
      << harness_.DaemonLog();
  EXPECT_NE(harness_.DaemonLog().find("shutdown complete"), std::string::npos);
}

TEST_F(OperationsTest, JsonLogFormatWritesOneObjectPerLine) {
  harness_.set_log_format("json");
  ASSERT_TRUE(harness_.StartDaemon().ok());
  ASSERT_TRUE(harness_.Submit({Record("j-1", "gen-1764863000-operationsResolved01")}).ok());
  ASSERT_TRUE(harness_.WaitForRows(1).ok());
  ASSERT_TRUE(harness_.StopDaemon().ok());

  std::istringstream log(harness_.DaemonLog());
  std::string line;
  int lines = 0;
  while (std::getline(log, line)) {
    ++lines;
    EXPECT_EQ(line.rfind("{\"time\":\"", 0), 0u) << line;
    EXPECT_EQ(line.back(), '}') << line;
    EXPECT_NE(line.find("\"level\":\""), std::string::npos) << line;
  }
  EXPECT_GT(lines, 3);
  EXPECT_NE(harness_.DaemonLog().find("\"message\":\"shutdown complete"), std::string::npos);
}

TEST(CheckConfigTest, PrintsTheEffectiveConfigMaskedAndRefusesTyposWith78) {
  TempDir dir;
  WriteFile(dir.File("good.yaml"),
            "openrouter:\n  keys:\n    default: { file: openrouter_api_key }\n"
            "    team: { env: ORAUDITD_TEST_KEY_NEVER_SET }\n"
            "log: { format: json }\n");
  WriteFile(dir.File("bad.yaml"), "log: { levl: info }\n");
  Subprocess check;
  SubprocessOptions options;
  options.stdout_path = dir.File("out");
  options.stderr_path = dir.File("err");
  ASSERT_TRUE(
      check.Start({ORAUDITD_BIN, "--check-config", "--config", dir.File("good.yaml")}, {}, options)
          .ok());
  auto exit = check.Wait(std::chrono::seconds(10));
  ASSERT_TRUE(exit.ok());
  EXPECT_TRUE(exit->Success()) << ReadFile(dir.File("err"));
  std::string printed = ReadFile(dir.File("out"));
  EXPECT_NE(printed.find("default: { file: \"openrouter_api_key\" }   # value: ***"),
            std::string::npos)
      << printed;
  EXPECT_NE(printed.find("team: { env: ORAUDITD_TEST_KEY_NEVER_SET }   # NOT SET"),
            std::string::npos)
      << printed;
  EXPECT_NE(printed.find("  format: json\n"), std::string::npos) << printed;

  Subprocess bad;
  ASSERT_TRUE(
      bad.Start({ORAUDITD_BIN, "--check-config", "--config", dir.File("bad.yaml")}, {}, options)
          .ok());
  exit = bad.Wait(std::chrono::seconds(10));
  ASSERT_TRUE(exit.ok());
  EXPECT_EQ(exit->code, 78);
  EXPECT_NE(ReadFile(dir.File("err")).find("log.levl: unknown key (did you mean log.level?)"),
            std::string::npos)
      << ReadFile(dir.File("err"));
}

// Every command orauditctl takes is in its help, --version included, and
// --version prints what the build says.
TEST(OrauditctlHelpTest, ListsEveryCommandAndTheVersionOption) {
  TempDir dir;
  SubprocessOptions options;
  options.stdout_path = dir.File("out");
  options.stderr_path = dir.File("err");
  Subprocess help;
  ASSERT_TRUE(help.Start({ORAUDITCTL_BIN, "--help"}, {}, options).ok());
  auto exit = help.Wait(std::chrono::seconds(10));
  ASSERT_TRUE(exit.ok() && exit->Success()) << ReadFile(dir.File("err"));
  std::string text = ReadFile(dir.File("out"));
  for (const char* entry : {"\n  submit ", "\n  replay ", "\n  status ", "\n  verify ",
                            "\n  report ", "\n  help ", "\n  --version "}) {
    EXPECT_NE(text.find(entry), std::string::npos) << entry << " missing from:\n" << text;
  }

  Subprocess version;
  ASSERT_TRUE(version.Start({ORAUDITCTL_BIN, "--version"}, {}, options).ok());
  exit = version.Wait(std::chrono::seconds(10));
  ASSERT_TRUE(exit.ok() && exit->Success()) << ReadFile(dir.File("err"));
  EXPECT_EQ(ReadFile(dir.File("out")), std::string("orauditctl ") + ORAUDITD_VERSION + "\n");
}

}  // namespace
}  // namespace orauditd::testing
