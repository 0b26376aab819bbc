// The socat one-liner of clients/README.md, taken from the README as it is
// written and run against the real daemon, with only the socket path
// changed: the reply comes back on stdout, and the daemon closes the
// connection at once rather than leaving socat to its 5 s limit.
#include <gtest/gtest.h>

#include <chrono>
#include <sstream>

#include "tests/clients/client_programs.h"
#include "tests/support/daemon_harness.h"

namespace orauditd::testing {
namespace {

constexpr char kInstalledSocket[] = "/run/orauditd/intake.sock";

// The README's line that pipes a record into socat; empty when there is none.
std::string SocatLineOfTheReadme() {
  std::istringstream readme(ReadWholeFile(kClientsDir + "/README.md"));
  std::string line;
  while (std::getline(readme, line)) {
    if (line.rfind("echo '", 0) == 0 && line.find("| socat ") != std::string::npos) return line;
  }
  return "";
}

TEST(ReadmeOneLinerTest, TheSocatLineGetsTheReplyAtOnce) {
  ASSERT_TRUE(FindOnPath("socat").ok()) << FindOnPath("socat").status().ToString();
  std::string command = SocatLineOfTheReadme();
  ASSERT_FALSE(command.empty()) << "no socat one-liner in clients/README.md";
  size_t at = command.find(kInstalledSocket);
  ASSERT_NE(at, std::string::npos) << command;

  DaemonHarness harness;
  ASSERT_TRUE(harness.StartFake("{}").ok());
  Status started = harness.StartDaemon();
  ASSERT_TRUE(started.ok()) << started.ToString();
  command.replace(at, std::string(kInstalledSocket).size(), harness.socket_path());

  auto begin = std::chrono::steady_clock::now();
  auto run = RunProgram({"/bin/sh", "-c", command}, {}, harness.dir(), harness.dir(),
                        std::chrono::seconds(30));
  auto took = std::chrono::steady_clock::now() - begin;
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_TRUE(run->status.Success()) << run->Describe();
  EXPECT_EQ(run->out.rfind("{\"ok\":true,\"id\":\"", 0), 0u) << run->Describe();
  EXPECT_TRUE(run->out.ends_with("\n")) << run->Describe();
  EXPECT_LT(took, std::chrono::seconds(4)) << "socat waited for its -t limit: " << run->Describe();
}

}  // namespace
}  // namespace orauditd::testing
