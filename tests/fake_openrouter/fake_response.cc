#include "tests/fake_openrouter/fake_response.h"

#include <cstdio>

#include "tests/fake_openrouter/http_request_parser.h"

namespace orauditd::fake {
namespace {

constexpr size_t kChunkSize = 4096;

void AppendChunked(std::string* out, std::string_view body) {
  char size_line[32];
  while (!body.empty()) {
    size_t n = body.size() < kChunkSize ? body.size() : kChunkSize;
    int len = std::snprintf(size_line, sizeof size_line, "%zx\r\n", n);
    out->append(size_line, static_cast<size_t>(len));
    out->append(body.substr(0, n));
    out->append("\r\n");
    body.remove_prefix(n);
  }
  out->append("0\r\n\r\n");
}

}  // namespace

void FakeResponse::SetHeader(std::string name, std::string value) {
  for (auto& [key, existing] : headers) {
    if (EqualsIgnoreCase(key, name)) {
      existing = std::move(value);
      return;
    }
  }
  headers.emplace_back(std::move(name), std::move(value));
}

bool FakeResponse::HasHeader(std::string_view name) const {
  for (const auto& header : headers) {
    if (EqualsIgnoreCase(header.first, name)) return true;
  }
  return false;
}

Wire BuildWire(const FakeResponse& response, bool keep_alive) {
  Wire wire;
  std::string& out = wire.bytes;
  out.reserve(256 + response.body.size());
  out.append("HTTP/1.1 ");
  out.append(std::to_string(response.status));
  out.push_back(' ');
  out.append(ReasonPhrase(response.status));
  out.append("\r\n");
  if (!response.HasHeader("Server")) out.append("Server: fake-openrouter\r\n");
  if (!response.content_type.empty() && !response.HasHeader("Content-Type")) {
    out.append("Content-Type: ").append(response.content_type).append("\r\n");
  }
  for (const auto& [name, value] : response.headers) {
    out.append(name).append(": ").append(value).append("\r\n");
  }
  if (response.chunked) {
    out.append("Transfer-Encoding: chunked\r\n");
  } else if (!response.HasHeader("Content-Length")) {
    out.append("Content-Length: ").append(std::to_string(response.body.size())).append("\r\n");
  }
  out.append(keep_alive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n");
  wire.head_size = out.size();
  if (response.chunked) {
    AppendChunked(&out, response.body);
  } else {
    out.append(response.body);
  }
  return wire;
}

const char* ReasonPhrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 204:
      return "No Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 402:
      return "Payment Required";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 410:
      return "Gone";
    case 418:
      return "I'm a teapot";
    case 411:
      return "Length Required";
    case 413:
      return "Content Too Large";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    case 505:
      return "HTTP Version Not Supported";
    case 520:
      return "Web Server Returned an Unknown Error";
    case 521:
      return "Web Server Is Down";
    case 522:
      return "Connection Timed Out";
    case 523:
      return "Origin Is Unreachable";
    case 524:
      return "A Timeout Occurred";
    case 529:
      return "Site is overloaded";
    default:
      return "Unknown";
  }
}

}  // namespace orauditd::fake
