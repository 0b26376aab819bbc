#include "daemon/systemd_notify.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>

#include "tests/support/notify_listener.h"
#include "tests/support/temp_dir.h"

namespace orauditd {
namespace {

using testing::NotifyListener;

// Sets environment variables for one test and restores them after.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    const char* old = std::getenv(name);
    if (old != nullptr) old_ = old;
    had_ = old != nullptr;
    setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (had_) {
      setenv(name_, old_.c_str(), 1);
    } else {
      unsetenv(name_);
    }
  }

 private:
  const char* name_;
  std::string old_;
  bool had_ = false;
};

TEST(SystemdNotifierTest, SendsOneDatagramPerMessageToAPathSocket) {
  testing::TempDir dir;
  NotifyListener listener;
  ASSERT_TRUE(listener.Bind(dir.File("notify")).ok());
  SystemdNotifier notifier(dir.File("notify"), 0);
  ASSERT_TRUE(notifier.Notify("READY=1\nSTATUS=ok").ok());
  ASSERT_TRUE(notifier.Notify("STOPPING=1").ok());
  EXPECT_EQ(*listener.Receive(std::chrono::seconds(2)), "READY=1\nSTATUS=ok");
  EXPECT_EQ(*listener.Receive(std::chrono::seconds(2)), "STOPPING=1");
}

TEST(SystemdNotifierTest, ReachesTheAbstractNamespaceForAnAtName) {
  NotifyListener listener;
  std::string name = "@orauditd-notify-test-" + std::to_string(getpid());
  ASSERT_TRUE(listener.Bind(name).ok());
  SystemdNotifier notifier(name, 0);
  ASSERT_TRUE(notifier.Notify("WATCHDOG=1").ok());
  EXPECT_EQ(*listener.Receive(std::chrono::seconds(2)), "WATCHDOG=1");
}

TEST(SystemdNotifierTest, WithoutASocketEveryCallIsANoOp) {
  SystemdNotifier notifier;
  EXPECT_FALSE(notifier.enabled());
  EXPECT_TRUE(notifier.Notify("READY=1").ok());
  EXPECT_EQ(notifier.watchdog_ping_interval_ms(), 0u);
}

TEST(SystemdNotifierTest, ASocketNobodyListensOnIsAnErrorThatNamesIt) {
  testing::TempDir dir;
  SystemdNotifier notifier(dir.File("nobody"), 0);
  Status sent = notifier.Notify("READY=1");
  EXPECT_FALSE(sent.ok());
  EXPECT_NE(sent.message().find(dir.File("nobody")), std::string::npos) << sent.ToString();
  EXPECT_FALSE(SystemdNotifier("relative/path", 0).Notify("READY=1").ok());
}

TEST(SystemdNotifierTest, PingsAtHalfTheWatchdogIntervalForThisProcessOnly) {
  ScopedEnv socket("NOTIFY_SOCKET", "/run/systemd/notify");
  ScopedEnv usec("WATCHDOG_USEC", "30000000");
  {
    ScopedEnv pid("WATCHDOG_PID", std::to_string(getpid()));
    EXPECT_EQ(SystemdNotifier::FromEnvironment().watchdog_ping_interval_ms(), 15000u);
  }
  {
    ScopedEnv pid("WATCHDOG_PID", std::to_string(getpid() + 1));
    EXPECT_EQ(SystemdNotifier::FromEnvironment().watchdog_ping_interval_ms(), 0u)
        << "the settings name another process";
  }
  unsetenv("WATCHDOG_PID");
  SystemdNotifier notifier = SystemdNotifier::FromEnvironment();
  EXPECT_TRUE(notifier.enabled());
  EXPECT_EQ(notifier.socket(), "/run/systemd/notify");
  EXPECT_EQ(notifier.watchdog_ping_interval_ms(), 15000u) << "no WATCHDOG_PID: ours";
  ScopedEnv bad("WATCHDOG_USEC", "soon");
  EXPECT_EQ(SystemdNotifier::FromEnvironment().watchdog_ping_interval_ms(), 0u);
}

}  // namespace
}  // namespace orauditd
