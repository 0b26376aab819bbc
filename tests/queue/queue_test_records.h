// Records for queue tests: the fields the queue itself reads, nothing more.
#pragma once

#include <cstdint>
#include <string>

#include "queue/queued_record.h"

namespace orauditd::testing {

// A record named `id` (also its dedup key and, prefixed, its generation id),
// first due at `due_ms`.
inline QueuedRecord DueRecord(const std::string& id, int64_t due_ms) {
  QueuedRecord q;
  q.record.request_id = id;
  q.record.dedup_key = id;
  q.record.generation_id = "gen-" + id;
  q.record.timestamp_ms = 1000;
  q.record.received_ms = 1000;
  q.due_ms = due_ms;
  return q;
}

}  // namespace orauditd::testing
