#include "tools/send_progress.h"

#include <iterator>

#include "common/terminal_line.h"

namespace orauditd::tools {
namespace {

constexpr int64_t kTerminalEveryMs = 200;
constexpr int64_t kPlainEveryMs = 5000;
constexpr char kClearLine[] = "\r\033[K";

// "312 bytes", "4.0 KiB", "10.5 MiB", "2.3 GiB": the units config sizes use.
std::string SizeText(uint64_t bytes) {
  if (bytes < 1024) return std::to_string(bytes) + " bytes";
  constexpr const char* kUnits[] = {"KiB", "MiB", "GiB", "TiB"};
  double size = static_cast<double>(bytes) / 1024;
  size_t unit = 0;
  while (size >= 1024 && unit + 1 < std::size(kUnits)) {
    size /= 1024;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof(text), "%.1f %s", size, kUnits[unit]);
  return text;
}

// Rounded down, so that 100% means every byte; a file that grew while it
// was sent stops at 100%.
int SharePercent(uint64_t done, uint64_t total) {
  if (total == 0 || done >= total) return 100;
  return static_cast<int>(static_cast<double>(done) / static_cast<double>(total) * 100);
}

}  // namespace

SendProgress::SendProgress(std::FILE* out, bool terminal, int64_t now_ms)
    : out_(out), terminal_(terminal), last_ms_(now_ms) {}

std::string SendProgress::Describe(const ReplayCounts& c, bool done) {
  return std::string(done ? "done, " : "") +
         std::to_string(SharePercent(c.bytes_sent, c.bytes_total)) + "% of " +
         SizeText(c.bytes_total) + " sent, " + std::to_string(c.sent) +
         (done ? " lines: " : " lines so far: ") + std::to_string(c.ok - c.duplicates) +
         " stored, " + std::to_string(c.duplicates) + " duplicates, " + std::to_string(c.refused) +
         " refused";
}

std::string SendProgress::Compact(const ReplayCounts& c, bool done) {
  return std::to_string(SharePercent(c.bytes_sent, c.bytes_total)) + "% of " +
         SizeText(c.bytes_total) + (done ? " done: " : ": ") + std::to_string(c.ok - c.duplicates) +
         " stored, " + std::to_string(c.duplicates) + " dup, " + std::to_string(c.refused) +
         " refused:";
}

void SendProgress::Show(const std::string& file, const ReplayCounts& counts, bool done,
                          int64_t now_ms) {
  int64_t every = terminal_ ? kTerminalEveryMs : kPlainEveryMs;
  if (!done && now_ms - last_ms_ < every) return;
  last_ms_ = now_ms;
  std::string text = file + ": " + Describe(counts, done);
  if (terminal_) {
    int columns = columns_ > 0 ? columns_ : TerminalColumns(out_);
    if (columns > 0 && LineWidth(text) >= static_cast<size_t>(columns)) {
      // The counts first; a long file name is what gets cut.
      text = FitLine(Compact(counts, done) + " " + file, columns);
    }
    std::fprintf(out_, "%s%s", kClearLine, text.c_str());
    shown_ = true;
  } else {
    std::fprintf(out_, "orauditctl replay: %s\n", text.c_str());
  }
  std::fflush(out_);
}

void SendProgress::Clear() {
  if (shown_) std::fputs(kClearLine, out_);
  shown_ = false;
}

}  // namespace orauditd::tools
