#include "daemon/systemd_notify.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <cstring>

namespace orauditd {
namespace {

// A whole decimal number; false when the text is absent or not one.
bool ParseUnsigned(const char* text, uint64_t* out) {
  if (text == nullptr || *text == '\0') return false;
  char* end = nullptr;
  errno = 0;
  unsigned long long value = std::strtoull(text, &end, 10);
  if (errno != 0 || *end != '\0' || text[0] == '-') return false;
  *out = value;
  return true;
}

}  // namespace

SystemdNotifier SystemdNotifier::FromEnvironment() {
  const char* socket = std::getenv("NOTIFY_SOCKET");
  uint64_t watchdog_usec = 0;
  uint64_t watchdog_pid = 0;
  if (!ParseUnsigned(std::getenv("WATCHDOG_USEC"), &watchdog_usec)) watchdog_usec = 0;
  // The watchdog settings may be meant for another process of the unit
  // (sd_watchdog_enabled(3)); only the named one pings.
  if (ParseUnsigned(std::getenv("WATCHDOG_PID"), &watchdog_pid) &&
      watchdog_pid != static_cast<uint64_t>(getpid())) {
    watchdog_usec = 0;
  }
  return SystemdNotifier(socket == nullptr ? "" : socket, watchdog_usec);
}

Status SystemdNotifier::Notify(std::string_view state) const {
  if (socket_.empty()) return Status::Ok();
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (socket_.size() >= sizeof address.sun_path || (socket_[0] != '/' && socket_[0] != '@')) {
    return Status::InvalidArgument("NOTIFY_SOCKET \"" + socket_ +
                                   "\": expected an absolute path or @name");
  }
  std::memcpy(address.sun_path, socket_.data(), socket_.size());
  if (socket_[0] == '@') address.sun_path[0] = '\0';  // the abstract namespace
  socklen_t length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + socket_.size());
  if (socket_[0] == '/') ++length;  // a path is sent with its terminating NUL

  int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Status::IoError("notify " + socket_ + ": socket: " + std::strerror(errno));
  ssize_t sent = sendto(fd, state.data(), state.size(), MSG_NOSIGNAL,
                        reinterpret_cast<const sockaddr*>(&address), length);
  int error = errno;
  close(fd);
  if (sent < 0) return Status::IoError("notify " + socket_ + ": " + std::strerror(error));
  return Status::Ok();
}

uint64_t SystemdNotifier::watchdog_ping_interval_ms() const {
  if (watchdog_usec_ == 0) return 0;
  uint64_t half_ms = watchdog_usec_ / 2000;
  return half_ms == 0 ? 1 : half_ms;
}

}  // namespace orauditd
