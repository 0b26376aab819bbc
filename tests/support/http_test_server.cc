#include "tests/support/http_test_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <system_error>

namespace orauditd::testing {
namespace {

const char* ReasonPhrase(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 200:
      return "OK";
    case 301:
      return "Moved Permanently";
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
    case 408:
      return "Request Timeout";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return "Status";
  }
}

std::string Head(int status, const std::vector<std::string>& headers) {
  std::string head = "HTTP/1.1 " + std::to_string(status) + " " + ReasonPhrase(status) + "\r\n";
  for (const std::string& header : headers) head.append(header).append("\r\n");
  return head;
}

std::string_view Trim(std::string_view text) {
  size_t begin = text.find_first_not_of(" \t");
  if (begin == std::string_view::npos) return {};
  return text.substr(begin, text.find_last_not_of(" \t") - begin + 1);
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

RecordedRequest ParseHead(std::string_view head) {
  RecordedRequest request;
  size_t line_end = head.find("\r\n");
  std::string_view line = head.substr(0, line_end);
  size_t space = line.find(' ');
  request.method = std::string(line.substr(0, space));
  if (space != std::string_view::npos) {
    std::string_view rest = line.substr(space + 1);
    request.target = std::string(rest.substr(0, rest.find(' ')));
  }
  while (line_end != std::string_view::npos) {
    size_t start = line_end + 2;
    line_end = head.find("\r\n", start);
    line = head.substr(
        start, line_end == std::string_view::npos ? std::string_view::npos : line_end - start);
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    request.headers.emplace_back(Lower(Trim(line.substr(0, colon))),
                                 std::string(Trim(line.substr(colon + 1))));
  }
  return request;
}

bool SendAll(int fd, const char* data, size_t size) {
  while (size > 0) {
    ssize_t sent = send(fd, data, size, MSG_NOSIGNAL);
    if (sent < 0 && errno == EINTR) continue;
    if (sent <= 0) return false;
    data += sent;
    size -= static_cast<size_t>(sent);
  }
  return true;
}

// Reads more bytes into `buffer`; false when the peer is gone.
bool ReadMore(int fd, std::string* buffer) {
  char chunk[4096];
  for (;;) {
    ssize_t got = recv(fd, chunk, sizeof(chunk), 0);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return false;
    buffer->append(chunk, static_cast<size_t>(got));
    return true;
  }
}

[[noreturn]] void Fail(const char* what) {
  throw std::system_error(errno, std::generic_category(), what);
}

}  // namespace

std::optional<std::string> RecordedRequest::Header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) return value;
  }
  return std::nullopt;
}

ScriptedReply ScriptedReply::Respond(int status, std::string body,
                                     std::vector<std::string> headers) {
  headers.push_back("Content-Length: " + std::to_string(body.size()));
  ScriptedReply reply;
  reply.raw = Head(status, headers) + "\r\n" + body;
  return reply;
}

ScriptedReply ScriptedReply::Chunked(int status, std::string body, size_t chunk,
                                     std::vector<std::string> headers) {
  headers.push_back("Transfer-Encoding: chunked");
  ScriptedReply reply;
  reply.raw = Head(status, headers) + "\r\n";
  chunk = std::max<size_t>(1, chunk);
  for (size_t at = 0; at < body.size(); at += chunk) {
    std::string_view piece = std::string_view(body).substr(at, chunk);
    char size[32];
    std::snprintf(size, sizeof(size), "%zx\r\n", piece.size());
    reply.raw.append(size).append(piece).append("\r\n");
  }
  reply.raw.append("0\r\n\r\n");
  return reply;
}

ScriptedReply ScriptedReply::Reset() {
  ScriptedReply reply;
  reply.after = After::kReset;
  return reply;
}

ScriptedReply ScriptedReply::Hang() {
  ScriptedReply reply;
  reply.hang = true;
  return reply;
}

ScriptedReply ScriptedReply::CloseMidBody(int status, std::string body, size_t sent) {
  ScriptedReply reply = Respond(status, body);
  reply.send_bytes = reply.raw.size() - body.size() + std::min(sent, body.size());
  return reply;
}

HttpTestServer::HttpTestServer()
    : default_reply_(ScriptedReply::Respond(200, "{}", {"Content-Type: application/json"})) {
  listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) Fail("socket");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) Fail("bind");
  if (listen(listen_fd_, 128) != 0) Fail("listen");
  socklen_t length = sizeof(address);
  if (getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    Fail("getsockname");
  }
  port_ = ntohs(address.sin_port);
  acceptor_ = std::thread(&HttpTestServer::AcceptLoop, this);
}

HttpTestServer::~HttpTestServer() { Stop(); }

std::string HttpTestServer::BaseUrl() const { return "http://127.0.0.1:" + std::to_string(port_); }

void HttpTestServer::Enqueue(ScriptedReply reply) {
  std::lock_guard<std::mutex> lock(mu_);
  script_.push_back(std::move(reply));
}

void HttpTestServer::SetDefault(ScriptedReply reply) {
  std::lock_guard<std::mutex> lock(mu_);
  default_reply_ = std::move(reply);
}

std::vector<RecordedRequest> HttpTestServer::requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_;
}

size_t HttpTestServer::request_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_.size();
}

int HttpTestServer::connections_accepted() const {
  std::lock_guard<std::mutex> lock(mu_);
  return connections_;
}

int HttpTestServer::max_concurrent_requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return max_answering_;
}

bool HttpTestServer::WaitForRequests(size_t count, std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(mu_);
  return changed_.wait_for(lock, timeout, [&] { return requests_.size() >= count; });
}

void HttpTestServer::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (listen_fd_ < 0) return;
    stopping_ = true;
    for (int fd : open_fds_) shutdown(fd, SHUT_RDWR);
  }
  changed_.notify_all();
  // Wakes the blocking accept() with EINVAL.
  shutdown(listen_fd_, SHUT_RDWR);
  if (acceptor_.joinable()) acceptor_.join();
  close(listen_fd_);

  std::vector<std::thread> workers;
  {
    std::lock_guard<std::mutex> lock(mu_);
    listen_fd_ = -1;
    workers.swap(workers_);
  }
  for (std::thread& worker : workers) worker.join();
}

void HttpTestServer::AcceptLoop() {
  for (;;) {
    int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) {
      if (fd >= 0) close(fd);
      return;
    }
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      return;
    }
    ++connections_;
    open_fds_.push_back(fd);
    workers_.emplace_back(&HttpTestServer::Serve, this, fd, connections_);
  }
}

ScriptedReply HttpTestServer::NextReply() {
  if (script_.empty()) return default_reply_;
  ScriptedReply reply = std::move(script_.front());
  script_.pop_front();
  return reply;
}

bool HttpTestServer::Pause(int ms) {
  std::unique_lock<std::mutex> lock(mu_);
  return !changed_.wait_for(lock, std::chrono::milliseconds(ms), [&] { return stopping_; });
}

void HttpTestServer::HoldUntilPeerLeaves(int fd) {
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) return;
    }
    pollfd watch{fd, POLLIN, 0};
    int ready = poll(&watch, 1, 20);
    if (ready < 0 && errno != EINTR) return;
    if (ready > 0) {
      char sink[1024];
      if (recv(fd, sink, sizeof(sink), 0) <= 0) return;
    }
  }
}

void HttpTestServer::Serve(int fd, int connection) {
  std::string buffer;
  bool keep_open = true;
  while (keep_open) {
    size_t head_end;
    while ((head_end = buffer.find("\r\n\r\n")) == std::string::npos) {
      if (!ReadMore(fd, &buffer)) keep_open = false;
      if (!keep_open) break;
    }
    if (!keep_open) break;
    RecordedRequest request = ParseHead(std::string_view(buffer).substr(0, head_end));
    buffer.erase(0, head_end + 4);
    // GETs carry no body, but a request that does must not be mistaken for
    // the next request's head.
    size_t body_bytes = 0;
    if (auto length = request.Header("content-length")) body_bytes = std::stoul(*length);
    while (buffer.size() < body_bytes && ReadMore(fd, &buffer)) {
    }
    buffer.erase(0, std::min(body_bytes, buffer.size()));
    request.connection = connection;

    ScriptedReply reply;
    {
      std::lock_guard<std::mutex> lock(mu_);
      requests_.push_back(std::move(request));
      max_answering_ = std::max(max_answering_, ++answering_);
      reply = NextReply();
    }
    changed_.notify_all();

    if (reply.hang) {
      HoldUntilPeerLeaves(fd);
      keep_open = false;
    } else if (reply.delay_ms > 0 && !Pause(reply.delay_ms)) {
      keep_open = false;
    } else {
      size_t bytes = std::min(reply.send_bytes, reply.raw.size());
      keep_open = SendAll(fd, reply.raw.data(), bytes) && reply.send_bytes == std::string::npos &&
                  reply.after == ScriptedReply::After::kKeepOpen;
      if (reply.after == ScriptedReply::After::kReset) {
        // Linger 0 turns close() into a RST instead of a FIN.
        linger hard{1, 0};
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &hard, sizeof(hard));
      }
    }
    std::lock_guard<std::mutex> lock(mu_);
    --answering_;
  }

  std::lock_guard<std::mutex> lock(mu_);
  open_fds_.erase(std::find(open_fds_.begin(), open_fds_.end(), fd));
  close(fd);
}

}  // namespace orauditd::testing
