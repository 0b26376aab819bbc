// The two JSON pieces that make up most of a serialized row, written fast:
// strings (generation_json alone is most of a row's bytes) and timestamps.
// Their output is exactly AppendJsonString's and FormatRfc3339Utc's (tests
// hold them equal); byte-by-byte appending and snprintf were the largest
// costs of serializing a row, which the verifier does for every row.
//
// Pure functions, any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace orauditd {

// Appends `text` as a JSON string literal, quotes included, escaped as RFC
// 8785 wants (common/json_writer.h AppendJsonString). `text` must already be
// UTF-8; bytes are copied as they are.
void AppendJsonText(std::string* out, std::string_view text);

// Appends "2026-12-04T15:10:38.123Z", quotes included
// (common/time_format.h FormatRfc3339Utc).
void AppendJsonTime(std::string* out, int64_t unix_ms);

}  // namespace orauditd
