#include "daemon/replay_progress.h"

#include <algorithm>

#include "common/terminal_line.h"

namespace orauditd {
namespace {

constexpr int kBarWidth = 24;
constexpr char kClearLine[] = "\r\033[K";

double ShareRead(const ReplaySnapshot& s) {
  double done = s.bytes_total == 0
                    ? 1.0
                    : static_cast<double>(s.bytes_read) / static_cast<double>(s.bytes_total);
  return std::clamp(done, 0.0, 1.0);
}

// "40% read" while the files are read, then "waiting for rows".
std::string Stage(const ReplaySnapshot& s) {
  return s.reading ? std::to_string(static_cast<int>(ShareRead(s) * 100)) + "% read"
                   : std::string("waiting for rows");
}

}  // namespace

ReplayProgress::ReplayProgress(std::FILE* out, bool terminal, int64_t plain_interval_ms)
    : out_(out), terminal_(terminal), plain_interval_ms_(plain_interval_ms) {}

std::string ReplayProgress::Describe(const ReplaySnapshot& s) {
  return std::to_string(s.lines) + " lines read, " + std::to_string(s.accepted) + " accepted, " +
         std::to_string(s.duplicates) + " duplicates, " + std::to_string(s.refused) + " refused, " +
         std::to_string(s.rows) + " rows written, " + std::to_string(s.pending) + " pending";
}

std::string ReplayProgress::Bar(const ReplaySnapshot& s) const {
  int filled = static_cast<int>(ShareRead(s) * kBarWidth);
  std::string bar = "[" + std::string(static_cast<size_t>(filled), '#') +
                    std::string(static_cast<size_t>(kBarWidth - filled), '.') + "] ";
  return bar + Stage(s) + ": " + Describe(s);
}

// For a terminal too narrow for the bar: the figures a user waits for first.
std::string ReplayProgress::Compact(const ReplaySnapshot& s) {
  return Stage(s) + "; " + std::to_string(s.rows) + " rows, " + std::to_string(s.pending) +
         " pending; " + std::to_string(s.lines) + " lines, " + std::to_string(s.refused) +
         " refused";
}

void ReplayProgress::Update(const ReplaySnapshot& snapshot, int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (terminal_) {
    int columns = columns_ > 0 ? columns_ : TerminalColumns(out_);
    std::string text = Bar(snapshot);
    if (columns > 0 && LineWidth(text) >= static_cast<size_t>(columns)) {
      text = FitLine(Compact(snapshot), columns);
    }
    std::string line = kClearLine + text;
    std::fwrite(line.data(), 1, line.size(), out_);
    std::fflush(out_);
    bar_shown_ = true;
    return;
  }
  if (last_plain_ms_ >= 0 && now_ms - last_plain_ms_ < plain_interval_ms_) return;
  last_plain_ms_ = now_ms;
  std::string line = "replay: " + Stage(snapshot) + ": " + Describe(snapshot) + "\n";
  std::fwrite(line.data(), 1, line.size(), out_);
  std::fflush(out_);
}

void ReplayProgress::Finish(const ReplaySnapshot& snapshot) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (bar_shown_) std::fputs(kClearLine, out_);
  bar_shown_ = false;
  if (!terminal_) std::fprintf(out_, "replay: %s\n", Describe(snapshot).c_str());
  std::fflush(out_);
}

void ReplayProgress::Print(std::string_view text) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (bar_shown_) std::fputs(kClearLine, out_);
  bar_shown_ = false;
  std::fwrite(text.data(), 1, text.size(), out_);
  std::fflush(out_);
}

}  // namespace orauditd
