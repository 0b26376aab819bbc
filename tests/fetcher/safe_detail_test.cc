#include "fetcher/safe_detail.h"

#include <gtest/gtest.h>

namespace orauditd {
namespace {

TEST(SafeDetailTest, LeavesOrdinaryTextAlone) {
  EXPECT_EQ(SafeDetail("HTTP 404: Resource not found"), "HTTP 404: Resource not found");
  EXPECT_EQ(SafeDetail("task-sk-short and sk-x"), "task-sk-short and sk-x");
}

TEST(SafeDetailTest, RedactsKeysAndBearerTokens) {
  EXPECT_EQ(SafeDetail("key sk-or-v1-0123456789abcdef0123 bad"), "key [redacted] bad");
  EXPECT_EQ(SafeDetail("Authorization: Bearer abc.def-ghi"), "Authorization: Bearer [redacted]");
  EXPECT_EQ(SafeDetail("bearer   tok"), "bearer [redacted]");
}

TEST(SafeDetailTest, MakesOneLine) { EXPECT_EQ(SafeDetail("a\nb\r\tc\x7f"), "a b  c "); }

TEST(SafeDetailTest, CutsAtACharacterBoundary) {
  std::string text(9, 'a');
  text += "\xC3\xA9\xC3\xA9";  // é é: bytes 9-10 and 11-12
  EXPECT_EQ(SafeDetail(text, 10), std::string(9, 'a') + "...");
  EXPECT_EQ(SafeDetail(text, 11), std::string(9, 'a') + "\xC3\xA9...");
  EXPECT_EQ(SafeDetail(text, 13), text);
}

}  // namespace
}  // namespace orauditd
