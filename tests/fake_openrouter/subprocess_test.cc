// tests/support/subprocess: the process helper every integration test uses.
#include "tests/support/subprocess.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>

namespace orauditd::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(SubprocessTest, ReportsTheExitCode) {
  Subprocess p;
  ASSERT_TRUE(p.Start({"/bin/sh", "-c", "exit 3"}).ok());
  EXPECT_TRUE(p.running());
  StatusOr<ExitStatus> exit = p.Wait(seconds(10));
  ASSERT_TRUE(exit.ok());
  EXPECT_TRUE(exit->exited);
  EXPECT_EQ(exit->code, 3);
  EXPECT_EQ(exit->ToString(), "exit 3");
  EXPECT_FALSE(p.running());
}

TEST(SubprocessTest, AddsAndReplacesEnvironmentEntries) {
  Subprocess p;
  ASSERT_TRUE(p.Start({"/bin/sh", "-c", "test \"$FAKE_A\" = one && test \"$HOME\" = /nowhere"},
                      {"FAKE_A=one", "HOME=/nowhere"})
                  .ok());
  StatusOr<ExitStatus> exit = p.Wait(seconds(10));
  ASSERT_TRUE(exit.ok());
  EXPECT_TRUE(exit->Success()) << exit->ToString();
}

TEST(SubprocessTest, RedirectsOutputAndSetsTheWorkingDirectory) {
  std::string out = ::testing::TempDir() + "subprocess_test_stdout";
  SubprocessOptions options;
  options.stdout_path = out;
  options.working_dir = "/";
  Subprocess p;
  ASSERT_TRUE(p.Start({"/bin/sh", "-c", "pwd"}, {}, options).ok());
  ASSERT_TRUE(p.Wait(seconds(10)).ok());
  std::ifstream in(out);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "/");
}

TEST(SubprocessTest, WaitTimesOutThenKillEndsTheChild) {
  Subprocess p;
  ASSERT_TRUE(p.Start({"/bin/sleep", "30"}).ok());
  StatusOr<ExitStatus> early = p.Wait(milliseconds(50));
  ASSERT_FALSE(early.ok());
  EXPECT_EQ(early.status().code(), Status::Code::kUnavailable);
  ASSERT_TRUE(p.Kill(SIGTERM).ok());
  StatusOr<ExitStatus> exit = p.Wait(seconds(10));
  ASSERT_TRUE(exit.ok());
  EXPECT_FALSE(exit->exited);
  EXPECT_EQ(exit->signal, SIGTERM);
}

TEST(SubprocessTest, StopEscalatesToSigkill) {
  // The shell ignores SIGTERM, so only SIGKILL ends it. It says "ready"
  // once the trap is set, so the SIGTERM cannot arrive before it.
  std::string out = ::testing::TempDir() + "subprocess_test_ready";
  std::remove(out.c_str());
  SubprocessOptions options;
  options.stdout_path = out;
  Subprocess p;
  ASSERT_TRUE(
      p.Start({"/bin/sh", "-c",
               "trap '' TERM; echo ready; i=0; while [ $i -lt 10000000 ]; do i=$((i+1)); done"},
              {}, options)
          .ok());
  auto deadline = std::chrono::steady_clock::now() + seconds(10);
  std::string line;
  while (line != "ready" && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(5));
    std::ifstream in(out);
    std::getline(in, line);
  }
  ASSERT_EQ(line, "ready");
  StatusOr<ExitStatus> exit = p.Stop(milliseconds(200));
  ASSERT_TRUE(exit.ok()) << exit.status().ToString();
  EXPECT_EQ(exit->signal, SIGKILL);
}

TEST(SubprocessTest, MissingProgramFailsToStart) {
  Subprocess p;
  Status status = p.Start({"/nonexistent/program"});
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.message().find("No such file"), std::string::npos) << status.ToString();
  EXPECT_FALSE(p.running());
  EXPECT_FALSE(p.Start({}).ok());
}

TEST(SubprocessTest, DestructorKillsAndReapsTheChild) {
  pid_t pid = -1;
  {
    Subprocess p;
    ASSERT_TRUE(p.Start({"/bin/sleep", "30"}).ok());
    pid = p.pid();
  }
  EXPECT_EQ(kill(pid, 0), -1);
  EXPECT_EQ(errno, ESRCH);
}

TEST(SubprocessTest, MoveTransfersOwnership) {
  Subprocess a;
  ASSERT_TRUE(a.Start({"/bin/sh", "-c", "exit 0"}).ok());
  Subprocess b = std::move(a);
  EXPECT_FALSE(a.running());  // NOLINT(bugprone-use-after-move): checking the moved-from state
  StatusOr<ExitStatus> exit = b.Wait(seconds(10));
  ASSERT_TRUE(exit.ok());
  EXPECT_TRUE(exit->Success());
  EXPECT_EQ(a.Wait(milliseconds(0)).status().code(), Status::Code::kFailedPrecondition);
}

}  // namespace
}  // namespace orauditd::testing
