// SendProgress (orauditctl): what `orauditctl replay` shows on stderr
// while it sends a file. On a terminal, one line redrawn in place at most
// five times a second; otherwise (a pipe, a CI log) a plain line every 5 s,
// and one when the file is done.
//
// Each line gives the file's size, the share of it sent (the bytes up to
// the last line the daemon answered) and the counts so far. The share is
// of bytes, not lines: the size is known without reading a file of
// millions of lines twice.
//
// One thread: the one that sends.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

namespace orauditd::tools {

// Counts for one file or, bytes left aside, for the whole run.
struct ReplayCounts {
  uint64_t sent = 0;  // lines the daemon answered
  uint64_t ok = 0;    // stored or duplicate
  uint64_t duplicates = 0;
  uint64_t refused = 0;
  uint64_t bytes_sent = 0;   // bytes of the file up to the last answered line
  uint64_t bytes_total = 0;  // the file's size
};

class SendProgress {
 public:
  // `now_ms` is a monotonic clock's reading; the first plain line comes one
  // period after it, not at the first reply.
  SendProgress(std::FILE* out, bool terminal, int64_t now_ms);

  // `done`: the file's final count, always shown; otherwise the counts so
  // far, shown at most once a period.
  void Show(const std::string& file, const ReplayCounts& counts, bool done, int64_t now_ms);
  // Removes the line shown on a terminal, before other output.
  void Clear();

  // "40% of 10.5 MiB sent, 81000 lines so far: 80990 stored, 0 duplicates,
  // 10 refused"; when done, "done, 100% of 10.5 MiB sent, 200000 lines: ...".
  static std::string Describe(const ReplayCounts& counts, bool done);
  // For a narrow terminal: "40% of 10.5 MiB: 80990 stored, 0 dup, 10 refused:"
  // (the file's name follows).
  static std::string Compact(const ReplayCounts& counts, bool done);

  // The terminal's width, for tests; otherwise it is asked at each redraw.
  void set_columns(int columns) { columns_ = columns; }

 private:
  std::FILE* out_;
  bool terminal_;
  int64_t last_ms_;
  bool shown_ = false;
  int columns_ = 0;
};

}  // namespace orauditd::tools
