// IntakeClient: a blocking client of the daemon's Unix socket protocol that
// streams lines and reads replies at the same time (as Redis pipelining
// does), so that a large file never deadlocks on full socket buffers.
#pragma once

#include <functional>
#include <istream>
#include <string>

#include "common/status.h"

namespace orauditd::tools {

std::string DefaultSocketPath();

struct SubmitTotals {
  uint64_t sent = 0;
  uint64_t ok = 0;
  uint64_t duplicates = 0;
  uint64_t refused = 0;
};

// Sends every line of `in` to the socket at `path` and calls on_reply(line,
// reply) for each, in order. Blank input lines are skipped.
StatusOr<SubmitTotals> SubmitLines(
    const std::string& path, std::istream& in,
    const std::function<void(const std::string& line, const std::string& reply)>& on_reply);

}  // namespace orauditd::tools
