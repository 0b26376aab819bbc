#include "fetcher/member_text.h"

#include <gtest/gtest.h>

#include <optional>
#include <random>
#include <string>
#include <vector>

namespace orauditd {
namespace {

std::string Found(std::string_view json, std::string_view key = "data") {
  std::optional<std::string_view> text = FindMemberText(json, key);
  return text ? std::string(*text) : "<none>";
}

TEST(FindMemberTextTest, FindsTheValueWhereverTheMemberIs) {
  EXPECT_EQ(Found(R"({"data":{"a":1},"x":2})"), R"({"a":1})");
  EXPECT_EQ(Found(R"({"x":2,"data":{"a":1}})"), R"({"a":1})");
  EXPECT_EQ(Found(R"({"x":2,"data":{"a":1},"y":[3]})"), R"({"a":1})");
  EXPECT_EQ(Found(" \n{ \"x\" : 2 ,\t\"data\" :\r\n{ \"a\" : 1 } \n, \"y\":null } "),
            R"({ "a" : 1 })");
}

// Told the object has one member, the value ends at its closing brace.
TEST(FindMemberTextTest, TakesAnOnlyMemberUpToTheClosingBrace) {
  std::string_view body = " { \"d\\u0061ta\" : {\"a\":\"}\"} \n} ";
  EXPECT_EQ(FindMemberText(body, "data", 1).value_or("<none>"), R"({"a":"}"})");
  EXPECT_FALSE(FindMemberText(R"({"other":{"a":1}})", "data", 1).has_value());
}

TEST(FindMemberTextTest, SkipsValuesOfEveryKind) {
  const std::string before = R"({"s":"a \"}\" ] \\","n":-1.5e3,"t":true,"f":false,"z":null,)"
                             R"("o":{"k":["}",{"]":"{"}]},"a":[[],{},"\\\""],"data":)";
  EXPECT_EQ(Found(before + R"({"id":"gen-1"}})"), R"({"id":"gen-1"})");
  EXPECT_EQ(Found(before + "17}"), "17");
  EXPECT_EQ(Found(before + R"("text"})"), R"("text")");
  EXPECT_EQ(Found(before + "null }"), "null");
}

TEST(FindMemberTextTest, KeepsTheValueBytesAsTheyAre) {
  const std::string data = R"({"b": "x\u00e9\n\"}\"" , "c":[1, 2 ]})";
  EXPECT_EQ(Found(R"({"e":1,"data":)" + data + "}"), data);
}

TEST(FindMemberTextTest, ComparesKeysUnescaped) {
  EXPECT_EQ(Found(R"({"x":1,"d\u0061ta":[1]})"), "[1]");
  EXPECT_EQ(Found(R"({"x":1,"\u0064\u0061\u0074\u0061":[2]})"), "[2]");
  EXPECT_EQ(Found(R"({"x":1,"a\/b":[3]})", "a/b"), "[3]");
  EXPECT_EQ(Found(R"({"x":1,"d\"a":[4]})", "d\"a"), "[4]");
  EXPECT_EQ(Found(R"({"\u0164ata":1,"data":[5]})"), "[5]");  // not d: U+0164
}

TEST(FindMemberTextTest, TakesTheFirstOfDuplicateKeys) {
  EXPECT_EQ(Found(R"({"data":{"n":1},"data":{"n":2}})"), R"({"n":1})");
}

TEST(FindMemberTextTest, MatchesWholeKeysOnly) {
  EXPECT_EQ(Found(R"({"dat":1,"datax":2,"Data":3})"), "<none>");
}

TEST(FindMemberTextTest, ReturnsNothingForWhatIsNotAnObject) {
  EXPECT_EQ(Found(""), "<none>");
  EXPECT_EQ(Found("[1]"), "<none>");
  EXPECT_EQ(Found(R"("data")"), "<none>");
  EXPECT_EQ(Found("{}"), "<none>");
}

// Only valid JSON is ever passed in, but a walk that read past the end on
// broken text would be a crash waiting for a parser bug: random cuts and
// byte flips of a real body must end in an answer, inside the text.
TEST(FindMemberTextTest, StaysInsideBrokenText) {
  const std::string body =
      R"({"x":"a\"}","y":[1,{"z":null}],"d\u0061ta":{"id":"gen-1","n":[true,false]}})";
  const std::string bytes = "{}[]\",:\\u0 a1";
  std::mt19937 random(20261205);
  for (int round = 0; round < 5000; ++round) {
    std::string text = body.substr(0, random() % (body.size() + 1));
    for (int flips = random() % 4; flips > 0 && !text.empty(); --flips) {
      text[random() % text.size()] = bytes[random() % bytes.size()];
    }
    // An exact-size copy with no terminator, so that a sanitizer build
    // catches a read one past the end.
    std::vector<char> exact(text.begin(), text.end());
    std::string_view view(exact.data(), exact.size());
    std::optional<std::string_view> found = FindMemberText(view, "data");
    if (found) {
      ASSERT_GE(found->data(), view.data()) << text;
      ASSERT_LE(found->data() + found->size(), view.data() + view.size()) << text;
    }
  }
}

}  // namespace
}  // namespace orauditd
