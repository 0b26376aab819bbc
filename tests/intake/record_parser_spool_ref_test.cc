// spool_ref: the dedup fallback that orauditctl replay adds to lines with
// neither request_id nor generation_id (intake/record_parser.cc).
#include <gtest/gtest.h>

#include "intake/record_parser.h"

namespace orauditd {
namespace {

StatusOr<ParsedRecord> Parse(std::string_view line) {
  static const PromptHasher hasher("");
  ParseContext ctx;
  ctx.now_ms = 1798761600000;
  ctx.hasher = &hasher;
  return ParseRecordLine(line, ctx);
}

TEST(RecordParserSpoolRefTest, IsTheDedupKeyOnlyWithoutIds) {
  auto bare = Parse(R"({"spool_ref":"calls.jsonl:7","status":"error"})");
  ASSERT_TRUE(bare.ok()) << bare.status().ToString();
  EXPECT_EQ(bare->record.dedup_key, "spool:calls.jsonl:7");
  EXPECT_EQ(bare->unknown_fields, 0) << "a known field";

  auto with_gen = Parse(R"({"spool_ref":"calls.jsonl:7","generation_id":"gen-1-a"})");
  ASSERT_TRUE(with_gen.ok());
  EXPECT_EQ(with_gen->record.dedup_key, "gen-1-a");

  auto with_body_gen =
      Parse(R"({"spool_ref":"calls.jsonl:7","response":{"id":"gen-1-b","model":"m"}})");
  ASSERT_TRUE(with_body_gen.ok()) << with_body_gen.status().ToString();
  EXPECT_EQ(with_body_gen->record.dedup_key, "gen-1-b");

  auto with_request = Parse(R"({"spool_ref":"calls.jsonl:7","request_id":"r-1","status":"error"})");
  ASSERT_TRUE(with_request.ok());
  EXPECT_EQ(with_request->record.dedup_key, "r-1");
}

TEST(RecordParserSpoolRefTest, BadValuesAreRefusedByName) {
  EXPECT_EQ(Parse(R"({"spool_ref":7,"status":"error"})").status().message(),
            "spool_ref: must be a string, got 7");
  EXPECT_EQ(Parse(R"({"spool_ref":"","status":"error"})").status().message(),
            "spool_ref: must be 1 to 512 bytes without control characters");
  EXPECT_EQ(Parse(R"({"spool_ref":"a\nb","status":"error"})").status().message(),
            "spool_ref: must be 1 to 512 bytes without control characters");
  EXPECT_FALSE(Parse(R"({"spool_ref":")" + std::string(600, 'x') + R"(","status":"error"})").ok());
}

TEST(RecordParserSpoolRefTest, NullMeansNotGiven) {
  auto parsed = Parse(R"({"spool_ref":null,"status":"error"})");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->record.dedup_key, "");
}

}  // namespace
}  // namespace orauditd
