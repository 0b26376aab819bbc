// An incremental HTTP/1.1 request parser for the fake server: bytes go in as
// they arrive, complete requests come out in order, so pipelined requests on
// one connection are answered in the order they were sent.
//
// Bodies are framed by Content-Length only; a chunked request body is
// refused with 411, which no client of the fake needs. One parser per
// connection, loop thread only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace orauditd::fake {

struct HttpRequest {
  std::string method;
  std::string target;
  int version_minor = 1;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  bool keep_alive = true;

  // First header with this name, compared case-insensitively.
  const std::string* Header(std::string_view name) const;
};

class HttpRequestParser {
 public:
  static constexpr size_t kMaxHeaderBytes = 64 * 1024;
  static constexpr size_t kMaxBodyBytes = 64 * 1024 * 1024;

  enum class Result { kNeedMore, kRequest, kError };

  void Feed(const char* data, size_t size);

  // Takes the next complete request out of the buffered bytes. After kError
  // the parser is spent: error_status() and error() say why.
  Result Next(HttpRequest* out);

  // True once per request whose head asked "Expect: 100-continue" and whose
  // body has not fully arrived: the caller should send "100 Continue".
  bool TakeContinueRequest();

  int error_status() const { return error_status_; }
  const std::string& error() const { return error_; }
  size_t buffered() const { return buffer_.size() - consumed_; }

 private:
  Result Fail(int status, std::string message);
  bool ParseHead(std::string_view head, HttpRequest* out, size_t* content_length);
  void Compact();

  std::string buffer_;
  size_t consumed_ = 0;   // bytes of buffer_ already handed out as requests
  size_t scan_from_ = 0;  // where to resume looking for the end of the head
  int error_status_ = 0;
  std::string error_;
  bool continue_requested_ = false;
  size_t continue_head_ = SIZE_MAX;  // head position already offered a 100
};

bool EqualsIgnoreCase(std::string_view a, std::string_view b);

}  // namespace orauditd::fake
