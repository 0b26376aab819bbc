// HttpClient: asynchronous HTTP GETs on a libuv loop, driven by libcurl's
// multi interface through the socket-action API (no polling loop).
//
// Loop thread only: construct, call Get() and destroy on the thread that
// runs `loop`. Callbacks run on that thread. Close() must be called and its
// callback awaited before the loop is closed, so that every uv handle the
// client opened is closed first.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <uv.h>

namespace orauditd {

struct HttpRequest {
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  int64_t timeout_ms = 10000;
  size_t max_body_bytes = 4 << 20;
};

struct HttpResponse {
  // Transport outcome. transport_ok is false for connection errors, resets,
  // timeouts and an over-long body; `error` then says what happened, with
  // curl's symbolic code name in it.
  bool transport_ok = false;
  bool timed_out = false;
  bool body_too_large = false;
  std::string error;

  long status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  double total_seconds = 0;

  // The first header with this (lower-case) name, or nullptr.
  const std::string* Header(std::string_view lower_name) const;
};

struct HttpClientOptions {
  size_t max_in_flight = 32;        // transfers at once; more wait in a FIFO
  std::string user_agent = "orauditd";
  std::string ca_path;              // empty: the system default
  bool verify_tls = true;
};

class HttpClient {
 public:
  using Callback = std::function<void(HttpResponse)>;

  HttpClient(uv_loop_t* loop, HttpClientOptions options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Starts a GET; `done` runs exactly once, on the loop thread, unless the
  // client is closed first (then it runs with transport_ok=false).
  void Get(HttpRequest request, Callback done);

  size_t in_flight() const;
  size_t waiting() const;

  // Aborts what is in flight and closes every handle; `closed` runs once
  // the last handle is gone.
  void Close(std::function<void()> closed);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace orauditd
