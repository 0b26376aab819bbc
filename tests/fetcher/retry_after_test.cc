#include "fetcher/retry_after.h"

#include <gtest/gtest.h>

namespace orauditd {
namespace {

constexpr int64_t kNowMs = 1788220800000;

TEST(ParseHttpDateMsTest, ReadsAllThreeForms) {
  EXPECT_EQ(ParseHttpDateMs("Sun, 06 Nov 1994 08:49:37 GMT"), 784111777000);
  EXPECT_EQ(ParseHttpDateMs("Sunday, 06-Nov-94 08:49:37 GMT"), 784111777000);
  EXPECT_EQ(ParseHttpDateMs("Sun Nov  6 08:49:37 1994"), 784111777000);
  EXPECT_EQ(ParseHttpDateMs("Wed, 21 Oct 2015 07:28:00 GMT"), 1445412480000);
  EXPECT_EQ(ParseHttpDateMs("Thu, 01 Jan 1970 00:00:00 GMT"), 0);
  EXPECT_EQ(ParseHttpDateMs("Sat, 29 Feb 2028 23:59:59 GMT"), 1835481599000);
}

TEST(ParseHttpDateMsTest, RefusesWhatIsNotADate) {
  for (const char* text : {"", "30", "soon", "Sun, 06 Nov 1994", "Sun, 06 Foo 1994 08:49:37 GMT",
                           "Sun, 32 Nov 1994 08:49:37 GMT", "Sun, 29 Feb 2027 08:49:37 GMT",
                           "Sun, 06 Nov 1994 25:49:37 GMT", "Sun, 06 Nov 1994 08:49 GMT",
                           "Sun, 06 Nov 1994 08:49:37 GMT extra", "06 Nov 1994 08:49:37 GMT",
                           "Sun, 06 Nov 19945 08:49:37 GMT"}) {
    EXPECT_FALSE(ParseHttpDateMs(text).has_value()) << text;
  }
}

TEST(ParseRetryAfterMsTest, ReadsSecondsFromNow) {
  EXPECT_EQ(ParseRetryAfterMs("0", kNowMs), kNowMs);
  EXPECT_EQ(ParseRetryAfterMs("120", kNowMs), kNowMs + 120000);
  EXPECT_EQ(ParseRetryAfterMs("  5 ", kNowMs), kNowMs + 5000);
}

TEST(ParseRetryAfterMsTest, CapsAbsurdDelays) {
  EXPECT_EQ(ParseRetryAfterMs("99999999999999999999999", kNowMs),
            kNowMs + 365LL * 24 * 3600 * 1000);
}

TEST(ParseRetryAfterMsTest, ReadsADate) {
  EXPECT_EQ(ParseRetryAfterMs("Tue, 01 Sep 2026 00:00:30 GMT", kNowMs), 1788220830000);
}

TEST(ParseRetryAfterMsTest, RefusesOtherText) {
  for (const char* text : {"", "-5", "1.5", "soon", "5s"}) {
    EXPECT_FALSE(ParseRetryAfterMs(text, kNowMs).has_value()) << text;
  }
}

TEST(ParseEpochMsTest, ReadsDigitsOnly) {
  EXPECT_EQ(ParseEpochMs("1788220800000"), 1788220800000);
  EXPECT_EQ(ParseEpochMs(" 1788220800000 "), 1788220800000);
  EXPECT_FALSE(ParseEpochMs("").has_value());
  EXPECT_FALSE(ParseEpochMs("1.7e12").has_value());
  EXPECT_FALSE(ParseEpochMs("-1").has_value());
  EXPECT_FALSE(ParseEpochMs("99999999999999999999999").has_value());
}

}  // namespace
}  // namespace orauditd
