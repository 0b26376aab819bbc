// BlockingHttpClient: a small blocking HTTP/1.1 client for tests that talk
// to the fake (or to anything else on 127.0.0.1). It keeps one connection,
// can pipeline (SendRaw several requests, then ReadResponse each), decodes
// Content-Length, chunked and read-until-close bodies, and tells a short
// body or a reset apart from a good answer. Every socket call is bounded by
// the timeout given to Connect. One thread at a time.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace orauditd::fake {

struct ClientResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  // First header with this name, any case; empty string when absent.
  std::string Header(std::string_view name) const;
  bool HasHeader(std::string_view name) const;
};

class BlockingHttpClient {
 public:
  static StatusOr<BlockingHttpClient> Connect(
      uint16_t port, std::chrono::milliseconds timeout = std::chrono::seconds(10));

  BlockingHttpClient(BlockingHttpClient&& other) noexcept;
  BlockingHttpClient& operator=(BlockingHttpClient&& other) noexcept;
  BlockingHttpClient(const BlockingHttpClient&) = delete;
  BlockingHttpClient& operator=(const BlockingHttpClient&) = delete;
  ~BlockingHttpClient();

  Status SendRaw(std::string_view bytes);

  // Reads one response. Errors: Unavailable for a timeout, a reset or a
  // close before the head ended; Corruption for a body cut
  // short (partial_body() then holds what arrived).
  StatusOr<ClientResponse> ReadResponse();

  // Sends one request (Host and Content-Length added) and reads the answer.
  StatusOr<ClientResponse> Request(
      std::string_view method, std::string_view target,
      const std::vector<std::pair<std::string, std::string>>& headers = {},
      std::string_view body = {});

  // True when the server has closed the connection (reads EOF within the
  // timeout); false when data or nothing arrived.
  bool PeerClosed(std::chrono::milliseconds wait);

  const std::string& partial_body() const { return partial_body_; }

 private:
  BlockingHttpClient(int fd, std::chrono::milliseconds timeout) : fd_(fd), timeout_(timeout) {}

  // Appends at least one byte to buffer_; Unavailable on EOF, reset or timeout.
  Status Fill();
  Status ReadExact(size_t size, std::string* out);
  Status ReadChunked(std::string* out);
  StatusOr<std::string> ReadLine();

  int fd_ = -1;
  std::chrono::milliseconds timeout_;
  std::string buffer_;
  bool eof_ = false;
  std::string partial_body_;
};

// Connects, sends one GET and reads the answer.
StatusOr<ClientResponse> HttpGet(
    uint16_t port, std::string_view target,
    const std::vector<std::pair<std::string, std::string>>& headers = {});

// Connects, sends one POST with a JSON body and reads the answer.
StatusOr<ClientResponse> HttpPost(uint16_t port, std::string_view target, std::string_view body);

}  // namespace orauditd::fake
