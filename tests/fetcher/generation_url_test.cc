#include <gtest/gtest.h>

#include "fetcher/lookup.h"

namespace orauditd {
namespace {

TEST(GenerationUrlTest, JoinsBaseAndId) {
  EXPECT_EQ(GenerationUrl("https://openrouter.ai/api/v1", "gen-1737842317-9ifH6Yzo5icEdfD0I8SI"),
            "https://openrouter.ai/api/v1/generation?id=gen-1737842317-9ifH6Yzo5icEdfD0I8SI");
}

TEST(GenerationUrlTest, DropsTrailingSlashes) {
  EXPECT_EQ(GenerationUrl("http://127.0.0.1:8080/api/v1//", "gen-1"),
            "http://127.0.0.1:8080/api/v1/generation?id=gen-1");
}

TEST(GenerationUrlTest, KeepsUnreservedAndEncodesEverythingElse) {
  EXPECT_EQ(GenerationUrl("http://h", "aZ09-._~"), "http://h/generation?id=aZ09-._~");
  EXPECT_EQ(GenerationUrl("http://h", "a b&c=d/e?f#g%h+i"),
            "http://h/generation?id=a%20b%26c%3Dd%2Fe%3Ff%23g%25h%2Bi");
  EXPECT_EQ(GenerationUrl("http://h", "\xC3\xA9\x01"), "http://h/generation?id=%C3%A9%01");
}

}  // namespace
}  // namespace orauditd
