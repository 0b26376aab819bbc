// HttpClient: asynchronous HTTP GETs on a libuv loop, driven by libcurl's
// multi interface through the socket-action API (no polling loop). See
// fetcher/README.md for how the two event systems are wired together.
//
// Loop thread only: construct, call Get() and destroy on the thread that
// runs `loop`. Callbacks run on that thread. Close() must be called and its
// callback awaited before the loop is closed, so that every uv handle the
// client opened is closed first.
#pragma once

#include <uv.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace orauditd {

struct HttpRequest {
  std::string url;
  // "Name: value". May hold the API key (Authorization): never copied into
  // an error text.
  std::vector<std::string> headers;
  // The whole transfer, counted from when it starts (not while it waits in
  // the FIFO); at least 1.
  int64_t timeout_ms = 10000;
  size_t max_body_bytes = 4 << 20;
};

struct HttpResponse {
  // Transport outcome. transport_ok is false for connection errors, resets,
  // timeouts, an over-long body and a closed client; `error` then says what
  // happened, with curl's symbolic code name in it.
  bool transport_ok = false;
  bool timed_out = false;
  bool body_too_large = false;
  std::string error;

  long status = 0;  // may be set even when transport_ok is false
  // Headers of the final response (not of a 1xx or a proxy's CONNECT), in
  // the order received, names lower-cased.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  double total_seconds = 0;

  // The first header with this (lower-case) name, or nullptr.
  const std::string* Header(std::string_view lower_name) const;
};

struct HttpClientOptions {
  size_t max_in_flight = 32;  // transfers at once; more wait in a FIFO
  std::string user_agent;     // empty: "orauditd/<version> libcurl/<version>"
  // A CA bundle file or a directory of hashed certificates; empty: the system
  // default. TLS peer and host verification are always on.
  std::string ca_path;
  // Told about failures of the loop wiring itself (a curl multi call or a uv
  // call that failed), which belong to no single transfer. May be empty. It
  // may run while curl is inside a call: it must not call the client.
  std::function<void(const Status&)> on_error;
};

class HttpClient {
 public:
  using Callback = std::function<void(HttpResponse)>;

  HttpClient(uv_loop_t* loop, HttpClientOptions options);
  // Without a prior Close(), closes as Close() does (callbacks included); the
  // loop must still run until the client's handles are closed.
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Starts a GET, or queues it when max_in_flight are running; `done` runs
  // exactly once, on the loop thread, and never from inside Get(), except
  // after Close(): then it runs at once with transport_ok=false.
  void Get(HttpRequest request, Callback done);

  size_t in_flight() const;
  size_t waiting() const;

  // Aborts what is in flight or waiting (their callbacks run with
  // transport_ok=false, error "client closed") and closes every handle;
  // `closed` runs once the last handle is gone. May be called from a callback.
  void Close(std::function<void()> closed);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace orauditd
