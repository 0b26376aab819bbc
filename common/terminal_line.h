// A progress line redrawn in place on a terminal must fit on one row: once
// it wraps, "\r" returns only to the start of its last row, and every
// redraw leaves a copy behind.
//
// Any thread; pure functions apart from TerminalColumns' ioctl.
#pragma once

#include <cstdio>
#include <string>

namespace orauditd {

// The width of the terminal `file` writes to, or 0 when it is not a
// terminal or its width is unknown.
int TerminalColumns(std::FILE* file);

// The number of characters (UTF-8 code points) in `text`.
size_t LineWidth(const std::string& text);

// `text` cut to fewer than `columns` characters, at a character boundary,
// so that the cursor stays on the same row; unchanged when columns is 0.
std::string FitLine(std::string text, int columns);

}  // namespace orauditd
