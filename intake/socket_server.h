// SocketServer: the Unix stream socket applications write records to.
//
// Protocol: one JSON record per line in, exactly one reply line out per
// line, in order. A good record is answered only once it is durable; a bad
// one at once (but still in order) with the reason. A client that does not
// read its replies is held back: past a bound of unanswered lines the server
// stops reading from that client, and only from that client.
//
// Loop thread only.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <string>

#include <uv.h>

#include "common/clock.h"
#include "common/prompt_hash.h"
#include "common/status.h"
#include "intake/commit_batcher.h"
#include "intake/record_parser.h"

namespace orauditd {

struct SocketServerOptions {
  std::string path;
  uint32_t mode = 0660;
  RecordLimits limits;
  size_t max_unanswered_lines = 4096;  // per connection, before reading pauses
  size_t max_reply_bytes = 1 << 20;    // per connection, queued for the client
};

struct IntakeCounters {
  uint64_t accepted = 0;
  uint64_t duplicates = 0;
  uint64_t refused = 0;
  uint64_t unknown_fields = 0;
  uint64_t connections = 0;
};

class SocketServer {
 public:
  SocketServer(uv_loop_t* loop, Clock* clock, CommitBatcher* batcher, const PromptHasher* hasher,
               SocketServerOptions options);
  ~SocketServer();
  SocketServer(const SocketServer&) = delete;
  SocketServer& operator=(const SocketServer&) = delete;

  // Binds and listens. A stale socket file left by a crashed run is
  // replaced; a socket a live process still answers on is not.
  Status Listen();

  // Listens on a socket that is already bound and listening (systemd socket
  // activation) instead of binding `path`. The socket file belongs to
  // systemd then: Close() leaves it in place.
  Status ListenOnFd(int fd);

  // Stops accepting, closes every connection (replies still owed are
  // written first when the client is reading), then runs `closed`.
  void Close(std::function<void()> closed);

  size_t connections() const;
  const IntakeCounters& counters() const { return counters_; }

  class Connection;

 private:
  static void OnConnection(uv_stream_t* server, int status);
  void Forget(Connection* connection);
  void MaybeClosed();
  static void OnLingerTimeout(uv_timer_t* timer);

  uv_loop_t* loop_;
  Clock* clock_;
  CommitBatcher* batcher_;
  const PromptHasher* hasher_;
  SocketServerOptions options_;
  uv_pipe_t server_;
  // At shutdown, clients get this long to read the replies owed to them.
  uv_timer_t linger_timer_;
  bool linger_timer_open_ = false;
  bool listening_ = false;
  bool owns_path_ = true;  // false for a socket passed by systemd
  bool closing_ = false;
  bool server_closed_ = false;
  std::set<std::shared_ptr<Connection>> connections_;
  std::function<void()> closed_;
  IntakeCounters counters_;

  friend class Connection;
};

// The JSON reply line (with its newline) for one enqueue result.
std::string ReplyLine(const EnqueueResult& result);
std::string ErrorReplyLine(const std::string& error);

}  // namespace orauditd
