// SystemdNotifier: systemd's notify protocol (sd_notify(3)) written out, so
// that the daemon needs no libsystemd: each message is one datagram of
// newline-separated assignments ("READY=1", "STATUS=...", "WATCHDOG=1",
// "STOPPING=1") sent to the AF_UNIX socket named by $NOTIFY_SOCKET, a path
// or, with a leading '@', a name in the abstract namespace.
//
// It also reads the watchdog settings: with $WATCHDOG_USEC set (and
// $WATCHDOG_PID unset or naming this process) systemd expects WATCHDOG=1
// at least that often, and sd_watchdog_enabled(3) advises pinging at half
// the interval.
//
// Without $NOTIFY_SOCKET every call is a no-op, so the daemon runs the same
// under systemd and from a shell. Any thread; the object is immutable.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace orauditd {

class SystemdNotifier {
 public:
  // Disabled: no socket, no watchdog.
  SystemdNotifier() = default;
  SystemdNotifier(std::string socket, uint64_t watchdog_usec)
      : socket_(std::move(socket)), watchdog_usec_(watchdog_usec) {}

  // From $NOTIFY_SOCKET, $WATCHDOG_USEC and $WATCHDOG_PID.
  static SystemdNotifier FromEnvironment();

  bool enabled() const { return !socket_.empty(); }
  const std::string& socket() const { return socket_; }

  // Sends one message; OK without a socket. The error names the socket.
  Status Notify(std::string_view state) const;

  // How often to send WATCHDOG=1, in ms: half of $WATCHDOG_USEC; 0 when
  // systemd expects no pings.
  uint64_t watchdog_ping_interval_ms() const;

 private:
  std::string socket_;
  uint64_t watchdog_usec_ = 0;
};

}  // namespace orauditd
