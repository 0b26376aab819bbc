// POSIX file helpers for the JSON lines sink and the verifier, each failure
// converted to a Status that names the call, the path and the errno symbol:
// "fsync(/var/log/orauditd/audit.jsonl): Input/output error (EIO)".
// Any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace orauditd {

// A Status for `error` (an errno value) in `operation` on `path`.
Status PosixError(std::string_view operation, std::string_view path, int error);

// "/a/b" for "/a/b/c", "." for "c".
std::string DirName(const std::string& path);

// Creates the folders above `path` that are missing (mode 0750).
Status MakeParentDirs(const std::string& path);

// fsync on a folder, so that a created, renamed or removed entry in it is
// durable.
Status SyncDir(const std::string& dir);

// Writes all of `data` at the file offset, retrying short writes and EINTR.
Status WriteAll(int fd, std::string_view data, const std::string& path);

// Reads exactly `size` bytes at `offset` into `out` (short only at end of
// file).
Status ReadAt(int fd, int64_t offset, size_t size, std::string* out, const std::string& path);

// Size of the file at `path`, or -1 when it does not exist.
StatusOr<int64_t> FileSize(const std::string& path);

}  // namespace orauditd
