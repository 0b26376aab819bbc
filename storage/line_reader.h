// LineReader: reads a file line by line through a large buffer, for the
// verifier's pass over millions of JSON lines. Lines are returned without
// their '\n'; a last fragment without '\n' is not a line (see
// partial_tail_bytes()).
//
// One thread per reader.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

namespace orauditd {

class LineReader {
 public:
  static StatusOr<std::unique_ptr<LineReader>> Open(const std::string& path);
  ~LineReader();

  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  // Sets `*line` to the next complete line, valid until the next call.
  // Returns false at the end of the file.
  StatusOr<bool> Next(std::string_view* line);

  // 1-based number of the line Next() returned last.
  int64_t line_number() const { return line_number_; }

  // Bytes after the last '\n', known once Next() has returned false.
  size_t partial_tail_bytes() const { return eof_ ? end_ - begin_ : 0; }

 private:
  LineReader(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}

  Status Fill();

  int fd_;
  std::string path_;
  std::string buffer_;
  size_t begin_ = 0;  // unread bytes are buffer_[begin_, end_)
  size_t end_ = 0;
  bool eof_ = false;
  int64_t line_number_ = 0;
};

}  // namespace orauditd
