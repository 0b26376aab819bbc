// Server: accepts connections on one listening socket inside one libuv loop
// and hands each to a Connection. Loop thread only, except that the loop's
// owner may call Close() from a callback running on that loop.
#pragma once

#include <uv.h>

#include <cstdint>
#include <string>
#include <unordered_set>
#include <vector>

#include "common/status.h"
#include "tests/fake_openrouter/connection.h"
#include "tests/fake_openrouter/handler.h"

namespace orauditd::fake {

class Server {
 public:
  Server(uv_loop_t* loop, Handler* handler) : loop_(loop), handler_(handler) {}
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Takes over `fd`, a bound TCP socket, and starts accepting on it.
  Status Listen(int fd);

  // Stops accepting and drops every connection; the loop then runs out.
  void Close();

 private:
  static void OnConnection(uv_stream_t* listener, int status);

  uv_loop_t* loop_;
  Handler* handler_;
  uv_tcp_t listener_;
  bool listening_ = false;
  std::unordered_set<Connection*> connections_;
};

// Binds `count` TCP sockets to host:port (port 0: a free port, the same for
// all), with SO_REUSEPORT when count > 1 so the kernel spreads connections
// over them. Sets *bound_port to the port chosen.
StatusOr<std::vector<int>> BindListeners(const std::string& host, uint16_t port, int count,
                                         uint16_t* bound_port);

}  // namespace orauditd::fake
