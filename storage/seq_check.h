// The rule both sinks apply to a batch: rows at or below the sink's last seq
// are skipped (a replayed batch), the rest must continue it without a gap.
// Pure function, any thread.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "storage/row.h"

namespace orauditd {

// Index of the first row of `rows` with seq > `last_seq`.
size_t FirstNewRow(const std::vector<Row>& rows, int64_t last_seq);

// Checks that rows[first..] are last_seq+1, last_seq+2, ... An empty sink
// (last_seq 0) takes any positive first seq, so that a sink added later
// starts where the chain is. The message is prefixed with `context`.
Status CheckContiguous(const std::vector<Row>& rows, size_t first, int64_t last_seq,
                       std::string_view context);

}  // namespace orauditd
