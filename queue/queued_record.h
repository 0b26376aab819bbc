// QueuedRecord: a Record plus the lookup state the queue keeps for it
// between attempts. Stored as one JSON value per record in RocksDB.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/record.h"
#include "common/status.h"

namespace orauditd {

struct QueuedRecord {
  Record record;
  int64_t due_ms = 0;     // next lookup; also the due-index key
  int64_t attempts = 0;   // requests made to the generation endpoint so far
  bool parked = false;    // waiting on a key or config problem (401/403/HTML 404)
  std::optional<std::string> duplicate_of;  // request_id that owns the generation_id
  std::string last_error;                   // detail of the latest non-final answer
  // The latest `data` object of a 200 that had no cost yet; kept so that a
  // row finalized as unresolved still shows what OpenRouter knew.
  std::optional<std::string> partial_generation_json;
  // EncodeQueuedRecord(*this), made ahead by intake on the loop thread so that
  // the intake writer thread, the busier one, only stores it. Empty means
  // "encode when storing"; not part of the stored form.
  std::string encoded;
};

std::string EncodeQueuedRecord(const QueuedRecord& queued);
StatusOr<QueuedRecord> DecodeQueuedRecord(std::string_view text);

}  // namespace orauditd
