// Record parsing: one NDJSON line of the intake format (docs/record-format.md)
// into a validated Record. This is the only place intake reads client JSON;
// the socket server, the spool watcher and replay all call it.
//
// Every refusal is Status::InvalidArgument with a message "<field>: <problem>"
// that a client author can act on. Messages never quote the prompt, metadata
// values or any other free text the client sent; numbers are quoted, since
// a wrong number is what the client needs to see.
//
// `messages` is hashed into prompt_hash and dropped here; it never reaches
// the Record, an error or a warning.
//
// Pure function of its input and context; any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/prompt_hash.h"
#include "common/record.h"
#include "common/status.h"

namespace orauditd {

struct RecordLimits {
  size_t max_line_bytes = 1 << 20;  // intake.max_line_bytes
  size_t max_string_bytes = 4096;   // any single string field
  size_t max_metadata_entries = 32;
  size_t max_metadata_key_bytes = 64;
  size_t max_metadata_value_bytes = 1024;
  size_t max_depth = 64;  // nesting of objects and arrays; the top level is 1
};

struct ParseContext {
  int64_t now_ms = 0;  // intake time: the default timestamp, and received_ms
  // Hashes messages; nullptr means plain SHA-256.
  const PromptHasher* hasher = nullptr;
  RecordLimits limits;
};

struct ParsedRecord {
  // request_id is left empty when the client sent none (the caller assigns a
  // ULID); dedup_key is request_id, else generation_id, else
  // "spool:<spool_ref>" when the line names one (orauditctl replay does),
  // else empty (the spool and replay set "spool:<file>:<line>").
  Record record;
  int unknown_fields = 0;             // top-level names this version ignores
  std::vector<std::string> warnings;  // accepted, but worth a log line
};

StatusOr<ParsedRecord> ParseRecordLine(std::string_view line, const ParseContext& ctx);

}  // namespace orauditd
