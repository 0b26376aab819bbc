// LogSink: the daemon's one spdlog sink, writing one line per event to
// stderr, where systemd hands it to the journal.
//
// - text: "2026-12-04 15:10:38.123 info queue: ... open" (UTC);
// - json: {"time":"2026-12-04T15:10:38.123Z","level":"info","message":"..."},
//   plus "record_id" when the line is about one record.
// When stderr is the journal ($JOURNAL_STREAM names it), each line starts
// with its syslog priority ("<6>" for info, "<3>" for error), which journald
// reads as the entry's priority (sd-daemon(3)); text lines then leave the
// timestamp to journald.
//
// Repeated warnings and errors are written once per window with a count
// instead of once per record: the first line of a shape is written, later
// lines of that shape within the window are only counted, and when the
// window ends (or sooner, before the next info line) one line says how
// many there were. Two lines have the same shape when they are equal once
// every word holding a digit is masked, so that lines differing only in a
// record id, a seq or a count are one.
//
// Any thread (spdlog's base_sink holds a mutex around every call).
#pragma once

#include <spdlog/sinks/base_sink.h>

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace orauditd {

enum class LogFormat { kText, kJson };

struct LogSinkOptions {
  LogFormat format = LogFormat::kText;
  bool journal = false;              // prefix lines with "<N>" syslog priorities
  int64_t repeat_window_ms = 10000;  // 0: write every line
  size_t max_tracked_shapes = 1024;  // beyond this, new shapes are not limited
};

class LogSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  using Writer = std::function<void(std::string_view line)>;
  using MonotonicMs = std::function<int64_t()>;

  // `write` gets whole lines, newline included; empty writes to stderr.
  // `now_ms` is a monotonic clock; empty uses std::chrono::steady_clock.
  explicit LogSink(LogSinkOptions options, Writer write = nullptr, MonotonicMs now_ms = nullptr);
  ~LogSink() override;

  // The shape under which repeats are counted. Exposed for tests.
  static std::string Shape(std::string_view text);

  // The id of the record a line names ("record r-1: ..."), or empty; JSON
  // lines carry it as "record_id".
  static std::string_view RecordIdIn(std::string_view message);

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override;
  // Also writes the counts of windows that have ended.
  void flush_() override;

 private:
  struct Repeat {
    int64_t window_start_ms = 0;
    uint64_t suppressed = 0;
    spdlog::level::level_enum level = spdlog::level::warn;
    std::string last_text;
  };

  // False when the line is a repeat inside its window (counted, not written).
  bool Admit(spdlog::level::level_enum level, const std::string& text, int64_t now);
  void WriteSummaries(bool all, int64_t now);
  // Writes the counts held back so far, windows left open: what is logged
  // next then comes after them, as it came after the lines they count.
  void WriteHeldCounts(int64_t unix_ms);
  void WriteLine(spdlog::level::level_enum level, int64_t unix_ms, std::string_view text,
                 uint64_t repeated);

  LogSinkOptions options_;
  Writer write_;
  MonotonicMs now_ms_;
  std::map<std::string, Repeat> repeats_;
};

// The priority journald reads from a "<N>" prefix: 7 debug/trace, 6 info,
// 4 warn, 3 error, 2 critical.
int JournalPriority(spdlog::level::level_enum level);

// True when $JOURNAL_STREAM names this process's stderr (systemd(1) sets it
// for services whose output goes to the journal).
bool StderrIsJournal();

}  // namespace orauditd
