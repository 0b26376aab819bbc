#include "storage/row_json.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "common/json_writer.h"
#include "storage/hash_chain.h"
#include "tests/storage/row_fixtures.h"

namespace orauditd {
namespace {

using fixtures::GoldenRowA;
using fixtures::GoldenRowB;
using fixtures::GoldenRowC;

TEST(RowJsonTest, CanonicalFormOfFullRowMatchesGolden) {
  EXPECT_EQ(RowCanonicalForm(GoldenRowA()), fixtures::kGoldenCanonicalA);
}

TEST(RowJsonTest, CanonicalFormLeavesOutNullFields) {
  EXPECT_EQ(RowCanonicalForm(GoldenRowB()), fixtures::kGoldenCanonicalB);
}

TEST(RowJsonTest, CanonicalFormUsesEcmascriptNumbersAtTheEdges) {
  EXPECT_EQ(RowCanonicalForm(GoldenRowC()), fixtures::kGoldenCanonicalC);
}

TEST(RowJsonTest, JsonLineAddsHashesWhereTheySort) {
  Row row = GoldenRowB();
  row.prev_hash = std::string(64, 'a');
  row.row_hash = std::string(64, 'b');
  std::string expected =
      "{\"attempts\":0,\"error_code\":\"bad\\u0001thing\",\"key\":\"default\","
      "\"meta_status\":\"not_applicable\",\"prev_hash\":\"" +
      std::string(64, 'a') + "\",\"request_id\":\"r-2\",\"row_hash\":\"" + std::string(64, 'b') +
      "\",\"seq\":2,\"source\":\"spool\",\"status\":\"error\","
      "\"timestamp\":\"2026-12-04T15:11:00.000Z\"}";
  EXPECT_EQ(RowToJsonLine(row), expected);
}

TEST(RowJsonTest, UnsealedRowHasNoHashMembers) {
  EXPECT_EQ(RowToJsonLine(GoldenRowB()), fixtures::kGoldenCanonicalB);
}

TEST(RowJsonTest, EveryFieldAppearsOnceInSortedOrder) {
  Row row = GoldenRowA();
  row.native_tokens_reasoning = 7;
  row.error_code = "none";
  row.meta_error = "none";
  row.duplicate_of = "r-0";
  row.prev_hash = kGenesisHash;
  row.row_hash = std::string(64, 'f');
  std::string line = RowToJsonLine(row);

  simdjson::dom::parser parser;
  simdjson::dom::object object;
  ASSERT_EQ(parser.parse(line).get(object), simdjson::SUCCESS);
  std::vector<std::string> keys;
  for (auto member : object) keys.emplace_back(member.key);
  EXPECT_EQ(keys.size(), 42u);
  EXPECT_TRUE(std::is_sorted(keys.begin(), keys.end()));
  EXPECT_EQ(std::adjacent_find(keys.begin(), keys.end()), keys.end());
}

TEST(RowJsonTest, RoundTripGivesTheSameBytes) {
  for (Row row : {GoldenRowA(), GoldenRowB(), GoldenRowC()}) {
    HashChain(kGenesisHash).Seal(&row);
    std::string line = RowToJsonLine(row);
    StatusOr<Row> parsed = RowFromJsonLine(line);
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    EXPECT_EQ(RowToJsonLine(*parsed), line);
    EXPECT_EQ(ComputeRowHash(parsed->prev_hash, *parsed), row.row_hash);
  }
}

TEST(RowJsonTest, RoundTripKeepsValues) {
  Row row = GoldenRowA();
  StatusOr<Row> parsed = RowFromJsonLine(RowToJsonLine(row));
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->seq, 1);
  EXPECT_EQ(parsed->timestamp_ms, row.timestamp_ms);
  EXPECT_EQ(parsed->resolved_at_ms, row.resolved_at_ms);
  EXPECT_EQ(parsed->total_cost, 8.41005e-05);
  EXPECT_EQ(parsed->cache_discount, -1.2e-06);
  EXPECT_EQ(parsed->upstream_inference_cost, 19.0);
  EXPECT_EQ(parsed->completion_tokens, 0);
  EXPECT_EQ(parsed->streamed, true);
  EXPECT_EQ(parsed->cancelled, false);
  EXPECT_EQ(parsed->user_id, row.user_id);
  EXPECT_EQ(parsed->app, row.app);
  EXPECT_EQ(parsed->generation_json, row.generation_json);
  EXPECT_EQ(parsed->native_tokens_reasoning, std::nullopt);
  EXPECT_EQ(parsed->metadata,
            "{\"a\":\"1\",\"b\":\"2\",\"\xC3\xA9\":\"x\",\"\xF0\x9F\x98\x80\":\"y\","
            "\"\xEE\x80\x80\":\"z\"}");
}

TEST(RowJsonTest, NonFiniteNumbersAreUnknown) {
  Row row = GoldenRowB();
  row.total_cost = std::numeric_limits<double>::quiet_NaN();
  row.latency_ms = std::numeric_limits<double>::infinity();
  EXPECT_EQ(RowCanonicalForm(row), fixtures::kGoldenCanonicalB);
}

TEST(RowJsonTest, NegativeZeroIsZero) {
  Row row = GoldenRowB();
  row.cache_discount = -0.0;
  EXPECT_NE(RowCanonicalForm(row).find("\"cache_discount\":0,"), std::string::npos);
}

TEST(RowJsonTest, InvalidUtf8BecomesReplacementCharacter) {
  Row row = GoldenRowB();
  row.user_id = std::string(
      "a\xFF"
      "b\xC3");
  std::string line = RowToJsonLine(row);
  EXPECT_NE(line.find("\"user_id\":\"a\xEF\xBF\xBD"
                      "b\xEF\xBF\xBD\""),
            std::string::npos);
  StatusOr<Row> parsed = RowFromJsonLine(line);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  // The hash of the original row is the hash of what the line holds.
  EXPECT_EQ(RowCanonicalForm(*parsed), RowCanonicalForm(row));
}

TEST(RowJsonTest, MetadataThatIsNotAnObjectIsKeptAsString) {
  for (std::string text : {"not json", "[1,2]", "{\"a\":\"1\",\"a\":\"2\"}", "\"s\""}) {
    Row row = GoldenRowB();
    row.metadata = text;
    std::string line = RowToJsonLine(row);
    std::string expected_member = "\"metadata\":";
    AppendJsonString(&expected_member, text);
    EXPECT_NE(line.find(expected_member), std::string::npos) << line;
    StatusOr<Row> parsed = RowFromJsonLine(line);
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    EXPECT_EQ(RowToJsonLine(*parsed), line);
  }
}

TEST(RowJsonTest, EmptyMetadataObject) {
  Row row = GoldenRowB();
  row.metadata = " { } ";
  EXPECT_NE(RowToJsonLine(row).find("\"metadata\":{},"), std::string::npos);
}

TEST(RowJsonTest, ParseIgnoresUnknownMembersAndNulls) {
  std::string line = fixtures::kGoldenCanonicalB;
  line.insert(1, "\"added_later\":{\"x\":[1,2]},\"provider\":null,");
  StatusOr<Row> parsed = RowFromJsonLine(line);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->provider, std::nullopt);
  EXPECT_EQ(RowToJsonLine(*parsed), fixtures::kGoldenCanonicalB);
}

TEST(RowJsonTest, ParseAcceptsIntegerCost) {
  std::string line = fixtures::kGoldenCanonicalB;
  line.insert(1, "\"total_cost\":19,");
  StatusOr<Row> parsed = RowFromJsonLine(line);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->total_cost, 19.0);
}

TEST(RowJsonTest, ParseErrorsNameTheMember) {
  struct Case {
    std::string line;
    std::string message;
  };
  std::string b = fixtures::kGoldenCanonicalB;
  std::vector<Case> cases = {
      {"{\"seq\":1", "row: not JSON"},
      {"[1]", "row: expected a JSON object"},
      {"{\"prompt_tokens\":1.5," + b.substr(1), "row: prompt_tokens: expected an integer"},
      {"{\"streamed\":1," + b.substr(1), "row: streamed: expected true or false"},
      {"{\"app\":7," + b.substr(1), "row: app: expected a string"},
      {"{\"resolved_at\":\"yesterday\"," + b.substr(1), "row: resolved_at: not an RFC 3339"},
      {"{\"metadata\":[]," + b.substr(1), "row: metadata: expected an object"},
      {"{\"attempts\":0,\"key\":\"k\",\"meta_status\":\"m\",\"request_id\":\"r\",\"source\":\"s\","
       "\"status\":\"s\",\"timestamp\":\"2026-12-04T15:11:00.000Z\"}",
       "row: missing seq"},
  };
  for (const Case& c : cases) {
    StatusOr<Row> parsed = RowFromJsonLine(c.line);
    ASSERT_FALSE(parsed.ok()) << c.line;
    EXPECT_EQ(parsed.status().message().rfind(c.message, 0), 0u)
        << parsed.status().message() << " for " << c.line;
  }
}

}  // namespace
}  // namespace orauditd
