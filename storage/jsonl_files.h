// Naming and reading of JSON lines files: the current file `<path>` and the
// rotated ones `<path>.<first seq, 12 digits>` (docs/sinks.md). Shared by
// the sink, which resumes from them, and the verifier. Any thread.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"

namespace orauditd {

// "<path>.000000000042" for first_seq 42.
std::string RotatedJsonlName(const std::string& path, int64_t first_seq);

// The rotated files of `path` that exist, as (first seq, file name), in
// ascending seq order.
StatusOr<std::vector<std::pair<int64_t, std::string>>> ListRotatedJsonl(const std::string& path);

// The files of the one chain in folder `dir`: `<name>.jsonl` and its rotated
// files, found by name (the current file may be gone). Other files are left
// out. An error when the folder holds none, or more than one such chain.
StatusOr<std::vector<std::string>> JsonlChainInFolder(const std::string& dir);

// The first complete line of the open file (without '\n'); "" when the file
// has none.
StatusOr<std::string> ReadFirstLine(int fd, const std::string& path);

// The last complete line of a file of `size` bytes that ends in '\n'
// (without it); "" when the file is empty.
StatusOr<std::string> ReadLastLine(int fd, int64_t size, const std::string& path);

// Offset just past the last '\n' in the first `size` bytes: where a file
// whose last line was cut short must be truncated. 0 when there is none.
StatusOr<int64_t> EndOfLastCompleteLine(int fd, int64_t size, const std::string& path);

// The seq of a JSON line, parsed as a row; the error names `path`.
StatusOr<int64_t> SeqOfLine(const std::string& line, const std::string& path);

}  // namespace orauditd
