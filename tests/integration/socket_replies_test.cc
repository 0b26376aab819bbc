// Replies over the socket are written one write per commit batch and
// connection (not one per line); whatever the batching, every line still
// gets exactly its own reply, in order: accepted, refused and duplicate
// lines mixed, from clients that stream thousands of lines at once.
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

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

}  // namespace
}  // namespace orauditd::testing
