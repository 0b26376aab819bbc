#include "bench/pipelined_client.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "common/unique_fd.h"

namespace orauditd::bench {
namespace {

using Clock = std::chrono::steady_clock;

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

}  // namespace

void LineBlock::Add(const std::string& line) {
  bytes += line;
  bytes += '\n';
  ends.push_back(bytes.size());
}

ClientResult RunClient(const std::string& socket_path, const ClientPlan& plan) {
  ClientResult result;
  const LineBlock& lines = *plan.lines;
  const size_t count = lines.size();
  UniqueFd fd(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, socket_path.c_str(), sizeof addr.sun_path - 1);
  if (fd.get() < 0 || connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    result.status = Status::Unavailable("connect " + socket_path + ": " + std::strerror(errno));
    return result;
  }

  // When each line was due (paced) or handed to the socket (closed loop).
  std::vector<Clock::time_point> sent_at(count);
  result.latency_ms.reserve(count);
  size_t released = 0;    // lines allowed onto the socket so far
  size_t sent_bytes = 0;  // bytes of them written
  size_t answered = 0;
  std::string inbox;
  auto give_up = Clock::now() + plan.limit;
  const double ns_per_line = plan.rate > 0 ? 1e9 / plan.rate : 0;
  auto due = [&](size_t i) {
    return plan.start + std::chrono::nanoseconds(static_cast<int64_t>(ns_per_line * i));
  };

  while (answered < count) {
    Clock::time_point now = Clock::now();
    if (now > give_up) {
      result.status =
          Status::Unavailable("gave up after " + std::to_string(plan.limit.count()) + " s with " +
                              std::to_string(count - answered) + " replies outstanding");
      break;
    }
    size_t allowed = std::min(count, answered + plan.window);
    while (released < allowed && (plan.rate == 0 || due(released) <= now)) {
      sent_at[released] = plan.rate == 0 ? now : due(released);
      ++released;
    }
    size_t release_bytes = released == 0 ? 0 : lines.ends[released - 1];

    if (sent_bytes < release_bytes) {
      // Write at once; poll for POLLOUT only when the socket buffer is full.
      ssize_t n =
          send(fd.get(), lines.bytes.data() + sent_bytes, release_bytes - sent_bytes, MSG_NOSIGNAL);
      if (n > 0) {
        sent_bytes += static_cast<size_t>(n);
      } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
        result.status = Status::IoError(std::string("send: ") + std::strerror(errno));
        break;
      }
    }
    bool want_out = sent_bytes < release_bytes;
    pollfd pfd{fd.get(), static_cast<short>(POLLIN | (want_out ? POLLOUT : 0)), 0};
    // Sleep until the next line is due (ppoll takes nanoseconds), else until
    // a reply comes.
    int64_t wait_ns = 1000000000;
    if (!want_out && plan.rate > 0 && released < allowed) {
      wait_ns = std::clamp<int64_t>(
          std::chrono::duration_cast<std::chrono::nanoseconds>(due(released) - Clock::now())
              .count(),
          0, wait_ns);
    }
    timespec ts{static_cast<time_t>(wait_ns / 1000000000), static_cast<long>(wait_ns % 1000000000)};
    int ready = ppoll(&pfd, 1, &ts, nullptr);
    if (ready < 0 && errno != EINTR) {
      result.status = Status::IoError(std::string("poll: ") + std::strerror(errno));
      break;
    }
    if (ready <= 0 || !(pfd.revents & (POLLIN | POLLHUP | POLLERR))) continue;

    char buf[65536];
    ssize_t n = recv(fd.get(), buf, sizeof buf, 0);
    if (n == 0) {
      result.status = Status::Unavailable("daemon closed the connection with " +
                                          std::to_string(count - answered) + " replies owed");
      break;
    }
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
      result.status = Status::IoError(std::string("recv: ") + std::strerror(errno));
      break;
    }
    Clock::time_point arrived = Clock::now();
    inbox.append(buf, static_cast<size_t>(n));
    size_t begin = 0;
    size_t newline;
    while ((newline = inbox.find('\n', begin)) != std::string::npos) {
      std::string_view reply(inbox.data() + begin, newline - begin);
      if (reply.rfind("{\"ok\":true", 0) == 0) {
        ++result.ok;
      } else {
        if (result.refused++ == 0) result.first_refusal = std::string(reply);
      }
      if (answered < released) result.latency_ms.push_back(Ms(arrived - sent_at[answered]));
      ++answered;
      begin = newline + 1;
    }
    inbox.erase(0, begin);
  }
  result.finished = Clock::now();
  return result;
}

}  // namespace orauditd::bench
