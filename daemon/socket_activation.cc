#include "daemon/socket_activation.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace orauditd {
namespace {

std::vector<std::string> SplitNames(const char* text) {
  std::vector<std::string> names;
  if (text == nullptr) return names;
  std::string all(text);
  size_t start = 0;
  while (start <= all.size()) {
    size_t colon = all.find(':', start);
    if (colon == std::string::npos) colon = all.size();
    names.push_back(all.substr(start, colon - start));
    start = colon + 1;
  }
  return names;
}

void ClearEnvironment() {
  unsetenv("LISTEN_FDS");
  unsetenv("LISTEN_PID");
  unsetenv("LISTEN_FDNAMES");
}

Status CheckListeningUnixStream(int fd) {
  std::string what = "socket passed by systemd (fd " + std::to_string(fd) + ")";
  int type = 0;
  int listening = 0;
  socklen_t length = sizeof type;
  if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &length) != 0) {
    return Status::FailedPrecondition(what + ": not a socket: " + std::strerror(errno));
  }
  length = sizeof listening;
  getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &length);
  sockaddr_storage address{};
  length = sizeof address;
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  if (type != SOCK_STREAM || address.ss_family != AF_UNIX || listening == 0) {
    return Status::FailedPrecondition(what +
                                      ": expected a listening Unix stream socket "
                                      "(ListenStream= with a path in orauditd.socket)");
  }
  return Status::Ok();
}

}  // namespace

StatusOr<int> TakeActivatedSocket() {
  const char* pid_text = std::getenv("LISTEN_PID");
  const char* fds_text = std::getenv("LISTEN_FDS");
  std::vector<std::string> names = SplitNames(std::getenv("LISTEN_FDNAMES"));
  bool for_us = pid_text != nullptr && fds_text != nullptr &&
                std::strtol(pid_text, nullptr, 10) == static_cast<long>(getpid());
  int count = for_us ? static_cast<int>(std::strtol(fds_text, nullptr, 10)) : 0;
  ClearEnvironment();
  if (count <= 0) return -1;

  int fd = kListenFdsStart;
  if (count > 1) {
    fd = -1;
    for (int i = 0; i < count && i < static_cast<int>(names.size()); ++i) {
      if (names[i] == "intake") fd = kListenFdsStart + i;
    }
    if (fd < 0) {
      return Status::FailedPrecondition("systemd passed " + std::to_string(count) +
                                        " sockets and none is named \"intake\" "
                                        "(FileDescriptorName=intake)");
    }
  }
  Status usable = CheckListeningUnixStream(fd);
  if (!usable.ok()) return usable;
  fcntl(fd, F_SETFD, FD_CLOEXEC);
  return fd;
}

}  // namespace orauditd
