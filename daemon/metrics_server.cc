#include "daemon/metrics_server.h"

#include <netdb.h>
#include <netinet/in.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <cstring>

#include "common/host_port.h"

namespace orauditd {
namespace {

std::string Response(const std::string& status, const std::string& content_type,
                     const std::string& body, bool head_only,
                     const std::string& extra_headers = "") {
  std::string out = "HTTP/1.1 " + status + "\r\n";
  out += "Content-Type: " + content_type + "\r\n";
  out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  out += extra_headers;
  out += "Connection: close\r\n\r\n";
  if (!head_only) out += body;
  return out;
}

std::string PlainError(const std::string& status, const std::string& body,
                       const std::string& extra_headers = "") {
  return Response(status, "text/plain; charset=utf-8", body, false, extra_headers);
}

std::string UvText(const std::string& operation, int rc) {
  return operation + ": " + uv_err_name(rc) + ": " + uv_strerror(rc);
}

std::string AddressText(const sockaddr_storage& address) {
  char host[INET6_ADDRSTRLEN] = {0};
  int port = 0;
  if (address.ss_family == AF_INET6) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(&address);
    uv_ip6_name(v6, host, sizeof host);
    port = ntohs(v6->sin6_port);
    return std::string("[") + host + "]:" + std::to_string(port);
  }
  const auto* v4 = reinterpret_cast<const sockaddr_in*>(&address);
  uv_ip4_name(v4, host, sizeof host);
  port = ntohs(v4->sin_port);
  return std::string(host) + ":" + std::to_string(port);
}

StatusOr<sockaddr_storage> Resolve(const std::string& listen) {
  auto parsed = ParseHostPort(listen);
  if (!parsed.ok()) return parsed.status().WithContext("metrics.listen");
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  // Only "localhost" is looked up; anything else must be an address, so that
  // start-up never waits on DNS.
  hints.ai_flags = AI_NUMERICSERV | (parsed->host == "localhost" ? 0 : AI_NUMERICHOST);
  addrinfo* found = nullptr;
  std::string port = std::to_string(parsed->port);
  int rc = getaddrinfo(parsed->host.c_str(), port.c_str(), &hints, &found);
  if (rc != 0 || found == nullptr) {
    return Status::InvalidArgument("metrics.listen: \"" + listen + "\": not an IP address (" +
                                   gai_strerror(rc) + ")");
  }
  sockaddr_storage address{};
  std::memcpy(&address, found->ai_addr, found->ai_addrlen);
  freeaddrinfo(found);
  return address;
}

}  // namespace

std::string MetricsHttpResponse(const std::string& request_head,
                                const std::function<std::string()>& render) {
  size_t line_end = request_head.find("\r\n");
  std::string line = request_head.substr(0, line_end);
  size_t first_space = line.find(' ');
  size_t second_space = line.find(' ', first_space + 1);
  if (first_space == std::string::npos || second_space == std::string::npos ||
      line.compare(second_space + 1, 5, "HTTP/") != 0) {
    return PlainError("400 Bad Request", "bad request line\n");
  }
  std::string method = line.substr(0, first_space);
  std::string target = line.substr(first_space + 1, second_space - first_space - 1);
  std::string path = target.substr(0, target.find('?'));

  if (path != "/metrics") return PlainError("404 Not Found", "not found; try /metrics\n");
  if (method != "GET" && method != "HEAD") {
    return PlainError("405 Method Not Allowed", "use GET\n", "Allow: GET, HEAD\r\n");
  }
  return Response("200 OK", "text/plain; version=0.0.4; charset=utf-8", render(), method == "HEAD");
}

class MetricsServer::Connection {
 public:
  explicit Connection(MetricsServer* server) : server_(server) {
    tcp_.data = this;
    timer_.data = this;
  }

  uv_tcp_t tcp_;
  uv_timer_t timer_;

  void Begin() {
    uv_timer_start(&timer_, &Connection::OnIdle, server_->options_.idle_timeout_ms, 0);
    int rc = uv_read_start(reinterpret_cast<uv_stream_t*>(&tcp_), &Connection::OnAlloc,
                           &Connection::OnRead);
    if (rc != 0) Close();
  }

  void Close() {
    if (closing_) return;
    closing_ = true;
    uv_read_stop(reinterpret_cast<uv_stream_t*>(&tcp_));
    uv_close(reinterpret_cast<uv_handle_t*>(&tcp_), &Connection::OnClosed);
    uv_close(reinterpret_cast<uv_handle_t*>(&timer_), &Connection::OnClosed);
  }

 private:
  struct Write {
    uv_write_t req;
    std::string data;
    Connection* connection;
  };

  static void OnAlloc(uv_handle_t* handle, size_t, uv_buf_t* buf) {
    auto* self = static_cast<Connection*>(handle->data);
    buf->base = self->read_buffer_;
    buf->len = sizeof self->read_buffer_;
  }

  static void OnRead(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
    auto* self = static_cast<Connection*>(stream->data);
    if (nread < 0) {
      self->Close();
      return;
    }
    if (nread == 0 || self->answered_) return;
    self->head_.append(buf->base, static_cast<size_t>(nread));
    if (self->head_.find("\r\n\r\n") != std::string::npos) {
      self->Answer(MetricsHttpResponse(self->head_, self->server_->render_));
    } else if (self->head_.size() > self->server_->options_.max_request_bytes) {
      self->Answer(PlainError("431 Request Header Fields Too Large", "request too large\n"));
    }
  }

  static void OnIdle(uv_timer_t* timer) { static_cast<Connection*>(timer->data)->Close(); }

  static void OnClosed(uv_handle_t* handle) {
    auto* self = static_cast<Connection*>(handle->data);
    if (++self->closed_handles_ < 2) return;
    if (self->server_ != nullptr) self->server_->Forget(self);
    delete self;
  }

  void Answer(std::string response) {
    answered_ = true;
    ++server_->requests_served_;
    uv_read_stop(reinterpret_cast<uv_stream_t*>(&tcp_));
    auto* write = new Write{{}, std::move(response), this};
    write->req.data = write;
    uv_buf_t buf = uv_buf_init(write->data.data(), static_cast<unsigned>(write->data.size()));
    int rc = uv_write(&write->req, reinterpret_cast<uv_stream_t*>(&tcp_), &buf, 1,
                      [](uv_write_t* req, int) {
                        auto* done = static_cast<Write*>(req->data);
                        Connection* self = done->connection;
                        delete done;
                        self->Close();
                      });
    if (rc != 0) {
      delete write;
      Close();
    }
  }

  MetricsServer* server_;
  char read_buffer_[2048];
  std::string head_;
  bool answered_ = false;
  bool closing_ = false;
  int closed_handles_ = 0;
};

MetricsServer::MetricsServer(uv_loop_t* loop, std::function<std::string()> render,
                             MetricsServerOptions options)
    : loop_(loop), render_(std::move(render)), options_(std::move(options)) {
  server_.data = this;
}

MetricsServer::~MetricsServer() = default;

Status MetricsServer::Listen() {
  auto address = Resolve(options_.listen);
  if (!address.ok()) return address.status();

  uv_tcp_init(loop_, &server_);
  server_.data = this;
  listening_ = true;
  int rc = uv_tcp_bind(&server_, reinterpret_cast<const sockaddr*>(&*address), 0);
  if (rc == 0) {
    rc = uv_listen(reinterpret_cast<uv_stream_t*>(&server_), 64, &MetricsServer::OnConnection);
  }
  if (rc != 0) return Status::IoError(UvText("metrics: listen on " + options_.listen, rc));

  sockaddr_storage bound{};
  int length = sizeof bound;
  uv_tcp_getsockname(&server_, reinterpret_cast<sockaddr*>(&bound), &length);
  bound_address_ = AddressText(bound);
  spdlog::info("metrics: listening on {}", bound_address_);
  return Status::Ok();
}

void MetricsServer::OnConnection(uv_stream_t* stream, int status) {
  auto* self = static_cast<MetricsServer*>(stream->data);
  if (status != 0) {
    spdlog::warn("metrics: accept failed: {}", uv_strerror(status));
    return;
  }
  auto* connection = new Connection(self);
  uv_tcp_init(self->loop_, &connection->tcp_);
  uv_timer_init(self->loop_, &connection->timer_);
  self->connections_.insert(connection);
  bool refused = uv_accept(stream, reinterpret_cast<uv_stream_t*>(&connection->tcp_)) != 0 ||
                 self->closing_ || self->connections_.size() > self->options_.max_connections;
  if (refused) {
    connection->Close();
    return;
  }
  connection->Begin();
}

void MetricsServer::Forget(Connection* connection) {
  connections_.erase(connection);
  MaybeClosed();
}

void MetricsServer::Close(std::function<void()> closed) {
  closing_ = true;
  closed_ = std::move(closed);
  if (!listening_) {
    server_closed_ = true;
    MaybeClosed();
    return;
  }
  uv_close(reinterpret_cast<uv_handle_t*>(&server_), [](uv_handle_t* handle) {
    auto* self = static_cast<MetricsServer*>(handle->data);
    self->server_closed_ = true;
    self->MaybeClosed();
  });
  auto open = connections_;
  for (Connection* connection : open) connection->Close();
}

void MetricsServer::MaybeClosed() {
  if (closing_ && server_closed_ && connections_.empty() && closed_) {
    auto done = std::move(closed_);
    closed_ = nullptr;
    done();
  }
}

}  // namespace orauditd
