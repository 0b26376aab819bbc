#include "tests/fake_openrouter/http_request_parser.h"

#include <charconv>

namespace orauditd::fake {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

bool IsTokenChar(char c) {
  return c > 0x20 && c < 0x7f && c != ':' && c != '(' && c != ')' && c != ',' && c != ';' &&
         c != '"' && c != '/' && c != '[' && c != ']' && c != '{' && c != '}';
}

bool ContainsToken(std::string_view list, std::string_view token) {
  while (!list.empty()) {
    size_t comma = list.find(',');
    if (EqualsIgnoreCase(Trim(list.substr(0, comma)), token)) return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

}  // namespace

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] + 32) : a[i];
    char y = b[i] >= 'A' && b[i] <= 'Z' ? static_cast<char>(b[i] + 32) : b[i];
    if (x != y) return false;
  }
  return true;
}

const std::string* HttpRequest::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (EqualsIgnoreCase(key, name)) return &value;
  }
  return nullptr;
}

void HttpRequestParser::Feed(const char* data, size_t size) {
  if (error_status_ != 0) return;
  Compact();
  buffer_.append(data, size);
}

void HttpRequestParser::Compact() {
  // Drop consumed bytes only when they dominate, so a burst of pipelined
  // requests is not shifted once per request.
  if (consumed_ == 0 || consumed_ < buffer_.size() / 2) return;
  buffer_.erase(0, consumed_);
  scan_from_ -= consumed_;
  if (continue_head_ != SIZE_MAX) {
    continue_head_ = continue_head_ >= consumed_ ? continue_head_ - consumed_ : SIZE_MAX;
  }
  consumed_ = 0;
}

bool HttpRequestParser::TakeContinueRequest() {
  bool requested = continue_requested_;
  continue_requested_ = false;
  return requested;
}

HttpRequestParser::Result HttpRequestParser::Fail(int status, std::string message) {
  error_status_ = status;
  error_ = std::move(message);
  return Result::kError;
}

HttpRequestParser::Result HttpRequestParser::Next(HttpRequest* out) {
  if (error_status_ != 0) return Result::kError;

  // Tolerate stray empty lines between requests (RFC 9112 section 2.2).
  while (consumed_ + 1 < buffer_.size() && buffer_[consumed_] == '\r' &&
         buffer_[consumed_ + 1] == '\n') {
    consumed_ += 2;
  }
  if (scan_from_ < consumed_) scan_from_ = consumed_;

  size_t end = buffer_.find("\r\n\r\n", scan_from_);
  if (end == std::string::npos) {
    if (buffer_.size() - consumed_ > kMaxHeaderBytes) {
      return Fail(431, "request head larger than 64 KiB");
    }
    scan_from_ = buffer_.size() > 3 ? buffer_.size() - 3 : 0;
    if (scan_from_ < consumed_) scan_from_ = consumed_;
    return Result::kNeedMore;
  }
  if (end - consumed_ > kMaxHeaderBytes) return Fail(431, "request head larger than 64 KiB");

  size_t content_length = 0;
  std::string_view head(buffer_.data() + consumed_, end - consumed_);
  HttpRequest request;
  if (!ParseHead(head, &request, &content_length)) return Result::kError;

  size_t body_start = end + 4;
  if (buffer_.size() - body_start < content_length) {
    scan_from_ = end;  // head is complete; wait for the body
    const std::string* expect = request.Header("Expect");
    if (expect != nullptr && EqualsIgnoreCase(*expect, "100-continue") &&
        continue_head_ != consumed_) {
      continue_head_ = consumed_;
      continue_requested_ = true;
    }
    return Result::kNeedMore;
  }
  request.body.assign(buffer_, body_start, content_length);
  consumed_ = body_start + content_length;
  scan_from_ = consumed_;
  *out = std::move(request);
  return Result::kRequest;
}

bool HttpRequestParser::ParseHead(std::string_view head, HttpRequest* out, size_t* content_length) {
  size_t line_end = head.find("\r\n");
  std::string_view line = head.substr(0, line_end);
  std::string_view rest =
      line_end == std::string_view::npos ? std::string_view() : head.substr(line_end + 2);

  // Request line: METHOD SP TARGET SP HTTP/1.x
  size_t sp1 = line.find(' ');
  size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || sp1 == 0 || sp2 == sp1 + 1) {
    Fail(400, "malformed request line");
    return false;
  }
  std::string_view method = line.substr(0, sp1);
  for (char c : method) {
    if (!IsTokenChar(c)) {
      Fail(400, "malformed method");
      return false;
    }
  }
  std::string_view version = line.substr(sp2 + 1);
  if (version == "HTTP/1.1") {
    out->version_minor = 1;
  } else if (version == "HTTP/1.0") {
    out->version_minor = 0;
  } else {
    Fail(505, "unsupported HTTP version");
    return false;
  }
  out->method.assign(method);
  out->target.assign(line.substr(sp1 + 1, sp2 - sp1 - 1));

  bool has_length = false;
  while (!rest.empty()) {
    size_t eol = rest.find("\r\n");
    std::string_view header = rest.substr(0, eol);
    rest = eol == std::string_view::npos ? std::string_view() : rest.substr(eol + 2);
    size_t colon = header.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      Fail(400, "malformed header line");
      return false;
    }
    std::string_view name = header.substr(0, colon);
    for (char c : name) {
      if (!IsTokenChar(c)) {
        Fail(400, "malformed header name");
        return false;
      }
    }
    std::string_view value = Trim(header.substr(colon + 1));
    if (EqualsIgnoreCase(name, "Content-Length")) {
      size_t n = 0;
      auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (ec != std::errc() || ptr != value.data() + value.size() || value.empty() ||
          (has_length && n != *content_length)) {
        Fail(400, "bad Content-Length");
        return false;
      }
      if (n > kMaxBodyBytes) {
        Fail(413, "request body larger than 64 MiB");
        return false;
      }
      has_length = true;
      *content_length = n;
    } else if (EqualsIgnoreCase(name, "Transfer-Encoding")) {
      Fail(411, "chunked request bodies are not supported; send Content-Length");
      return false;
    }
    out->headers.emplace_back(std::string(name), std::string(value));
  }

  const std::string* connection = out->Header("Connection");
  if (out->version_minor == 0) {
    out->keep_alive = connection != nullptr && ContainsToken(*connection, "keep-alive");
  } else {
    out->keep_alive = connection == nullptr || !ContainsToken(*connection, "close");
  }
  return true;
}

}  // namespace orauditd::fake
