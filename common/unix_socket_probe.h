// ProbeUnixSocket: connects to the Unix socket at `path` and leaves at once,
// to learn whether something accepts connections there right now (a live
// daemon, as opposed to a stale socket file or none).
#pragma once

#include <string>

#include "common/status.h"

namespace orauditd {

// Ok when a connection was accepted; otherwise the reason, as strerror says it.
Status ProbeUnixSocket(const std::string& path);

}  // namespace orauditd
