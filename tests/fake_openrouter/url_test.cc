#include "tests/fake_openrouter/url.h"

#include <gtest/gtest.h>

namespace orauditd::fake {
namespace {

TEST(UrlTest, SplitsPathFromQuery) {
  Target t = SplitTarget("/api/v1/generation?id=gen-1&x=2");
  EXPECT_EQ(t.path, "/api/v1/generation");
  EXPECT_EQ(t.query, "id=gen-1&x=2");
  EXPECT_EQ(SplitTarget("/a").query, "");
  EXPECT_EQ(SplitTarget("/a?b#frag").query, "b");
}

TEST(UrlTest, FindsFirstMatchingParameter) {
  EXPECT_EQ(FindQueryParam("a=1&id=x&id=y", "id"), "x");
  EXPECT_EQ(FindQueryParam("ida=1&id=", "id"), "");
  EXPECT_EQ(FindQueryParam("id", "id"), "");
  EXPECT_FALSE(FindQueryParam("a=1", "id").has_value());
  EXPECT_FALSE(FindQueryParam("", "id").has_value());
}

TEST(UrlTest, PercentDecodes) {
  EXPECT_EQ(*PercentDecode("gen-1%2Fa%20b%e2%9c%93"), "gen-1/a b\xe2\x9c\x93");
  EXPECT_EQ(*PercentDecode("a+b"), "a+b");  // ids are not form-encoded
  EXPECT_EQ(*PercentDecode(""), "");
}

TEST(UrlTest, RejectsBadEscapes) {
  EXPECT_FALSE(PercentDecode("%").ok());
  EXPECT_FALSE(PercentDecode("a%2").ok());
  EXPECT_FALSE(PercentDecode("%zz").ok());
}

TEST(UrlTest, SpotsDoubleEncoding) {
  EXPECT_TRUE(HasPercentEscape(*PercentDecode("gen%252F1")));
  EXPECT_FALSE(HasPercentEscape("100%"));
  EXPECT_FALSE(HasPercentEscape("gen-1"));
}

}  // namespace
}  // namespace orauditd::fake
