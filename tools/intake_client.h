// IntakeClient: a blocking client of the daemon's Unix socket protocol that
// streams lines and reads replies at the same time (as Redis pipelining
// does), so that a large file never deadlocks on full socket buffers.
#pragma once

#include <functional>
#include <istream>
#include <string>
#include <string_view>

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
// reply) for each, in order. Blank input lines are skipped. When on_reply
// returns false, no further line is read: the lines already sent still get
// their replies.
StatusOr<SubmitTotals> SubmitLines(
    const std::string& path, std::istream& in,
    const std::function<bool(const std::string& line, const std::string& reply)>& on_reply);

// Whether a refusal's error is the daemon's side, not the record's: it
// cannot store records for now (disk below intake.min_free, a failed queue
// write). The same record is accepted later. The bundled clients tell the
// two apart by the same prefixes.
bool IsDaemonSideRefusal(std::string_view error);

}  // namespace orauditd::tools
