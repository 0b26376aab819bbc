#include "tools/intake_client.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <deque>

#include "common/unique_fd.h"

namespace orauditd::tools {
namespace {

constexpr size_t kMaxUnanswered = 1024;

}  // namespace

std::string DefaultSocketPath() {
  const char* env = std::getenv("ORAUDITD_SOCKET");
  return env != nullptr && *env != '\0' ? env : "/run/orauditd/intake.sock";
}

bool IsDaemonSideRefusal(std::string_view error) {
  for (std::string_view prefix : {"disk full:", "queue ", "statvfs "}) {
    if (error.starts_with(prefix)) return true;
  }
  return false;
}

StatusOr<SubmitTotals> SubmitLines(
    const std::string& path, std::istream& in,
    const std::function<bool(const std::string&, const std::string&)>& on_reply) {
  UniqueFd fd(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) return Status::IoError(std::string("socket: ") + std::strerror(errno));
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path) {
    return Status::InvalidArgument("socket path too long: " + path);
  }
  std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
  if (connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    return Status::Unavailable("connect " + path + ": " + std::strerror(errno) +
                               " (is orauditd running?)");
  }

  SubmitTotals totals;
  std::deque<std::string> sent_lines;  // waiting for their replies
  std::string outbox;                  // bytes not yet written
  std::string inbox;                   // reply bytes not yet a full line
  bool input_done = false;
  bool write_shut = false;

  while (true) {
    while (!input_done && outbox.size() < (64 << 10) && sent_lines.size() < kMaxUnanswered) {
      std::string line;
      if (!std::getline(in, line)) {
        input_done = true;
        break;
      }
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.find_first_not_of(" \t") == std::string::npos) continue;
      outbox += line;
      outbox += '\n';
      sent_lines.push_back(std::move(line));
      ++totals.sent;
    }
    if (input_done && outbox.empty() && !write_shut) {
      shutdown(fd.get(), SHUT_WR);
      write_shut = true;
    }
    if (input_done && outbox.empty() && sent_lines.empty()) break;

    pollfd pfd{fd.get(), static_cast<short>(POLLIN | (outbox.empty() ? 0 : POLLOUT)), 0};
    if (poll(&pfd, 1, 60000) <= 0) {
      return Status::Unavailable("no reply from " + path + " within 60 s");
    }
    if (pfd.revents & POLLOUT) {
      ssize_t n = send(fd.get(), outbox.data(), outbox.size(), MSG_NOSIGNAL);
      if (n < 0 && errno != EAGAIN && errno != EINTR) {
        return Status::IoError("write to " + path + ": " + std::strerror(errno));
      }
      if (n > 0) outbox.erase(0, static_cast<size_t>(n));
    }
    if (pfd.revents & (POLLIN | POLLHUP)) {
      char buf[65536];
      ssize_t n = recv(fd.get(), buf, sizeof buf, 0);
      if (n < 0 && errno != EAGAIN && errno != EINTR) {
        return Status::IoError("read from " + path + ": " + std::strerror(errno));
      }
      if (n == 0) {
        return Status::Unavailable("daemon closed the connection with " +
                                   std::to_string(sent_lines.size()) + " replies outstanding");
      }
      if (n > 0) inbox.append(buf, static_cast<size_t>(n));
      size_t newline;
      while ((newline = inbox.find('\n')) != std::string::npos) {
        std::string reply = inbox.substr(0, newline);
        inbox.erase(0, newline + 1);
        if (sent_lines.empty()) continue;
        if (reply.find("\"ok\":true") != std::string::npos) {
          ++totals.ok;
          if (reply.find("\"duplicate\":true") != std::string::npos) ++totals.duplicates;
        } else {
          ++totals.refused;
        }
        if (!on_reply(sent_lines.front(), reply)) input_done = true;
        sent_lines.pop_front();
      }
    }
  }
  return totals;
}

}  // namespace orauditd::tools
