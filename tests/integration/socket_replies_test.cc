// Replies over the socket are written one write per commit batch and
// connection (not one per line); whatever the batching, every line still
// gets exactly its own reply, in order: accepted, refused and duplicate
// lines mixed, from clients that stream thousands of lines at once; and a
// last line cut short by the client's close is refused with a reason.
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "tests/support/daemon_harness.h"

namespace orauditd::testing {
namespace {

constexpr int kLines = 3000;

bool Malformed(int i) { return i % 7 == 3; }
bool Repeat(int i) { return i % 11 == 10 && !Malformed(i); }

std::string Id(int client, int i) { return "c" + std::to_string(client) + "-" + std::to_string(i); }

std::vector<std::string> Lines(int client) {
  std::vector<std::string> lines;
  for (int i = 0; i < kLines; ++i) {
    if (Malformed(i)) {
      lines.push_back(R"({"request_id":")" + Id(client, i) + R"(","prompt_tokens":-1})");
    } else {
      // A repeat names the client's first record again.
      std::string id = Repeat(i) ? Id(client, 0) : Id(client, i);
      lines.push_back(R"({"request_id":")" + id + R"(","status":"error","error_code":"x"})");
    }
  }
  return lines;
}

std::string Expected(int client, int i) {
  if (Repeat(i)) return R"({"ok":true,"id":")" + Id(client, 0) + R"(","duplicate":true})";
  return R"({"ok":true,"id":")" + Id(client, i) + R"("})";
}

TEST(SocketRepliesTest, EveryLineGetsItsOwnReplyInOrderAcrossBatches) {
  DaemonHarness harness;
  ASSERT_TRUE(harness.StartFake("{}").ok());
  Status started = harness.StartDaemon("fetch:\n  first_delay: 1h\n");
  ASSERT_TRUE(started.ok()) << started.ToString();

  constexpr int kClients = 3;
  std::vector<StatusOr<std::vector<Reply>>> results(kClients, Status::Internal("not run"));
  std::vector<std::thread> threads;
  for (int c = 0; c < kClients; ++c) {
    threads.emplace_back([&, c] { results[c] = harness.Submit(Lines(c)); });
  }
  for (auto& thread : threads) thread.join();

  for (int c = 0; c < kClients; ++c) {
    ASSERT_TRUE(results[c].ok()) << results[c].status().ToString();
    const std::vector<Reply>& replies = *results[c];
    ASSERT_EQ(replies.size(), static_cast<size_t>(kLines));
    for (int i = 0; i < kLines; ++i) {
      if (Malformed(i)) {
        EXPECT_NE(replies[i].reply.find(R"("ok":false)"), std::string::npos)
            << "client " << c << " line " << i << ": " << replies[i].reply;
        EXPECT_NE(replies[i].reply.find("prompt_tokens"), std::string::npos) << replies[i].reply;
      } else {
        EXPECT_EQ(replies[i].reply, Expected(c, i)) << "client " << c << " line " << i;
      }
    }
  }
}

// Writes `bytes`, closes the writing half and reads every reply line until
// the daemon closes the connection.
std::vector<std::string> SendAndHalfClose(const std::string& socket_path,
                                          const std::string& bytes) {
  int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, socket_path.c_str(), sizeof(address.sun_path) - 1);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    close(fd);
    return {"connect failed"};
  }
  timeval timeout{10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  for (size_t sent = 0; sent < bytes.size();) {
    ssize_t n = write(fd, bytes.data() + sent, bytes.size() - sent);
    if (n <= 0) break;
    sent += static_cast<size_t>(n);
  }
  shutdown(fd, SHUT_WR);
  std::string received;
  char buffer[4096];
  for (ssize_t n; (n = read(fd, buffer, sizeof(buffer))) > 0;) received.append(buffer, n);
  close(fd);

  std::vector<std::string> lines;
  for (size_t at = 0, end; (end = received.find('\n', at)) != std::string::npos; at = end + 1) {
    lines.push_back(received.substr(at, end - at));
  }
  return lines;
}

// A last line without its newline is refused with a reason; the complete
// line before it is stored. An over-long partial line is refused for its
// size, the problem a resend alone would not cure.
TEST(SocketRepliesTest, APartialLastLineIsRefusedAndTheCompleteOneStored) {
  DaemonHarness harness;
  ASSERT_TRUE(harness.StartFake("{}").ok());
  ASSERT_TRUE(harness.StartDaemon().ok());

  std::vector<std::string> replies = SendAndHalfClose(
      harness.socket_path(),
      R"({"request_id":"p-1","status":"error"})" "\n" R"({"request_id":"p-2","sta)");
  ASSERT_EQ(replies.size(), 2u);
  EXPECT_EQ(replies[0], R"({"ok":true,"id":"p-1"})");
  EXPECT_EQ(replies[1],
            R"x({"ok":false,"error":"line: incomplete (no newline before the connection )x"
            R"x(was closed)"})x");

  replies = SendAndHalfClose(harness.socket_path(), std::string(1100000, 'x'));
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0], R"x({"ok":false,"error":"line: 1100000 bytes exceeds )x"
                        R"x(intake.max_line_bytes (1048576) and is incomplete"})x");
  EXPECT_NE(harness.DaemonLog().find("closed its connection inside a line"), std::string::npos)
      << harness.DaemonLog();
  ASSERT_TRUE(harness.WaitForRows(1).ok());
}

// Clients that send a line and close at once, before their reply: each
// reply then meets a closed socket. The daemon must lose the reply, not its
// life (SIGPIPE), and every line must still be stored.
TEST(SocketRepliesTest, ClientsThatCloseBeforeTheirReplyDoNotStopTheDaemon) {
  DaemonHarness harness;
  ASSERT_TRUE(harness.StartFake("{}").ok());
  ASSERT_TRUE(harness.StartDaemon("fetch:\n  first_delay: 1h\n").ok());

  constexpr int kClients = 200;
  std::vector<std::string> lines;
  for (int i = 0; i < kClients; ++i) {
    lines.push_back(R"({"request_id":"gone-)" + std::to_string(i) + R"(","status":"error"})");
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, harness.socket_path().c_str(), sizeof(address.sun_path) - 1);
    ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0)
        << "client " << i << ": " << std::strerror(errno) << "\n" << harness.DaemonLog();
    std::string line = lines.back() + "\n";
    ASSERT_EQ(write(fd, line.data(), line.size()), static_cast<ssize_t>(line.size()));
    close(fd);
  }

  // Still serving, and every line was stored: each comes back a duplicate.
  auto again = harness.Submit(lines);
  ASSERT_TRUE(again.ok()) << again.status().ToString() << "\n" << harness.DaemonLog();
  for (int i = 0; i < kClients; ++i) {
    EXPECT_EQ((*again)[i].reply,
              R"({"ok":true,"id":"gone-)" + std::to_string(i) + R"(","duplicate":true})");
  }
  auto stopped = harness.StopDaemon();
  ASSERT_TRUE(stopped.ok());
  EXPECT_TRUE(stopped->Success()) << stopped->ToString();
}

}  // namespace
}  // namespace orauditd::testing
