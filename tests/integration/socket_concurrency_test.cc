// The socket under many clients at once: every client gets its own replies,
// in order, and a client that stops reading does not stall the others.
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "tests/support/daemon_harness.h"

namespace orauditd::testing {
namespace {

int Connect(const std::string& path) {
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

// Reads one line within `timeout_ms`; empty on timeout or EOF.
std::string ReadLine(int fd, int timeout_ms) {
  std::string line;
  char c;
  while (true) {
    pollfd pfd{fd, POLLIN, 0};
    if (poll(&pfd, 1, timeout_ms) <= 0) return "";
    if (recv(fd, &c, 1, 0) != 1) return "";
    if (c == '\n') return line;
    line.push_back(c);
  }
}

std::string Record(const std::string& id) {
  return R"({"request_id":")" + id + R"(","status":"error","error_code":"x"})" "\n";
}

class SocketConcurrencyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(harness_.StartFake("{}").ok());
    Status started = harness_.StartDaemon("fetch:\n  first_delay: 1h\n");
    ASSERT_TRUE(started.ok()) << started.ToString();
  }
  DaemonHarness harness_;
};

TEST_F(SocketConcurrencyTest, TwoThousandClientsAtOnceEachGetTheirReplies) {
  constexpr int kClients = 2000;
  std::vector<int> fds;
  for (int i = 0; i < kClients; ++i) {
    int fd = Connect(harness_.socket_path());
    ASSERT_GE(fd, 0) << "connection " << i << ": " << std::strerror(errno);
    fds.push_back(fd);
  }
  // Everyone writes before anyone reads, so the records arrive together.
  for (int i = 0; i < kClients; ++i) {
    std::string lines = Record("c" + std::to_string(i) + "-a") +
                        Record("c" + std::to_string(i) + "-b");
    ASSERT_EQ(send(fds[i], lines.data(), lines.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(lines.size()));
  }
  for (int i = 0; i < kClients; ++i) {
    std::string id = "c" + std::to_string(i);
    EXPECT_EQ(ReadLine(fds[i], 20000), R"({"ok":true,"id":")" + id + R"(-a"})");
    EXPECT_EQ(ReadLine(fds[i], 20000), R"({"ok":true,"id":")" + id + R"(-b"})");
    close(fds[i]);
  }
  ASSERT_TRUE(harness_.WaitForRows(2 * kClients, std::chrono::seconds(60)).ok());
}

TEST_F(SocketConcurrencyTest, AClientThatDoesNotReadDoesNotStallOthers) {
  // The stalled client floods the daemon and never reads a reply, until the
  // daemon stops reading from it (its reply buffer is bounded).
  int stalled = Connect(harness_.socket_path());
  ASSERT_GE(stalled, 0);
  std::string flood;
  for (int i = 0; i < 150000; ++i) flood += Record("stall-" + std::to_string(i));
  size_t sent = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (sent < flood.size() && std::chrono::steady_clock::now() < deadline) {
    ssize_t n = send(stalled, flood.data() + sent, flood.size() - sent,
                     MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) sent += static_cast<size_t>(n);
    if (n < 0) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_LT(sent, flood.size()) << "the daemon kept reading from a client that never reads";

  // Meanwhile another client is served at once.
  auto replies = harness_.Submit({Record("other-1").substr(0, Record("other-1").size() - 1)});
  ASSERT_TRUE(replies.ok()) << replies.status().ToString();
  ASSERT_EQ(replies->size(), 1u);
  EXPECT_EQ((*replies)[0].reply, R"({"ok":true,"id":"other-1"})");
  close(stalled);
}

}  // namespace
}  // namespace orauditd::testing
