// LineReader: streams the lines of an NDJSON file (a spool file, a replay
// input) without ever holding more than one line in memory, so that a file
// of millions of lines costs no more than a file of one.
//
// Line ends are "\n" or "\r\n"; a last line without a line end counts. A
// UTF-8 byte order mark at the start of the file is not part of line 1. A
// line longer than the limit is not kept: it is reported as over-long with
// its place in the file, and its bytes can be copied with ReadRange.
//
// One owner at a time; blocking reads (local files, as RocksDB's are).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

namespace orauditd {

struct Line {
  int64_t number = 0;      // 1-based, counting every line of the file, blank ones too
  std::string_view text;   // without its line end; valid until the next Next(); empty if over_long
  uint64_t offset = 0;     // where the text starts in the file
  uint64_t length = 0;     // bytes of text, without the line end
  bool over_long = false;  // length exceeds the reader's limit
};

class LineReader {
 public:
  // Where the next line starts: saved before a chunk of lines, restored to
  // read them again.
  struct Position {
    uint64_t offset = 0;
    int64_t next_line = 1;
  };

  static StatusOr<std::unique_ptr<LineReader>> Open(const std::string& path, size_t max_line_bytes);
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  // Reads the next line into `line`; returns false at the end of the file.
  StatusOr<bool> Next(Line* line);

  Position position() const { return {buffer_offset_ + cursor_, next_line_}; }
  Status Seek(Position position);

  // Calls `piece` with the bytes [offset, offset + length) of the file, a
  // bounded piece at a time: how an over-long line is copied elsewhere.
  Status ReadRange(uint64_t offset, uint64_t length,
                   const std::function<Status(std::string_view)>& piece) const;

  const std::string& path() const { return path_; }
  int fd() const { return fd_; }
  uint64_t bytes_read() const { return buffer_offset_ + cursor_; }

 private:
  LineReader(std::string path, int fd, size_t max_line_bytes);

  // Appends the next block of the file to buffer_; false at the end.
  StatusOr<bool> Fill();
  // Skips the rest of an over-long line; fills in its length.
  StatusOr<bool> SkipOverLong(Line* line);
  void Compact();

  std::string path_;
  int fd_;
  size_t max_line_bytes_;
  std::string buffer_;          // file bytes from buffer_offset_ on
  uint64_t buffer_offset_ = 0;  // file offset of buffer_[0]
  size_t cursor_ = 0;           // start of the next line within buffer_
  size_t scanned_ = 0;          // bytes after cursor_ known to hold no '\n'
  int64_t next_line_ = 1;
  bool eof_ = false;
};

}  // namespace orauditd
