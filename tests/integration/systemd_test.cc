// The built daemon under a pretend systemd: the notify protocol against a
// datagram socket the test listens on (READY, STATUS, WATCHDOG, STOPPING),
// and socket activation with a listening socket the test hands over.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "tests/support/daemon_harness.h"
#include "tests/support/notify_listener.h"

namespace orauditd::testing {
namespace {

constexpr char kScript[] = R"({
  "gen-1764862000-systemdResolved00001": {"steps": [{"kind": "ok", "cost": 0.0001}]}
})";

std::string Record(const std::string& request_id) {
  return R"({"request_id":")" + request_id +
         R"(","generation_id":"gen-1764862000-systemdResolved00001"})";
}

size_t CountContaining(const std::vector<std::string>& messages, const std::string& needle) {
  return std::count_if(messages.begin(), messages.end(),
                       [&](const std::string& m) { return m.find(needle) != std::string::npos; });
}

class SystemdNotifyTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(harness_.StartFake(kScript).ok()); }

  DaemonHarness harness_;
  NotifyListener listener_;
};

TEST_F(SystemdNotifyTest, ReadyWithStatusThenWatchdogPingsThenStopping) {
  ASSERT_TRUE(listener_.Bind(harness_.dir() + "/notify").ok());
  harness_.set_daemon_env({"NOTIFY_SOCKET=" + listener_.name(), "WATCHDOG_USEC=200000"});
  ASSERT_TRUE(harness_.StartDaemon().ok());

  auto ready = listener_.ReceiveUntil("READY=1", std::chrono::seconds(10));
  ASSERT_TRUE(ready.ok()) << ready.status().ToString() << "\n" << harness_.DaemonLog();
  EXPECT_NE(ready->back().find("STATUS=0 pending"), std::string::npos) << ready->back();
  // READY=1 comes once intake listens: a client can connect at once.
  auto replies = harness_.Submit({Record("sd-1")});
  ASSERT_TRUE(replies.ok()) << replies.status().ToString();

  // WATCHDOG_USEC of 200 ms: a ping about every 100 ms, from the loop.
  std::vector<std::string> pings = listener_.ReceiveFor(std::chrono::seconds(1));
  EXPECT_GE(CountContaining(pings, "WATCHDOG=1"), 5u);
  EXPECT_LE(CountContaining(pings, "WATCHDOG=1"), 15u);

  auto stopped = harness_.StopDaemon(SIGTERM);
  ASSERT_TRUE(stopped.ok());
  EXPECT_TRUE(stopped->Success()) << stopped->ToString();
  auto stopping = listener_.ReceiveUntil("STOPPING=1", std::chrono::seconds(5));
  EXPECT_TRUE(stopping.ok()) << stopping.status().ToString();
}

TEST_F(SystemdNotifyTest, StatusLineCarriesQueueDepthAndOldestAge) {
  ASSERT_TRUE(listener_.Bind(harness_.dir() + "/notify").ok());
  harness_.set_daemon_env({"NOTIFY_SOCKET=" + listener_.name()});
  // A record with an unknown key stays parked and pending for the window.
  ASSERT_TRUE(harness_.StartDaemon().ok());
  ASSERT_TRUE(listener_.ReceiveUntil("READY=1", std::chrono::seconds(10)).ok());
  auto replies =
      harness_.Submit({R"({"request_id":"st-1","generation_id":"gen-x","key":"not-configured"})"});
  ASSERT_TRUE(replies.ok());
  // STATUS= is sent every 5 s.
  auto status = listener_.ReceiveUntil("STATUS=1 pending, oldest", std::chrono::seconds(12));
  ASSERT_TRUE(status.ok()) << status.status().ToString();
  EXPECT_NE(status->back().find("lookups in flight"), std::string::npos) << status->back();
}

TEST_F(SystemdNotifyTest, AnAbstractNotifySocketIsReached) {
  std::string name = "@orauditd-it-" + std::to_string(getpid());
  ASSERT_TRUE(listener_.Bind(name).ok());
  harness_.set_daemon_env({"NOTIFY_SOCKET=" + name});
  ASSERT_TRUE(harness_.StartDaemon().ok());
  auto ready = listener_.ReceiveUntil("READY=1", std::chrono::seconds(10));
  EXPECT_TRUE(ready.ok()) << ready.status().ToString();
}

TEST_F(SystemdNotifyTest, WatchdogSettingsForAnotherProcessSendNoPings) {
  ASSERT_TRUE(listener_.Bind(harness_.dir() + "/notify").ok());
  harness_.set_daemon_env(
      {"NOTIFY_SOCKET=" + listener_.name(), "WATCHDOG_USEC=100000", "WATCHDOG_PID=1"});
  ASSERT_TRUE(harness_.StartDaemon().ok());
  auto ready = listener_.ReceiveUntil("READY=1", std::chrono::seconds(10));
  ASSERT_TRUE(ready.ok()) << ready.status().ToString();
  std::vector<std::string> after = listener_.ReceiveFor(std::chrono::milliseconds(500));
  EXPECT_EQ(CountContaining(*ready, "WATCHDOG=1") + CountContaining(after, "WATCHDOG=1"), 0u);
}

TEST_F(SystemdNotifyTest, WithoutNotifySocketNothingIsSentAndTheDaemonRunsAsUsual) {
  ASSERT_TRUE(harness_.StartDaemon().ok());
  ASSERT_TRUE(harness_.Submit({Record("plain-1")}).ok());
  ASSERT_TRUE(harness_.WaitForRows(1).ok());
  EXPECT_EQ(harness_.DaemonLog().find("systemd:"), std::string::npos) << harness_.DaemonLog();
}

TEST(SystemdSocketActivationTest, APassedSocketIsUsedAndLeftInPlaceAtExit) {
  DaemonHarness harness;
  ASSERT_TRUE(harness.StartFake(kScript).ok());
  // What systemd does for orauditd.socket: bind and listen before the
  // daemon exists. No close-on-exec, so that the daemon inherits it.
  int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, harness.socket_path().c_str(), sizeof address.sun_path - 1);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(listen(fd, 16), 0);
  harness.PassListeningSocket(fd);
  Status started = harness.StartDaemon();
  ASSERT_TRUE(started.ok()) << started.ToString();

  auto replies = harness.Submit({Record("act-1")});
  ASSERT_TRUE(replies.ok()) << replies.status().ToString();
  EXPECT_EQ((*replies)[0].reply, R"({"ok":true,"id":"act-1"})");
  ASSERT_TRUE(harness.WaitForRows(1).ok());
  EXPECT_NE(harness.DaemonLog().find("socket passed by systemd"), std::string::npos);

  auto stopped = harness.StopDaemon(SIGTERM);
  ASSERT_TRUE(stopped.ok());
  EXPECT_TRUE(stopped->Success()) << stopped->ToString() << "\n" << harness.DaemonLog();
  struct stat st;
  EXPECT_EQ(stat(harness.socket_path().c_str(), &st), 0) << "systemd's socket file stays";
  close(fd);
}

}  // namespace
}  // namespace orauditd::testing
