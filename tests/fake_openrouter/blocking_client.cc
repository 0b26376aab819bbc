#include "tests/fake_openrouter/blocking_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>

#include "tests/fake_openrouter/http_request_parser.h"

namespace orauditd::fake {
namespace {

Status Errno(std::string_view what, int error) {
  return Status::Unavailable(std::string(what) + ": " + std::strerror(error));
}

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string ClientResponse::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (EqualsIgnoreCase(key, name)) return value;
  }
  return {};
}

bool ClientResponse::HasHeader(std::string_view name) const {
  for (const auto& header : headers) {
    if (EqualsIgnoreCase(header.first, name)) return true;
  }
  return false;
}

StatusOr<BlockingHttpClient> BlockingHttpClient::Connect(uint16_t port,
                                                         std::chrono::milliseconds timeout) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Errno("socket", errno);
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>(timeout.count() % 1000 * 1000);
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    int error = errno;
    close(fd);
    return Errno("connect 127.0.0.1:" + std::to_string(port), error);
  }
  return BlockingHttpClient(fd, timeout);
}

BlockingHttpClient::BlockingHttpClient(BlockingHttpClient&& other) noexcept
    : fd_(other.fd_),
      timeout_(other.timeout_),
      buffer_(std::move(other.buffer_)),
      eof_(other.eof_),
      partial_body_(std::move(other.partial_body_)) {
  other.fd_ = -1;
}

BlockingHttpClient& BlockingHttpClient::operator=(BlockingHttpClient&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) close(fd_);
    fd_ = other.fd_;
    timeout_ = other.timeout_;
    buffer_ = std::move(other.buffer_);
    eof_ = other.eof_;
    partial_body_ = std::move(other.partial_body_);
    other.fd_ = -1;
  }
  return *this;
}

BlockingHttpClient::~BlockingHttpClient() {
  if (fd_ >= 0) close(fd_);
}

Status BlockingHttpClient::SendRaw(std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Errno("send", errno);
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

Status BlockingHttpClient::Fill() {
  if (eof_) return Status::Unavailable("connection closed by peer");
  char chunk[65536];
  for (;;) {
    ssize_t n = recv(fd_, chunk, sizeof chunk, 0);
    if (n > 0) {
      buffer_.append(chunk, static_cast<size_t>(n));
      return Status::Ok();
    }
    if (n == 0) {
      eof_ = true;
      return Status::Unavailable("connection closed by peer");
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      return Status::Unavailable("recv: timeout after " + std::to_string(timeout_.count()) + " ms");
    }
    return Errno("recv", errno);
  }
}

StatusOr<std::string> BlockingHttpClient::ReadLine() {
  size_t eol;
  while ((eol = buffer_.find("\r\n")) == std::string::npos) {
    Status status = Fill();
    if (!status.ok()) return status;
  }
  std::string line = buffer_.substr(0, eol);
  buffer_.erase(0, eol + 2);
  return line;
}

Status BlockingHttpClient::ReadExact(size_t size, std::string* out) {
  while (buffer_.size() < size) {
    Status status = Fill();
    if (!status.ok()) {
      out->append(buffer_);
      buffer_.clear();
      return status;
    }
  }
  out->append(buffer_, 0, size);
  buffer_.erase(0, size);
  return Status::Ok();
}

Status BlockingHttpClient::ReadChunked(std::string* out) {
  for (;;) {
    StatusOr<std::string> line = ReadLine();
    if (!line.ok()) return line.status();
    size_t size = 0;
    std::string_view text = TrimSpaces(std::string_view(*line).substr(0, line->find(';')));
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), size, 16);
    if (ec != std::errc() || text.empty()) return Status::Corruption("bad chunk size line");
    if (size == 0) {
      // Trailers, then the empty line.
      for (;;) {
        StatusOr<std::string> trailer = ReadLine();
        if (!trailer.ok()) return trailer.status();
        if (trailer->empty()) return Status::Ok();
      }
    }
    Status status = ReadExact(size, out);
    if (!status.ok()) return status;
    StatusOr<std::string> crlf = ReadLine();
    if (!crlf.ok()) return crlf.status();
  }
}

StatusOr<ClientResponse> BlockingHttpClient::ReadResponse() {
  partial_body_.clear();
  ClientResponse response;
  StatusOr<std::string> status_line = ReadLine();
  if (!status_line.ok()) return status_line.status();
  if (status_line->size() < 12 || status_line->substr(0, 7) != "HTTP/1.") {
    return Status::Corruption("bad status line: " + *status_line);
  }
  response.status = std::atoi(status_line->c_str() + 9);
  for (;;) {
    StatusOr<std::string> line = ReadLine();
    if (!line.ok()) return line.status();
    if (line->empty()) break;
    size_t colon = line->find(':');
    if (colon == std::string::npos) return Status::Corruption("bad header line: " + *line);
    response.headers.emplace_back(
        line->substr(0, colon), std::string(TrimSpaces(std::string_view(*line).substr(colon + 1))));
  }

  Status body_status;
  if (response.status < 200 || response.status == 204 || response.status == 304) {
    return response;
  } else if (EqualsIgnoreCase(response.Header("Transfer-Encoding"), "chunked")) {
    body_status = ReadChunked(&response.body);
  } else if (response.HasHeader("Content-Length")) {
    size_t length = std::strtoull(response.Header("Content-Length").c_str(), nullptr, 10);
    body_status = ReadExact(length, &response.body);
    if (!body_status.ok()) {
      body_status =
          Status::Corruption("body cut short: " + std::to_string(response.body.size()) + " of " +
                             std::to_string(length) + " bytes (" + body_status.message() + ")");
    }
  } else {
    while (Fill().ok()) {
    }
    response.body = std::move(buffer_);
    buffer_.clear();
  }
  if (!body_status.ok()) {
    partial_body_ = std::move(response.body);
    return body_status;
  }
  return response;
}

StatusOr<ClientResponse> BlockingHttpClient::Request(
    std::string_view method, std::string_view target,
    const std::vector<std::pair<std::string, std::string>>& headers, std::string_view body) {
  std::string request;
  request.append(method).append(" ").append(target).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
  for (const auto& [name, value] : headers) request.append(name + ": " + value + "\r\n");
  if (!body.empty() || method == "POST") {
    request.append("Content-Length: " + std::to_string(body.size()) + "\r\n");
  }
  request.append("\r\n").append(body);
  Status status = SendRaw(request);
  if (!status.ok()) return status;
  return ReadResponse();
}

bool BlockingHttpClient::PeerClosed(std::chrono::milliseconds wait) {
  if (eof_) return true;
  if (!buffer_.empty()) return false;
  pollfd p{fd_, POLLIN, 0};
  if (poll(&p, 1, static_cast<int>(wait.count())) <= 0) return false;
  char c;
  ssize_t n = recv(fd_, &c, 1, MSG_PEEK);
  if (n == 0 || (n < 0 && errno == ECONNRESET)) eof_ = true;
  return eof_;
}

StatusOr<ClientResponse> HttpGet(uint16_t port, std::string_view target,
                                 const std::vector<std::pair<std::string, std::string>>& headers) {
  StatusOr<BlockingHttpClient> client = BlockingHttpClient::Connect(port);
  if (!client.ok()) return client.status();
  return client->Request("GET", target, headers);
}

StatusOr<ClientResponse> HttpPost(uint16_t port, std::string_view target, std::string_view body) {
  StatusOr<BlockingHttpClient> client = BlockingHttpClient::Connect(port);
  if (!client.ok()) return client.status();
  return client->Request("POST", target, {{"Content-Type", "application/json"}}, body);
}

}  // namespace orauditd::fake
