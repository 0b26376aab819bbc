// HttpTestServer: a tiny scripted HTTP/1.1 server on 127.0.0.1 for client
// tests. It answers each request with the next scripted reply (raw bytes, so
// a test can send anything, broken or not), can wait before answering, hang,
// reset the connection (SO_LINGER 0) or close it mid-body, and records every
// request and connection it saw.
//
// One thread accepts; each connection gets a thread with blocking sockets.
// All methods are safe from any thread. Every wait is bounded by Stop(),
// which the destructor calls.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace orauditd::testing {

struct RecordedRequest {
  std::string method;
  std::string target;                                        // path and query, as sent
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  int connection = 0;  // 1 for the first connection accepted, 2 for the next...

  // The first header with this lower-case name, or nullopt.
  std::optional<std::string> Header(std::string_view lower_name) const;
};

struct ScriptedReply {
  enum class After { kKeepOpen, kClose, kReset };

  std::string raw;                        // bytes sent as they are
  int delay_ms = 0;                       // wait this long before sending
  size_t send_bytes = std::string::npos;  // send only this prefix, then close
  bool hang = false;                      // never answer; hold until the client leaves
  After after = After::kKeepOpen;         // what happens to the connection after

  // A complete response with Content-Length. Headers are "Name: value".
  static ScriptedReply Respond(int status, std::string body, std::vector<std::string> headers = {});
  // The same body in chunked transfer encoding, in chunks of `chunk` bytes.
  static ScriptedReply Chunked(int status, std::string body, size_t chunk = 1024,
                               std::vector<std::string> headers = {});
  // Reads the request, then resets the connection without answering.
  static ScriptedReply Reset();
  // Reads the request and never answers.
  static ScriptedReply Hang();
  // Announces `body` fully in Content-Length but sends only `sent` bytes of
  // it, then closes.
  static ScriptedReply CloseMidBody(int status, std::string body, size_t sent);
};

class HttpTestServer {
 public:
  HttpTestServer();
  ~HttpTestServer();
  HttpTestServer(const HttpTestServer&) = delete;
  HttpTestServer& operator=(const HttpTestServer&) = delete;

  int port() const { return port_; }
  std::string BaseUrl() const;  // "http://127.0.0.1:<port>"

  // Replies are used in the order requests arrive; when none is queued the
  // default reply (a 200 with an empty JSON object unless set) answers.
  void Enqueue(ScriptedReply reply);
  void SetDefault(ScriptedReply reply);

  std::vector<RecordedRequest> requests() const;
  size_t request_count() const;
  int connections_accepted() const;
  // The most requests that were read but not yet answered at one time.
  int max_concurrent_requests() const;

  // Waits until `count` requests have arrived; false on timeout.
  bool WaitForRequests(size_t count, std::chrono::milliseconds timeout) const;

  // Closes the listener and every connection and joins the threads.
  void Stop();

 private:
  void AcceptLoop();
  void Serve(int fd, int connection);
  ScriptedReply NextReply();
  // Sleeps up to `ms`, returning early (false) if Stop() is called.
  bool Pause(int ms);
  // Holds a hanging connection until the peer closes it or Stop() is called.
  void HoldUntilPeerLeaves(int fd);

  int listen_fd_ = -1;
  int port_ = 0;
  std::thread acceptor_;

  mutable std::mutex mu_;
  mutable std::condition_variable changed_;
  bool stopping_ = false;
  std::deque<ScriptedReply> script_;
  ScriptedReply default_reply_;
  std::vector<RecordedRequest> requests_;
  std::vector<int> open_fds_;
  std::vector<std::thread> workers_;
  int connections_ = 0;
  int answering_ = 0;
  int max_answering_ = 0;
};

}  // namespace orauditd::testing
