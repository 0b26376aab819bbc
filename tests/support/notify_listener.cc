#include "tests/support/notify_listener.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstring>

namespace orauditd::testing {

NotifyListener::~NotifyListener() {
  if (fd_ >= 0) close(fd_);
  if (!name_.empty() && name_[0] == '/') unlink(name_.c_str());
}

Status NotifyListener::Bind(const std::string& name) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (name.empty() || name.size() >= sizeof address.sun_path) {
    return Status::InvalidArgument("notify socket name: " + name);
  }
  std::memcpy(address.sun_path, name.data(), name.size());
  if (name[0] == '@') address.sun_path[0] = '\0';
  socklen_t length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size());
  fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0 || bind(fd_, reinterpret_cast<sockaddr*>(&address), length) != 0) {
    return Status::IoError("bind " + name + ": " + std::strerror(errno));
  }
  name_ = name;
  return Status::Ok();
}

StatusOr<std::string> NotifyListener::Receive(std::chrono::milliseconds timeout) {
  pollfd p{fd_, POLLIN, 0};
  int ready = poll(&p, 1, static_cast<int>(timeout.count()));
  if (ready <= 0) return Status::Unavailable("no notify message within the timeout");
  char buffer[4096];
  ssize_t n = recv(fd_, buffer, sizeof buffer, 0);
  if (n < 0) return Status::IoError(std::string("recv: ") + std::strerror(errno));
  return std::string(buffer, static_cast<size_t>(n));
}

std::vector<std::string> NotifyListener::ReceiveFor(std::chrono::milliseconds window) {
  std::vector<std::string> messages;
  auto deadline = std::chrono::steady_clock::now() + window;
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    auto message = Receive(left);
    if (message.ok()) messages.push_back(*message);
  }
  return messages;
}

StatusOr<std::vector<std::string>> NotifyListener::ReceiveUntil(const std::string& needle,
                                                                std::chrono::milliseconds timeout) {
  std::vector<std::string> messages;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    auto message = Receive(left);
    if (!message.ok()) break;
    messages.push_back(*message);
    if (message->find(needle) != std::string::npos) return messages;
  }
  std::string seen;
  for (const auto& m : messages) seen += "[" + m + "] ";
  return Status::Unavailable("no notify message with \"" + needle + "\"; saw " + seen);
}

}  // namespace orauditd::testing
