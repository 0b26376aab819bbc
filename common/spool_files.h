// Spool file names and line identities, shared by the spool watcher,
// `orauditd replay` and `orauditctl replay`, which must agree on them: a
// line read by any of the three is the same record, because its dedup key
// is built the same way.
//
// Any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace orauditd {

// Whether `name` is a finished spool file: *.jsonl or *.ndjson, not hidden
// (a leading '.'), not *.tmp. Names that fail are files still being written.
bool IsSpoolFileName(std::string_view name);

// Whether `name` is one a writer uses while the file is not finished: a
// leading '.' or a .tmp ending. Also "." and "..".
bool IsTemporarySpoolName(std::string_view name);

// "<file name>:<line number>": the line's identity, the value of the
// spool_ref field that orauditctl replay adds.
std::string SpoolLineRef(std::string_view file_name, int64_t line_number);

// The dedup key of a line with neither request_id nor generation_id:
// "spool:" + SpoolLineRef.
std::string SpoolDedupKey(std::string_view file_name, int64_t line_number);

struct SpoolFile {
  std::string path;
  std::string name;  // without its folder: what SpoolLineRef uses
  uint64_t size = 0;
};

// Each path that is a file, and the spool files directly inside each path
// that is a folder (in name order). A path that does not exist is an error.
StatusOr<std::vector<SpoolFile>> ListSpoolFiles(const std::vector<std::string>& paths);

}  // namespace orauditd
