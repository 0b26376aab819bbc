#include "tests/fake_openrouter/server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace orauditd::fake {
namespace {

constexpr int kBacklog = 1024;

Status ErrnoStatus(std::string_view what, int error) {
  return Status::IoError(std::string(what) + ": " + std::strerror(error));
}

StatusOr<int> BindOne(const sockaddr_in& address, bool reuse_port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return ErrnoStatus("socket", errno);
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (reuse_port && setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0) {
    int error = errno;
    close(fd);
    return ErrnoStatus("setsockopt(SO_REUSEPORT)", error);
  }
  if (bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    int error = errno;
    close(fd);
    return ErrnoStatus("bind", error);
  }
  return fd;
}

}  // namespace

StatusOr<std::vector<int>> BindListeners(const std::string& host, uint16_t port, int count,
                                         uint16_t* bound_port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  if (inet_pton(AF_INET, host.c_str(), &address.sin_addr) != 1) {
    return Status::InvalidArgument("--listen: \"" + host + "\" is not an IPv4 address");
  }
  std::vector<int> fds;
  for (int i = 0; i < count; ++i) {
    StatusOr<int> fd = BindOne(address, count > 1);
    if (!fd.ok()) {
      for (int open_fd : fds) close(open_fd);
      return fd.status().WithContext(host + ":" + std::to_string(ntohs(address.sin_port)));
    }
    fds.push_back(*fd);
    if (i == 0) {
      // Later sockets must share the port the kernel picked for the first.
      sockaddr_in actual{};
      socklen_t length = sizeof actual;
      getsockname(*fd, reinterpret_cast<sockaddr*>(&actual), &length);
      address.sin_port = actual.sin_port;
      *bound_port = ntohs(actual.sin_port);
    }
  }
  return fds;
}

Status Server::Listen(int fd) {
  uv_tcp_init(loop_, &listener_);
  listener_.data = this;
  listening_ = true;
  int rc = uv_tcp_open(&listener_, fd);
  if (rc == 0) rc = uv_listen(reinterpret_cast<uv_stream_t*>(&listener_), kBacklog, OnConnection);
  if (rc != 0) return Status::IoError(std::string("listen: ") + uv_err_name(rc));
  return Status::Ok();
}

void Server::OnConnection(uv_stream_t* listener, int status) {
  auto* self = static_cast<Server*>(listener->data);
  if (status < 0) return;  // e.g. EMFILE; the next connection may succeed
  auto* connection = new Connection(self->loop_, self->handler_,
                                    [self](Connection* gone) { self->connections_.erase(gone); });
  self->connections_.insert(connection);
  if (uv_accept(listener, connection->stream()) != 0) {
    connection->Abort();
    return;
  }
  connection->Start();
}

void Server::Close() {
  if (listening_) {
    uv_close(reinterpret_cast<uv_handle_t*>(&listener_), nullptr);
    listening_ = false;
  }
  std::vector<Connection*> open(connections_.begin(), connections_.end());
  for (Connection* connection : open) connection->Abort();
}

}  // namespace orauditd::fake
