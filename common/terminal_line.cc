#include "common/terminal_line.h"

#include <sys/ioctl.h>
#include <unistd.h>

namespace orauditd {
namespace {

bool IsContinuationByte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

}  // namespace

int TerminalColumns(std::FILE* file) {
  winsize size{};
  if (ioctl(fileno(file), TIOCGWINSZ, &size) != 0) return 0;
  return size.ws_col;
}

size_t LineWidth(const std::string& text) {
  size_t width = 0;
  for (char c : text) {
    if (!IsContinuationByte(c)) ++width;
  }
  return width;
}

std::string FitLine(std::string text, int columns) {
  if (columns <= 0) return text;
  // One column stays free: a line that fills the row puts some terminals'
  // cursor on the next one.
  const size_t keep = static_cast<size_t>(columns) - 1;
  size_t width = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (IsContinuationByte(text[i])) continue;
    if (width == keep) {
      text.resize(i);
      break;
    }
    ++width;
  }
  return text;
}

}  // namespace orauditd
