#include "common/json_writer.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace orauditd {
namespace {

std::string Quoted(std::string_view text) {
  std::string out;
  AppendJsonString(&out, text);
  return out;
}

// RFC 8785's escaping, one byte at a time: the plain reading of the rules
// that the word-at-a-time search must agree with.
std::string Reference(std::string_view text) {
  static const char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (char byte : text) {
    unsigned char c = static_cast<unsigned char>(byte);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += byte;
    } else if (c == '\b' || c == '\f' || c == '\n' || c == '\r' || c == '\t') {
      out += '\\';
      out += "bfnrt"[std::string_view("\b\f\n\r\t").find(byte)];
    } else if (c < 0x20) {
      out += "\\u00";
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    } else {
      out += byte;
    }
  }
  return out + "\"";
}

TEST(AppendJsonStringTest, EscapesAsRfc8785Says) {
  EXPECT_EQ(Quoted(""), "\"\"");
  EXPECT_EQ(Quoted("plain"), "\"plain\"");
  EXPECT_EQ(Quoted("a\"b\\c\nd\te\x01\x1f\x7f"), "\"a\\\"b\\\\c\\nd\\te\\u0001\\u001f\x7f\"");
  EXPECT_EQ(Quoted(std::string("a\0b", 3)), "\"a\\u0000b\"");
  EXPECT_EQ(Quoted("\xC3\xA9 \xF0\x9F\x98\x80"), "\"\xC3\xA9 \xF0\x9F\x98\x80\"");
}

TEST(AppendJsonStringTest, MatchesTheReferenceForEveryByte) {
  for (int c = 0; c < 256; ++c) {
    std::string one(1, static_cast<char>(c));
    EXPECT_EQ(Quoted(one), Reference(one)) << c;
  }
}

TEST(AppendJsonStringTest, MatchesTheReferenceAtEveryPositionOfAWord) {
  for (char special : std::string("\"\\\x01\x1f\n\t\x7f\x80", 8)) {
    for (size_t pos = 0; pos < 17; ++pos) {
      std::string text = std::string(pos, 'a') + special + std::string(17, 'b') + special;
      EXPECT_EQ(Quoted(text), Reference(text)) << pos;
    }
  }
}

// Escapes next to each other, next to bytes above 0x7f and at every offset,
// as in a generation's JSON stored as a string: a fixed seed, so a failure
// shows the same text again.
TEST(AppendJsonStringTest, MatchesTheReferenceOnRandomDenseText) {
  const std::string alphabet = std::string("\"\\\n\x01\x1f\x7f\x80\xff\xc3\xa9 az{}:,") + '\0';
  std::mt19937 random(20261205);
  for (int round = 0; round < 2000; ++round) {
    std::string text(random() % 40, ' ');
    for (char& c : text) c = alphabet[random() % alphabet.size()];
    ASSERT_EQ(Quoted(text), Reference(text)) << round;
  }
}

TEST(AppendJsonStringTest, AppendsToWhatIsThere) {
  std::string out = "{\"k\":";
  AppendJsonString(&out, "v\"");
  EXPECT_EQ(out, "{\"k\":\"v\\\"\"");
}

}  // namespace
}  // namespace orauditd
