#include "common/terminal_line.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace orauditd {
namespace {

TEST(TerminalLineTest, CutsToOneColumnLessThanTheRow) {
  EXPECT_EQ(FitLine("abcdefghij", 6), "abcde");
  EXPECT_EQ(FitLine("abcde", 6), "abcde");
  EXPECT_EQ(FitLine("abcdef", 6), "abcde");
}

TEST(TerminalLineTest, UnknownWidthLeavesTheLineAlone) {
  EXPECT_EQ(FitLine(std::string(300, 'x'), 0), std::string(300, 'x'));
}

TEST(TerminalLineTest, CountsAndCutsWholeCharacters) {
  const std::string text = "d\xC3\xA9j\xC3\xA0 vu \xE2\x9C\x93";  // "déjà vu ✓"
  EXPECT_EQ(LineWidth(text), 9u);
  EXPECT_EQ(FitLine(text, 3), "d\xC3\xA9");
  EXPECT_EQ(FitLine(text, 10), text);
}

TEST(TerminalLineTest, AFileIsNoTerminal) {
  std::FILE* file = std::tmpfile();
  ASSERT_NE(file, nullptr);
  EXPECT_EQ(TerminalColumns(file), 0);
  std::fclose(file);
}

}  // namespace
}  // namespace orauditd
