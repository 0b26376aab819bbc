#include "common/utf8.h"

#include <gtest/gtest.h>

namespace orauditd {
namespace {

constexpr char kFffd[] = "\xEF\xBF\xBD";

TEST(Utf8Test, WellFormedTextIsKept) {
  for (std::string text : {"", "plain", "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80",
                           "\xEE\x80\x80", "\xF4\x8F\xBF\xBF"}) {
    EXPECT_TRUE(IsValidUtf8(text)) << text;
    EXPECT_EQ(ReplaceInvalidUtf8(text), text);
  }
}

TEST(Utf8Test, EachMaximalIllFormedPartBecomesOneReplacement) {
  struct Case {
    std::string in;
    std::string out;
  };
  std::vector<Case> cases = {
      {"a\xFF"
       "b",
       std::string("a") + kFffd + "b"},
      {"\xC0\xAF", std::string(kFffd) + kFffd},                          // overlong
      {"\xED\xA0\x80", std::string(kFffd) + kFffd + kFffd},              // surrogate
      {"\xF4\x90\x80\x80", std::string(kFffd) + kFffd + kFffd + kFffd},  // > U+10FFFF
      {"\xE2\x82", kFffd},                                               // truncated
      {"\xF0\x9F\x98"
       "x",
       std::string(kFffd) + "x"},
  };
  for (const Case& c : cases) {
    EXPECT_FALSE(IsValidUtf8(c.in));
    EXPECT_EQ(ReplaceInvalidUtf8(c.in), c.out);
  }
}

}  // namespace
}  // namespace orauditd
