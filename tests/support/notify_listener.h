// NotifyListener: the systemd side of the notify protocol for tests, a
// datagram socket the test listens on; its name goes into NOTIFY_SOCKET.
// Every wait is bounded. One thread at a time.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "common/status.h"

namespace orauditd::testing {

class NotifyListener {
 public:
  NotifyListener() = default;
  ~NotifyListener();
  NotifyListener(const NotifyListener&) = delete;
  NotifyListener& operator=(const NotifyListener&) = delete;

  // Binds at a path, or in the abstract namespace for a name that starts
  // with '@' (as NOTIFY_SOCKET writes it).
  Status Bind(const std::string& name);
  const std::string& name() const { return name_; }

  // The next message, or Unavailable after `timeout`.
  StatusOr<std::string> Receive(std::chrono::milliseconds timeout);

  // Every message that arrives within `window`.
  std::vector<std::string> ReceiveFor(std::chrono::milliseconds window);

  // Messages until one contains `needle` (returned last), within `timeout`.
  StatusOr<std::vector<std::string>> ReceiveUntil(const std::string& needle,
                                                  std::chrono::milliseconds timeout);

 private:
  int fd_ = -1;
  std::string name_;
};

}  // namespace orauditd::testing
