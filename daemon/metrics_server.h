// MetricsServer: a small HTTP/1.1 server on the daemon's loop for
// Prometheus. GET (or HEAD) /metrics answers with the page `render` returns;
// any other path is 404, any other method 405.
//
// One request per connection, answered with "Connection: close": a scraper
// asks every few seconds, so keep-alive buys nothing and every connection
// stays simple. What a client can hold is bounded: request head bytes,
// connections at once, and an idle timeout that drops a client that never
// finishes its request.
//
// Loop thread only.
#pragma once

#include <uv.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <string>

#include "common/status.h"

namespace orauditd {

struct MetricsServerOptions {
  std::string listen;  // "127.0.0.1:9464", "[::1]:9464"; port 0 picks a free port
  size_t max_connections = 16;
  size_t max_request_bytes = 8192;
  uint64_t idle_timeout_ms = 10000;
};

class MetricsServer {
 public:
  MetricsServer(uv_loop_t* loop, std::function<std::string()> render, MetricsServerOptions options);
  ~MetricsServer();
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  // Resolves the address (numerically, or "localhost"), binds and listens.
  Status Listen();

  // The address actually bound, port included ("127.0.0.1:40123").
  const std::string& bound_address() const { return bound_address_; }

  // Stops listening and drops open connections, then runs `closed`.
  void Close(std::function<void()> closed);

  uint64_t requests_served() const { return requests_served_; }

  class Connection;

 private:
  static void OnConnection(uv_stream_t* server, int status);
  void Forget(Connection* connection);
  void MaybeClosed();

  uv_loop_t* loop_;
  std::function<std::string()> render_;
  MetricsServerOptions options_;
  uv_tcp_t server_;
  std::string bound_address_;
  bool listening_ = false;
  bool closing_ = false;
  bool server_closed_ = false;
  std::set<Connection*> connections_;
  std::function<void()> closed_;
  uint64_t requests_served_ = 0;

  friend class Connection;
};

// The response bytes for a request head (request line and headers), given
// the page to serve for /metrics. Exposed for tests.
std::string MetricsHttpResponse(const std::string& request_head,
                                const std::function<std::string()>& render);

}  // namespace orauditd
