// clients/shell/submit.sh against the real daemon: the reply on stdout, a
// refusal on stderr with exit 1, and the spool when the daemon is stopped.
#include <gtest/gtest.h>

#include "tests/clients/client_programs.h"
#include "tests/support/daemon_harness.h"

namespace orauditd::testing {
namespace {

constexpr char kGen[] = "gen-1764860000-shell-example";

class ShellExample : public ::testing::Test {
 protected:
  void SetUp() override {
    // The script needs socat; CI installs it, so its absence is a failure.
    ASSERT_TRUE(FindOnPath("socat").ok()) << FindOnPath("socat").status().ToString();
    ASSERT_TRUE(harness_
                    .StartFake(R"({")" + std::string(kGen) +
                               R"(": {"steps": [{"kind": "ok", "cost": 0.0033}]}})")
                    .ok());
    Status started = harness_.StartDaemon();
    ASSERT_TRUE(started.ok()) << started.ToString();
  }

  ProgramRun Submit(const std::string& record) {
    auto run = RunProgram(
        {"/bin/sh", kClientsDir + "/shell/submit.sh", record},
        {"ORAUDITD_SOCKET=" + harness_.socket_path(), "ORAUDITD_SPOOL=" + harness_.spool_dir()},
        harness_.dir(), harness_.dir(), std::chrono::seconds(30));
    EXPECT_TRUE(run.ok()) << run.status().ToString();
    return run.ok() ? *run : ProgramRun{};
  }

  DaemonHarness harness_;
};

TEST_F(ShellExample, PrintsTheReplyAndTheRecordBecomesARow) {
  ProgramRun run =
      Submit(R"({"request_id":"sh-1","generation_id":")" + std::string(kGen) + R"("})");
  EXPECT_TRUE(run.status.Success()) << run.Describe();
  EXPECT_EQ(run.out, "{\"ok\":true,\"id\":\"sh-1\"}\n") << run.Describe();
  ASSERT_TRUE(harness_.WaitForRows(1).ok()) << harness_.DaemonLog();
  auto rows = harness_.Query("SELECT meta_status, total_cost FROM audit_log");
  ASSERT_TRUE(rows.ok() && rows->size() == 1);
  EXPECT_EQ((*rows)[0]["meta_status"], "resolved");
  EXPECT_DOUBLE_EQ(std::stod((*rows)[0]["total_cost"].value_or("-1")), 0.0033);
}

TEST_F(ShellExample, ARefusedRecordExitsOneWithTheReason) {
  ProgramRun run = Submit(R"({"request_id":"sh-bad","prompt_tokens":-3,"status":"error"})");
  EXPECT_TRUE(run.status.exited && run.status.code == 1) << run.Describe();
  EXPECT_NE(run.err.find("prompt_tokens: must be an integer >= 0, got -3"), std::string::npos)
      << run.Describe();
  EXPECT_EQ(ListFolder(harness_.spool_dir() + "/incoming"), std::vector<std::string>{});
}

TEST_F(ShellExample, AStoppedDaemonMeansTheSpool) {
  auto stopped = harness_.StopDaemon();
  ASSERT_TRUE(stopped.ok() && stopped->Success()) << harness_.DaemonLog();
  ProgramRun run =
      Submit(R"({"request_id":"sh-2","generation_id":")" + std::string(kGen) + R"("})");
  EXPECT_TRUE(run.status.Success()) << run.Describe();
  EXPECT_NE(run.err.find("spooled to " + harness_.spool_dir() + "/incoming/sh-"), std::string::npos)
      << run.Describe();

  ASSERT_TRUE(harness_.RestartDaemon().ok()) << harness_.DaemonLog();
  ASSERT_TRUE(harness_.WaitForRows(1).ok()) << harness_.DaemonLog();
  auto rows = harness_.Query("SELECT request_id, source, meta_status FROM audit_log");
  ASSERT_TRUE(rows.ok() && rows->size() == 1);
  EXPECT_EQ((*rows)[0]["request_id"], "sh-2");
  EXPECT_EQ((*rows)[0]["source"], "spool");
  EXPECT_EQ((*rows)[0]["meta_status"], "resolved");
}

}  // namespace
}  // namespace orauditd::testing
