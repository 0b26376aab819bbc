// ReplayProgress: what `orauditd replay` shows while it runs, on stderr. On
// a terminal, one bar redrawn in place a few times a second; otherwise (a
// pipe, a log file) one plain line every few seconds, so that a CI log shows
// that the replay moves without filling up with bars.
//
// Anything else written to stderr while a bar is shown (a refused line, a
// log line: see ReplayLogging) goes through Print(), which clears the bar
// first.
//
// Loop thread only, except Print(), which the logger may call from any
// thread.
#pragma once

#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>
#include <string_view>

namespace orauditd {

struct ReplaySnapshot {
  uint64_t bytes_read = 0;
  uint64_t bytes_total = 0;
  uint64_t lines = 0;  // lines that were not blank
  uint64_t accepted = 0;
  uint64_t duplicates = 0;
  uint64_t refused = 0;
  uint64_t rows = 0;     // rows finalized by this run
  uint64_t pending = 0;  // records stored, rows not yet written
  bool reading = true;   // false once every file has been read
};

class ReplayProgress {
 public:
  ReplayProgress(std::FILE* out, bool terminal, int64_t plain_interval_ms);

  // Redraws the bar or, every plain_interval_ms, prints a line.
  void Update(const ReplaySnapshot& snapshot, int64_t now_ms);
  // Removes the bar, or prints a last plain line (before the summary).
  void Finish(const ReplaySnapshot& snapshot);
  // Writes `text` (with its own newline) without mixing it into the bar.
  void Print(std::string_view text);

  bool terminal() const { return terminal_; }
  // The terminal's width, for tests; otherwise it is asked at each redraw.
  void set_columns(int columns) { columns_ = columns; }

  static std::string Compact(const ReplaySnapshot& snapshot);

 private:
  static std::string Describe(const ReplaySnapshot& snapshot);
  std::string Bar(const ReplaySnapshot& snapshot) const;

  std::FILE* out_;
  bool terminal_;
  int64_t plain_interval_ms_;
  int columns_ = 0;
  int64_t last_plain_ms_ = -1;
  std::mutex mutex_;
  bool bar_shown_ = false;
};

}  // namespace orauditd
