#include "storage/json_text.h"

#include <gtest/gtest.h>

#include <random>

#include "common/json_writer.h"
#include "common/time_format.h"

namespace orauditd {
namespace {

std::string Text(std::string_view text) {
  std::string out;
  AppendJsonText(&out, text);
  return out;
}

std::string Expected(std::string_view text) {
  std::string out;
  AppendJsonString(&out, text);
  return out;
}

TEST(JsonTextTest, MatchesAppendJsonStringForEveryByte) {
  for (int c = 1; c < 256; ++c) {
    std::string one(1, static_cast<char>(c));
    EXPECT_EQ(Text(one), Expected(one)) << c;
  }
  EXPECT_EQ(Text(""), "\"\"");
  EXPECT_EQ(Text(std::string("a\0b", 3)), Expected(std::string("a\0b", 3)));
}

TEST(JsonTextTest, MatchesAppendJsonStringAtEveryPositionOfAWord) {
  for (char special : std::string("\"\\\x01\x1f\n\t\x7f")) {
    for (size_t pos = 0; pos < 17; ++pos) {
      std::string text = std::string(pos, 'a') + special + std::string(17, 'b') + special;
      EXPECT_EQ(Text(text), Expected(text)) << pos;
    }
  }
  std::string non_ascii = "\xC3\xA9\xF0\x9F\x98\x80 \"quoted\" \xE2\x80\xA8";
  EXPECT_EQ(Text(non_ascii), Expected(non_ascii));
}

// Escapes next to each other, next to bytes above 0x7f and at every offset,
// as in a generation's JSON stored as a string: a fixed seed, so a failure
// shows the same text again.
TEST(JsonTextTest, MatchesAppendJsonStringOnRandomDenseText) {
  const std::string alphabet = std::string("\"\\\n\x01\x1f\x7f\x80\xff\xc3\xa9 az{}:,") + '\0';
  std::mt19937 random(20261205);
  for (int round = 0; round < 2000; ++round) {
    std::string text(random() % 40, ' ');
    for (char& c : text) c = alphabet[random() % alphabet.size()];
    ASSERT_EQ(Text(text), Expected(text)) << round;
  }
}

TEST(JsonTextTest, TimeMatchesFormatRfc3339Utc) {
  for (int64_t ms : {int64_t{0}, int64_t{1}, int64_t{999}, int64_t{86399999},
                     int64_t{951782400000} /* 2000-02-29 */, int64_t{1796397038123},
                     int64_t{253402300799999} /* 9999-12-31T23:59:59.999Z */,
                     int64_t{-1} /* 1969 */, int64_t{253402300800000} /* year 10000 */}) {
    std::string out;
    AppendJsonTime(&out, ms);
    EXPECT_EQ(out, "\"" + FormatRfc3339Utc(ms) + "\"") << ms;
  }
}

}  // namespace
}  // namespace orauditd
