// HostPort: "127.0.0.1:9464", "[::1]:9464" or "localhost:9464" split into a
// host and a port, for metrics.listen and for `orauditctl status --metrics`.
// Pure functions, any thread.
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"

namespace orauditd {

struct HostPort {
  std::string host;  // without the brackets of an IPv6 literal
  uint16_t port = 0;

  // Back to text, with brackets around an IPv6 literal.
  std::string ToString() const;
};

// Port 0 is allowed (it means "pick a free port" to a listener).
StatusOr<HostPort> ParseHostPort(const std::string& text);

}  // namespace orauditd
