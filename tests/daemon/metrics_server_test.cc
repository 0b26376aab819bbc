#include "daemon/metrics_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <functional>
#include <string>
#include <thread>
#include <vector>

namespace orauditd {
namespace {

// Sends `request` to 127.0.0.1:port and reads until the server closes.
std::string RawExchange(int port, const std::string& request) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  timeval timeout{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
  std::string out;
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
    if (!request.empty()) (void)!write(fd, request.data(), request.size());
    char buffer[4096];
    ssize_t n;
    while ((n = read(fd, buffer, sizeof buffer)) > 0) out.append(buffer, static_cast<size_t>(n));
  }
  close(fd);
  return out;
}

// Runs a MetricsServer on a loop in this thread while `client` runs in
// another; the server closes once the client is done, and the loop must end
// with no handle left open.
class MetricsServerTest : public ::testing::Test {
 protected:
  void Run(const std::function<void(int port)>& client, MetricsServerOptions options = {}) {
    uv_loop_t loop;
    ASSERT_EQ(uv_loop_init(&loop), 0);
    if (options.listen.empty()) options.listen = "127.0.0.1:0";
    MetricsServer server(
        &loop, [this] { return page_; }, options);
    Status listening = server.Listen();
    ASSERT_TRUE(listening.ok()) << listening.ToString();
    int port = std::stoi(server.bound_address().substr(server.bound_address().rfind(':') + 1));

    uv_async_t done;
    done.data = &server;
    uv_async_init(&loop, &done, [](uv_async_t* async) {
      static_cast<MetricsServer*>(async->data)->Close([async] {
        uv_close(reinterpret_cast<uv_handle_t*>(async), nullptr);
      });
    });
    std::thread thread([&] {
      client(port);
      uv_async_send(&done);
    });
    uv_run(&loop, UV_RUN_DEFAULT);
    thread.join();
    served_ = server.requests_served();
    EXPECT_EQ(uv_loop_close(&loop), 0) << "a handle was left open";
  }

  std::string page_ = "# HELP x y\n# TYPE x gauge\nx 1\n";
  uint64_t served_ = 0;
};

TEST_F(MetricsServerTest, GetMetricsServesThePageAsPrometheusText) {
  std::string reply;
  Run([&](int port) { reply = RawExchange(port, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"); });
  EXPECT_EQ(reply.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << reply;
  EXPECT_NE(reply.find("Content-Type: text/plain; version=0.0.4"), std::string::npos);
  EXPECT_NE(reply.find("Content-Length: " + std::to_string(page_.size()) + "\r\n"),
            std::string::npos);
  EXPECT_NE(reply.find("Connection: close\r\n"), std::string::npos);
  EXPECT_EQ(reply.substr(reply.size() - page_.size()), page_);
  EXPECT_EQ(served_, 1u);
}

TEST_F(MetricsServerTest, OtherPathsAre404AndOtherMethods405) {
  std::string root, post, head, query;
  Run([&](int port) {
    root = RawExchange(port, "GET / HTTP/1.1\r\n\r\n");
    post = RawExchange(port, "POST /metrics HTTP/1.1\r\nContent-Length: 0\r\n\r\n");
    head = RawExchange(port, "HEAD /metrics HTTP/1.0\r\n\r\n");
    query = RawExchange(port, "GET /metrics?name[]=x HTTP/1.1\r\n\r\n");
  });
  EXPECT_EQ(root.rfind("HTTP/1.1 404 Not Found\r\n", 0), 0u) << root;
  EXPECT_EQ(post.rfind("HTTP/1.1 405 Method Not Allowed\r\n", 0), 0u) << post;
  EXPECT_NE(post.find("Allow: GET, HEAD\r\n"), std::string::npos);
  EXPECT_EQ(head.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << head;
  EXPECT_EQ(head.find("x 1"), std::string::npos) << "HEAD has no body";
  EXPECT_EQ(query.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << query;
}

TEST_F(MetricsServerTest, GarbageAndOverlongRequestsAreRefusedNotHung) {
  std::string garbage, overlong;
  Run([&](int port) {
    garbage = RawExchange(port, "hello\r\n\r\n");
    overlong = RawExchange(port, "GET /metrics HTTP/1.1\r\nX: " + std::string(20000, 'a'));
  });
  EXPECT_EQ(garbage.rfind("HTTP/1.1 400 Bad Request\r\n", 0), 0u) << garbage;
  EXPECT_EQ(overlong.rfind("HTTP/1.1 431 ", 0), 0u) << overlong.substr(0, 100);
}

TEST_F(MetricsServerTest, AClientThatNeverFinishesIsDroppedAfterTheIdleTimeout) {
  MetricsServerOptions options;
  options.idle_timeout_ms = 100;
  std::string reply = "not closed";
  auto started = std::chrono::steady_clock::now();
  Run([&](int port) { reply = RawExchange(port, "GET /metr"); }, options);
  EXPECT_EQ(reply, "") << "closed without an answer";
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(4));
}

TEST_F(MetricsServerTest, ManyClientsInTurnAllGetAnswers) {
  int ok = 0;
  Run([&](int port) {
    for (int i = 0; i < 50; ++i) {
      if (RawExchange(port, "GET /metrics HTTP/1.1\r\n\r\n").rfind("HTTP/1.1 200", 0) == 0) ++ok;
    }
  });
  EXPECT_EQ(ok, 50);
}

TEST(MetricsServerListenTest, ABadAddressIsRefusedByName) {
  uv_loop_t loop;
  uv_loop_init(&loop);
  {
    MetricsServer server(&loop, [] { return std::string(); }, {"not-an-ip:9464"});
    Status listening = server.Listen();
    EXPECT_FALSE(listening.ok());
    EXPECT_NE(listening.message().find("metrics.listen"), std::string::npos)
        << listening.ToString();
    server.Close([] {});
    uv_run(&loop, UV_RUN_DEFAULT);
  }
  EXPECT_EQ(uv_loop_close(&loop), 0);
}

}  // namespace
}  // namespace orauditd
