// A row's timestamps in its JSON line, written fast: snprintf was one of
// the largest costs of serializing a row, which the verifier does for every
// row. The output is exactly FormatRfc3339Utc's, quoted (tests hold them
// equal). Strings go through AppendJsonString (common/json_writer.h).
//
// Pure function, any thread.
#pragma once

#include <cstdint>
#include <string>

namespace orauditd {

// Appends "2026-12-04T15:10:38.123Z", quotes included
// (common/time_format.h FormatRfc3339Utc).
void AppendJsonTime(std::string* out, int64_t unix_ms);

}  // namespace orauditd
