// BuildRow: the mapping from what the app reported and what OpenRouter's
// generation endpoint answered to one audit row. Where both sources have a
// figure, the contract says which wins; unknown values stay empty (NULL),
// never zero.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/generation.h"
#include "queue/queued_record.h"
#include "storage/row.h"

namespace orauditd {

// What BuildRow does to stored free text (docs/privacy.md).
struct RowPrivacy {
  // error_code, meta_error and metadata values pass through the redactor.
  // Always on in the daemon; off only to measure what it costs.
  bool redact_free_text = true;
  bool redact_user_id = false;  // privacy.redact_user_id
};

// `generation` is the resolved answer, or a partial one (no cost yet) kept
// for an unresolved row, or empty. seq and the hashes are left for the queue.
Row BuildRow(const QueuedRecord& queued, const std::optional<Generation>& generation,
             const std::string& meta_status, const std::string& meta_error, int64_t resolved_at_ms,
             const RowPrivacy& privacy = RowPrivacy());

}  // namespace orauditd
