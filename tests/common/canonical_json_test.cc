#include "common/canonical_json.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <string>

namespace orauditd {
namespace {

std::string Canon(std::string_view text) {
  StatusOr<std::string> out = CanonicalJson(text);
  EXPECT_TRUE(out.ok()) << out.status().ToString();
  return out.ok() ? *out : std::string();
}

// RFC 8785 section 3.2.3: members sort by UTF-16 code units, so the emoji
// (a surrogate pair, D83D DE00) sorts before U+FB33 although its code point
// is larger.
TEST(CanonicalJsonTest, SortsMembersByUtf16CodeUnits) {
  std::string input = R"({
     "\u20ac": "Euro Sign",
     "\r": "Carriage Return",
     "\ufb33": "Hebrew Letter Dalet With Dagesh",
     "1": "One",
     "\ud83d\ude00": "Emoji: Grinning Face",
     "\u0080": "Control",
     "\u00f6": "Latin Small Letter O With Diaeresis"
  })";
  EXPECT_EQ(Canon(input),
            "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\xC2\x80\":\"Control\","
            "\"\xC3\xB6\":\"Latin Small Letter O With Diaeresis\",\"\xE2\x82\xAC\":\"Euro Sign\","
            "\"\xF0\x9F\x98\x80\":\"Emoji: Grinning Face\","
            "\"\xEF\xAC\xB3\":\"Hebrew Letter Dalet With Dagesh\"}");
}

// RFC 8785 section 3.2.2: the worked example of literals, numbers and
// minimal string escaping.
TEST(CanonicalJsonTest, Rfc8785WorkedExample) {
  std::string input = R"({
    "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
    "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
    "literals": [null, true, false]
  })";
  EXPECT_EQ(Canon(input),
            "{\"literals\":[null,true,false],"
            "\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],"
            "\"string\":\"\xE2\x82\xAC$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}");
}

// RFC 8785 appendix B: IEEE doubles (given here by their shortest decimal
// text) and their ECMAScript serialization.
TEST(CanonicalJsonTest, Rfc8785NumberSamples) {
  struct Case {
    const char* input;
    const char* expected;
  };
  const Case cases[] = {
      {"0.0", "0"},
      {"-0.0", "0"},
      {"-0", "0"},
      {"5e-324", "5e-324"},
      {"-5e-324", "-5e-324"},
      {"1.7976931348623157e+308", "1.7976931348623157e+308"},
      {"-1.7976931348623157e+308", "-1.7976931348623157e+308"},
      {"9007199254740992", "9007199254740992"},
      {"-9007199254740992", "-9007199254740992"},
      {"2.9514790517935283e+20", "295147905179352830000"},
      {"9.999999999999997e+22", "9.999999999999997e+22"},
      {"1e+23", "1e+23"},
      {"1.0000000000000001e+23", "1.0000000000000001e+23"},
      {"9.999999999999997e+20", "999999999999999700000"},
      {"9.999999999999999e+20", "999999999999999900000"},
      {"1e+21", "1e+21"},
      {"1e21", "1e+21"},
      {"9.999999999999997e-07", "9.999999999999997e-7"},
      {"1e-06", "0.000001"},
      {"0.000001", "0.000001"},
      {"1e-7", "1e-7"},
      {"333333333.3333332", "333333333.3333332"},
      {"333333333.33333325", "333333333.33333325"},
      {"333333333.33333329", "333333333.3333333"},
      {"333333333.3333334", "333333333.3333334"},
      {"333333333.33333343", "333333333.33333343"},
      {"-3.3333333333333333e-06", "-0.0000033333333333333333"},
      {"1424953923781206.2", "1424953923781206.2"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(Canon(std::string("[") + c.input + "]"), std::string("[") + c.expected + "]")
        << "input " << c.input;
  }
}

// Integers are read as doubles too, as JSON.parse would: beyond 2^53 they
// round, and a uint64 is accepted.
TEST(CanonicalJsonTest, IntegersAreReadAsDoubles) {
  EXPECT_EQ(Canon("[9007199254740993, 18446744073709551615, 10, -7, 1.0, 2e3]"),
            "[9007199254740992,18446744073709552000,10,-7,1,2000]");
}

TEST(CanonicalJsonTest, NestedArraysAndObjectsLoseWhitespace) {
  EXPECT_EQ(Canon(R"( { "b" : [ 1 , { "z" : null , "a" : [ ] } , "x" ] , "a" : { } } )"),
            R"({"a":{},"b":[1,{"a":[],"z":null},"x"]})");
}

TEST(CanonicalJsonTest, EscapesOnlyWhatRfc8785Requires) {
  // Control characters as \u00xx in lower case, except the five with short
  // forms; DEL, U+2028 and "/" pass through unescaped.
  EXPECT_EQ(Canon(R"(["\u0000\u001f\b\t\n\f\r\u007f\u2028\/"])"),
            "[\"\\u0000\\u001f\\b\\t\\n\\f\\r\x7f\xE2\x80\xA8/\"]");
}

TEST(CanonicalJsonTest, ScalarsAtTheTopLevel) {
  EXPECT_EQ(Canon(" \"x\" "), "\"x\"");
  EXPECT_EQ(Canon("true"), "true");
  EXPECT_EQ(Canon("4.50"), "4.5");
}

TEST(CanonicalJsonTest, RefusesDuplicateMemberNamesWithoutQuotingThem) {
  StatusOr<std::string> out = CanonicalJson(R"([{"secret-name":1,"secret-name":2}])");
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(out.status().message().find("secret"), std::string::npos);
}

TEST(CanonicalJsonTest, RefusesMalformedInput) {
  EXPECT_FALSE(CanonicalJson("[1,]").ok());
  EXPECT_FALSE(CanonicalJson("").ok());
  EXPECT_FALSE(CanonicalJson("{} {}").ok());
  EXPECT_FALSE(CanonicalJson("[\"\xff\"]").ok());
  // A lone surrogate is not I-JSON.
  EXPECT_FALSE(CanonicalJson(R"(["\ud800"])").ok());
  EXPECT_FALSE(CanonicalJson("[1e400]").ok());
}

TEST(CanonicalJsonTest, AcceptsAParsedElement) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  ASSERT_EQ(parser.parse(std::string(R"({"b":2,"a":[true]})")).get(root), simdjson::SUCCESS);
  std::string out = "prefix:";
  ASSERT_TRUE(AppendCanonicalJson(root, &out).ok());
  EXPECT_EQ(out, R"(prefix:{"a":[true],"b":2})");
}

TEST(Utf16LessTest, OrdersLikeUtf16) {
  EXPECT_TRUE(Utf16Less("a", "b"));
  EXPECT_TRUE(Utf16Less("a", "ab"));
  EXPECT_FALSE(Utf16Less("ab", "a"));
  EXPECT_FALSE(Utf16Less("a", "a"));
  // U+1F600 (D83D DE00) before U+FB33 in UTF-16, after it in UTF-8.
  EXPECT_TRUE(Utf16Less("\xF0\x9F\x98\x80", "\xEF\xAC\xB3"));
  EXPECT_FALSE(Utf16Less("\xEF\xAC\xB3", "\xF0\x9F\x98\x80"));
  // Two supplementary characters: code point order.
  EXPECT_TRUE(Utf16Less("\xF0\x9F\x98\x80", "\xF0\x9F\x98\x81"));
  // Same leading bytes, difference in a continuation byte.
  EXPECT_TRUE(Utf16Less("x\xC3\xA4", "x\xC3\xB6"));
  EXPECT_TRUE(Utf16Less("\xE2\x82\xAC", "\xEF\xAC\xB3"));
}

}  // namespace
}  // namespace orauditd
