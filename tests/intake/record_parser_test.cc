#include "intake/record_parser.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include "common/record.h"

namespace orauditd {
namespace {

constexpr int64_t kNowMs = 1798761600000;  // 2027-01-01T00:00:00Z
constexpr char kGenId[] = "gen-1760706313-WJZGQrQsBUfIN4FegFQ0";
// A marker in every fixture prompt; it must never come back out.
constexpr char kPromptMarker[] = "TOP-SECRET-PROMPT-TEXT";

std::string Fixture(const std::string& name) {
  std::ifstream in(std::string(ORAUDITD_SOURCE_DIR) + "/tests/fixtures/records/" + name);
  EXPECT_TRUE(in.good()) << name;
  std::stringstream text;
  text << in.rdbuf();
  // Pretty-printed fixtures become one NDJSON line: JSON strings cannot
  // hold a raw newline, so only whitespace changes.
  std::string line = text.str();
  for (char& c : line) {
    if (c == '\n') c = ' ';
  }
  return line;
}

class RecordParserTest : public ::testing::Test {
 protected:
  ParseContext Context() const {
    ParseContext ctx;
    ctx.now_ms = kNowMs;
    ctx.hasher = &hasher_;
    ctx.limits = limits_;
    return ctx;
  }

  ParsedRecord Parse(std::string_view line) {
    StatusOr<ParsedRecord> parsed = ParseRecordLine(line, Context());
    EXPECT_TRUE(parsed.ok()) << parsed.status().ToString() << "\n  line: " << line;
    return parsed.ok() ? std::move(parsed).value() : ParsedRecord{};
  }

  // The refusal message, which must be an InvalidArgument.
  std::string Refusal(std::string_view line) {
    StatusOr<ParsedRecord> parsed = ParseRecordLine(line, Context());
    EXPECT_FALSE(parsed.ok()) << "accepted: " << line;
    if (parsed.ok()) return "";
    EXPECT_EQ(parsed.status().code(), Status::Code::kInvalidArgument);
    return parsed.status().message();
  }

  // A success record with `fields` added, e.g. R"("cost":1)".
  static std::string WithGen(std::string_view fields) {
    std::string line = std::string(R"({"generation_id":")") + kGenId + "\"";
    if (!fields.empty()) line.append(",").append(fields);
    return line + "}";
  }

  PromptHasher hasher_{""};
  RecordLimits limits_;
};

// Every text the Record holds, for asserting what it does not contain.
std::string Dump(const Record& r) {
  std::string out = r.request_id + "|" + r.dedup_key + "|" + r.key + "|" + r.source;
  for (const auto* field : {&r.generation_id, &r.model_requested, &r.model_used, &r.error_code,
                            &r.user_id, &r.app, &r.prompt_hash}) {
    out += "|" + field->value_or("");
  }
  for (const auto& [name, value] : r.metadata) out += "|" + name + "=" + value;
  return out;
}

// ---- The two shapes ----

TEST_F(RecordParserTest, FlatRecordFillsEveryField) {
  ParsedRecord parsed =
      Parse(R"({"v":1,"generation_id":"gen-1","request_id":"req-7f3a",)"
            R"("timestamp":"2026-12-04T15:10:38.123Z","model_requested":"openai/gpt-4o",)"
            R"("model_used":"openai/gpt-4o-2024-08-06","prompt_tokens":194,"completion_tokens":2,)"
            R"("cost":0.000495,"latency_ms":812.5,"status":"success","error_code":"none",)"
            R"("user_id":"u-42","app":"checkout","key":"team-a","metadata":{"env":"prod"}})");
  const Record& r = parsed.record;
  EXPECT_EQ(r.generation_id, "gen-1");
  EXPECT_EQ(r.request_id, "req-7f3a");
  EXPECT_FALSE(r.request_id_assigned);
  EXPECT_EQ(r.dedup_key, "req-7f3a");
  EXPECT_EQ(r.timestamp_ms, 1796397038123);
  EXPECT_EQ(r.model_requested, "openai/gpt-4o");
  EXPECT_EQ(r.model_used, "openai/gpt-4o-2024-08-06");
  EXPECT_EQ(r.prompt_tokens, 194);
  EXPECT_EQ(r.completion_tokens, 2);
  EXPECT_EQ(r.cost, 0.000495);
  EXPECT_EQ(r.latency_ms, 812.5);
  EXPECT_EQ(r.status, CallStatus::kSuccess);
  EXPECT_EQ(r.error_code, "none");
  EXPECT_EQ(r.user_id, "u-42");
  EXPECT_EQ(r.app, "checkout");
  EXPECT_EQ(r.key, "team-a");
  ASSERT_EQ(r.metadata.size(), 1u);
  EXPECT_EQ(r.metadata[0], std::make_pair(std::string("env"), std::string("prod")));
  EXPECT_FALSE(r.prompt_hash.has_value());
  EXPECT_FALSE(r.streamed.has_value());
  EXPECT_EQ(r.received_ms, kNowMs);
  EXPECT_EQ(parsed.unknown_fields, 0);
  EXPECT_TRUE(parsed.warnings.empty());
}

TEST_F(RecordParserTest, MinimalRecordTakesDefaults) {
  const Record r = Parse(R"({"generation_id":"gen-1"})").record;
  EXPECT_EQ(r.timestamp_ms, kNowMs);
  EXPECT_EQ(r.status, CallStatus::kSuccess);
  EXPECT_EQ(r.key, "default");
  EXPECT_TRUE(r.request_id.empty());
  EXPECT_EQ(r.dedup_key, "gen-1");
  EXPECT_FALSE(r.prompt_tokens.has_value());
  EXPECT_FALSE(r.cost.has_value());
}

TEST_F(RecordParserTest, FlatFixtureLinesAllParse) {
  std::ifstream in(std::string(ORAUDITD_SOURCE_DIR) + "/tests/fixtures/records/flat_valid.jsonl");
  std::string line;
  int count = 0;
  while (std::getline(in, line)) {
    Parse(line);
    ++count;
  }
  EXPECT_EQ(count, 6);
}

TEST_F(RecordParserTest, CompletionBodiesFillRecord) {
  ParsedRecord parsed = Parse(R"({"request":)" + Fixture("completion_request.json") +
                              R"(,"response":)" + Fixture("completion_response.json") + "}");
  const Record& r = parsed.record;
  EXPECT_EQ(r.model_requested, "deepseek/deepseek-r1");
  EXPECT_EQ(r.generation_id, kGenId);
  EXPECT_EQ(r.dedup_key, kGenId);
  EXPECT_EQ(r.model_used, "deepseek/deepseek-r1-0528");
  EXPECT_EQ(r.prompt_tokens, 194);
  EXPECT_EQ(r.completion_tokens, 152);
  EXPECT_EQ(r.cost, 8.41005e-05);
  EXPECT_FALSE(r.streamed.has_value());  // neither body says
  // python3: json.dumps(messages, sort_keys=True, separators=(',', ':'),
  // ensure_ascii=False), then hashlib.sha256.
  EXPECT_EQ(r.prompt_hash, "4c7a6658ebb6c517d90121a19c650bf497f6ef6b9e66970c7580ce7658b86780");
  EXPECT_EQ(parsed.unknown_fields, 0);
  EXPECT_TRUE(parsed.warnings.empty());
  EXPECT_EQ(Dump(r).find(kPromptMarker), std::string::npos);
}

TEST_F(RecordParserTest, StreamChunkArrayFillsRecord) {
  const Record r = Parse(R"({"request":)" + Fixture("stream_request.json") + R"(,"response":)" +
                         Fixture("stream_chunks.json") + "}")
                       .record;
  EXPECT_EQ(r.generation_id, "gen-1747832343-r1R4jd69FBv5lkWPp9e6");
  EXPECT_EQ(r.model_requested, "anthropic/claude-haiku-4.5");
  EXPECT_EQ(r.model_used, "anthropic/claude-4.5-haiku-20251001");
  EXPECT_EQ(r.prompt_tokens, 12);
  EXPECT_EQ(r.completion_tokens, 4);
  EXPECT_EQ(r.cost, 3.4e-05);
  EXPECT_EQ(r.streamed, true);
  EXPECT_EQ(r.prompt_hash, "fd10a8171daae7cefeb6d23db16b895b7a29e4b3e3ed603b6a86685cdea3a3f3");
}

TEST_F(RecordParserTest, AssembledStreamObjectFillsRecord) {
  const Record r = Parse(R"({"response":)" + Fixture("stream_assembled.json") + "}").record;
  EXPECT_EQ(r.generation_id, "gen-1747832343-r1R4jd69FBv5lkWPp9e6");
  EXPECT_EQ(r.model_used, "anthropic/claude-4.5-haiku-20251001");
  EXPECT_EQ(r.prompt_tokens, 12);
  EXPECT_EQ(r.completion_tokens, 4);
  EXPECT_EQ(r.cost, 3.4e-05);
  EXPECT_EQ(r.streamed, true);  // its object is "chat.completion.chunk"
}

TEST_F(RecordParserTest, AbortedStreamHasNoUsage) {
  const Record r =
      Parse(R"({"status":"cancelled","response":)" + Fixture("stream_aborted_chunks.json") + "}")
          .record;
  EXPECT_EQ(r.status, CallStatus::kCancelled);
  EXPECT_EQ(r.generation_id, "gen-1737842317-9ifH6Yzo5icEdfD0I8SI");
  EXPECT_EQ(r.model_used, "google/gemini-2.5-flash");
  EXPECT_FALSE(r.prompt_tokens.has_value());
  EXPECT_FALSE(r.cost.has_value());
  EXPECT_EQ(r.streamed, true);
}

TEST_F(RecordParserTest, ErrorBodyWithoutIdNeedsErrorStatus) {
  std::string body = Fixture("error_response.json");
  EXPECT_EQ(Refusal(R"({"response":)" + body + "}"),
            R"(generation_id: required when status is "success")");
  const Record r = Parse(R"({"status":"error","error_code":"502","response":)" + body + "}").record;
  EXPECT_FALSE(r.generation_id.has_value());
  EXPECT_EQ(r.dedup_key, "");
}

TEST_F(RecordParserTest, RequestStreamFlagSetsStreamed) {
  EXPECT_EQ(Parse(WithGen(R"("request":{"model":"m","stream":false})")).record.streamed, false);
  EXPECT_EQ(Parse(WithGen(R"("request":{"model":"m","stream":true})")).record.streamed, true);
}

TEST_F(RecordParserTest, FlatFieldsWinOverBodies) {
  ParsedRecord parsed =
      Parse(R"({"generation_id":"gen-flat","model_requested":"flat/req","model_used":"flat/used",)"
            R"("prompt_tokens":1,"completion_tokens":2,"cost":0.5,"request":)" +
            Fixture("completion_request.json") + R"(,"response":)" +
            Fixture("completion_response.json") + "}");
  const Record& r = parsed.record;
  EXPECT_EQ(r.generation_id, "gen-flat");
  EXPECT_EQ(r.model_requested, "flat/req");
  EXPECT_EQ(r.model_used, "flat/used");
  EXPECT_EQ(r.prompt_tokens, 1);
  EXPECT_EQ(r.completion_tokens, 2);
  EXPECT_EQ(r.cost, 0.5);
  EXPECT_EQ(parsed.warnings.size(), 6u);
  for (const std::string& warning : parsed.warnings) {
    EXPECT_NE(warning.find("the flat field is kept"), std::string::npos) << warning;
  }
}

TEST_F(RecordParserTest, FlatFieldsEqualToBodiesGiveNoWarning) {
  ParsedRecord parsed =
      Parse(std::string(R"({"generation_id":")") + kGenId + R"(","prompt_tokens":194,"response":)" +
            Fixture("completion_response.json") + "}");
  EXPECT_TRUE(parsed.warnings.empty());
}

TEST_F(RecordParserTest, FlatMessagesWinOverRequestMessages) {
  const Record r = Parse(WithGen(R"("messages":[{"role":"user","content":"hi"}],"request":)" +
                                 Fixture("completion_request.json")))
                       .record;
  EXPECT_EQ(r.prompt_hash, "4e79873118cd9be7a1f0308b9cd772950c5410c74ca3fe1ba2626cba009a9237");
}

TEST_F(RecordParserTest, NullBodyMembersAreIgnored) {
  const Record r = Parse(WithGen(R"("request":{"model":null,"messages":null},)"
                                 R"("response":{"id":null,"model":null,"usage":{"cost":null}})"))
                       .record;
  EXPECT_EQ(r.generation_id, kGenId);
  EXPECT_FALSE(r.model_requested.has_value());
  EXPECT_FALSE(r.cost.has_value());
  EXPECT_FALSE(r.prompt_hash.has_value());
}

TEST_F(RecordParserTest, RefusesBadBodies) {
  EXPECT_EQ(Refusal(WithGen(R"("request":[1])")), "request: must be an object, got an array");
  EXPECT_EQ(Refusal(WithGen(R"("response":"text")")),
            "response: must be an object or an array of stream chunks, got a string");
  EXPECT_EQ(Refusal(WithGen(R"("response":[{"id":"gen-1"},7])")),
            "response[1]: must be an object, got 7");
  EXPECT_EQ(Refusal(R"({"response":{"id":42}})"), "response.id: must be a string, got 42");
  EXPECT_EQ(Refusal(R"({"response":{"id":"gen-1","usage":{"prompt_tokens":-3}}})"),
            "response.usage.prompt_tokens: must be an integer >= 0, got -3");
  EXPECT_EQ(Refusal(R"({"response":[{"id":"gen-1"},{"usage":{"cost":"0.1"}}]})"),
            "response[1].usage.cost: must be a number >= 0, got a string");
  EXPECT_EQ(Refusal(WithGen(R"("response":{"usage":5})")),
            "response.usage: must be an object, got 5");
  EXPECT_EQ(Refusal(WithGen(R"("request":{"model":1})")), "request.model: must be a string, got 1");
  EXPECT_EQ(Refusal(WithGen(R"("request":{"messages":{"role":"user"}})")),
            "request.messages: must be an array, got an object");
}

// ---- messages ----

TEST_F(RecordParserTest, MessagesAreHashedAndNeverStored) {
  std::string line =
      WithGen(std::string(R"("messages":[{"role":"user","content":")") + kPromptMarker + R"("}])");
  ParsedRecord parsed = Parse(line);
  ASSERT_TRUE(parsed.record.prompt_hash.has_value());
  EXPECT_EQ(parsed.record.prompt_hash->size(), 64u);
  EXPECT_EQ(Dump(parsed.record).find(kPromptMarker), std::string::npos);
  for (const std::string& warning : parsed.warnings) {
    EXPECT_EQ(warning.find(kPromptMarker), std::string::npos);
  }
}

TEST_F(RecordParserTest, MessagesHashIsCanonical) {
  // Same messages, different member order, spacing and escaping.
  const Record a = Parse(WithGen(R"("messages":[{"role":"user","content":"h\u00e9"}])")).record;
  const Record b =
      Parse(WithGen("\"messages\" : [ { \"content\" : \"h\xC3\xA9\" , \"role\" : \"user\" } ]"))
          .record;
  EXPECT_EQ(a.prompt_hash, b.prompt_hash);
}

TEST_F(RecordParserTest, MessagesHashUsesTheSecret) {
  PromptHasher keyed("s3cret");
  ParseContext ctx = Context();
  ctx.hasher = &keyed;
  StatusOr<ParsedRecord> parsed = ParseRecordLine(
      WithGen(R"("messages":[{"role":"system","content":"You are terse."},)"
              R"({"role":"user","content":"H\u00e9llo, w\u00f6rld! \ud83d\udc4b"}])"),
      ctx);
  ASSERT_TRUE(parsed.ok());
  // python3: hmac.new(b"s3cret", canonical.encode(), hashlib.sha256).hexdigest()
  EXPECT_EQ(parsed->record.prompt_hash,
            "54bb5e495e52e8aa4edbd3ce36defaf7480877e1557b97ab72160e1c27971275");
}

TEST_F(RecordParserTest, MessagesWithoutHasherUsePlainSha256) {
  ParseContext ctx = Context();
  ctx.hasher = nullptr;
  StatusOr<ParsedRecord> parsed =
      ParseRecordLine(WithGen(R"("messages":[{"role":"user","content":"hi"}])"), ctx);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->record.prompt_hash,
            "4e79873118cd9be7a1f0308b9cd772950c5410c74ca3fe1ba2626cba009a9237");
}

TEST_F(RecordParserTest, GivenPromptHashIsUsedAsGiven) {
  const Record r = Parse(WithGen(R"("prompt_hash":"abc123","messages":[{"content":"x"}])")).record;
  EXPECT_EQ(r.prompt_hash, "abc123");
}

TEST_F(RecordParserTest, RefusesMessagesThatAreNotAnArray) {
  EXPECT_EQ(Refusal(WithGen(std::string(R"("messages":")") + kPromptMarker + "\"")),
            "messages: must be an array, got a string");
  EXPECT_EQ(Refusal(WithGen(R"("prompt_hash":"abc","messages":{})")),
            "messages: must be an array, got an object");
}

TEST_F(RecordParserTest, RefusesDuplicateNamesInMessagesWithoutQuotingThem) {
  std::string message = Refusal(WithGen(std::string(R"("messages":[{")") + kPromptMarker +
                                        R"(":1,")" + kPromptMarker + R"(":2}])"));
  EXPECT_EQ(message, "messages: duplicate member name in an object");
}

TEST_F(RecordParserTest, RefusalsNeverQuoteTheMessages) {
  std::string messages =
      std::string(R"("messages":[{"role":"user","content":")") + kPromptMarker + R"("}])";
  const std::string bad_fields[] = {
      R"("prompt_tokens":-3)", R"("status":"TOP-SECRET-PROMPT-TEXT")",
      R"("user_id":7)",        R"("timestamp":"TOP-SECRET-PROMPT-TEXT")",
      R"("key":"TOP SECRET")", R"("metadata":{"a":"TOP-SECRET-PROMPT-TEXT","a":"x"})",
  };
  for (const std::string& bad : bad_fields) {
    std::string message = Refusal(WithGen(messages + "," + bad));
    EXPECT_EQ(message.find("SECRET"), std::string::npos) << message;
  }
}

// ---- v ----

TEST_F(RecordParserTest, VersionMustBeOne) {
  Parse(WithGen(R"("v":1)"));
  Parse(WithGen(R"("v":null)"));
  EXPECT_EQ(Refusal(WithGen(R"("v":2)")), "v: this daemon reads format version 1, got 2");
  EXPECT_EQ(Refusal(WithGen(R"("v":"1")")), "v: this daemon reads format version 1, got a string");
}

// ---- timestamp ----

TEST_F(RecordParserTest, TimestampInRfc3339WithOffsetsIsNormalisedToUtc) {
  EXPECT_EQ(Parse(WithGen(R"("timestamp":"2026-12-04T15:10:38.123Z")")).record.timestamp_ms,
            1796397038123);
  EXPECT_EQ(Parse(WithGen(R"("timestamp":"2026-12-04T20:40:38.123+05:30")")).record.timestamp_ms,
            1796397038123);
  // Crossing midnight backwards into the previous day.
  EXPECT_EQ(Parse(WithGen(R"("timestamp":"2026-12-03T23:10:38.123-16:00")")).record.timestamp_ms,
            1796397038123);
  EXPECT_EQ(Parse(WithGen(R"("timestamp":"2026-12-04T15:10:38Z")")).record.timestamp_ms,
            1796397038000);
}

TEST_F(RecordParserTest, TimestampWithNineFractionalDigitsTruncatesToMilliseconds) {
  EXPECT_EQ(
      Parse(WithGen(R"("timestamp":"2026-12-04T16:10:38.123999999+01:00")")).record.timestamp_ms,
      1796397038123);
  EXPECT_EQ(Parse(WithGen(R"("timestamp":"2025-01-25T21:58:42.249238+00:00")")).record.timestamp_ms,
            1737842322249);
}

TEST_F(RecordParserTest, TimestampInUnixSeconds) {
  EXPECT_EQ(Parse(WithGen(R"("timestamp":1796397038)")).record.timestamp_ms, 1796397038000);
  EXPECT_EQ(Parse(WithGen(R"("timestamp":1796397038.123)")).record.timestamp_ms, 1796397038123);
  EXPECT_EQ(Parse(WithGen(R"("timestamp":1796397038.1239)")).record.timestamp_ms, 1796397038123);
  EXPECT_EQ(Parse(WithGen(R"("timestamp":0)")).record.timestamp_ms, 0);
}

TEST_F(RecordParserTest, RefusesBadTimestamps) {
  EXPECT_EQ(Refusal(WithGen(R"("timestamp":"2026-12-04 noon")")),
            "timestamp: not an RFC 3339 date-time (expected RFC 3339 like "
            "2026-12-04T15:10:38.123Z)");
  EXPECT_EQ(Refusal(WithGen(R"("timestamp":"2026-12-04T15:10:38")")),
            "timestamp: missing UTC offset (Z or +HH:MM) (expected RFC 3339 like "
            "2026-12-04T15:10:38.123Z)");
  EXPECT_EQ(Refusal(WithGen(R"("timestamp":"2026-12-04T15:10:38.1234567891Z")")),
            "timestamp: fraction of a second must have 1 to 9 digits (expected RFC 3339 like "
            "2026-12-04T15:10:38.123Z)");
  EXPECT_EQ(Refusal(WithGen(R"("timestamp":-1)")), "timestamp: before 1970-01-01, got -1");
  EXPECT_EQ(Refusal(WithGen(R"("timestamp":"1969-12-31T23:59:59Z")")),
            "timestamp: before 1970-01-01");
  EXPECT_EQ(Refusal(WithGen(R"("timestamp":1796397038123)")),
            "timestamp: Unix seconds beyond the year 9999, got 1796397038123 (milliseconds? "
            "timestamp takes seconds)");
  EXPECT_EQ(Refusal(WithGen(R"("timestamp":true)")),
            "timestamp: must be an RFC 3339 string or Unix seconds, got a boolean");
}

TEST_F(RecordParserTest, TimestampFarInTheFutureIsAcceptedWithAWarning) {
  ParsedRecord parsed = Parse(WithGen(R"("timestamp":"2027-01-02T00:00:00.001Z")"));
  ASSERT_EQ(parsed.warnings.size(), 1u);
  EXPECT_EQ(parsed.warnings[0], "timestamp: more than a day in the future");
  EXPECT_TRUE(Parse(WithGen(R"("timestamp":"2027-01-02T00:00:00Z")")).warnings.empty());
}

// ---- status and generation_id ----

TEST_F(RecordParserTest, StatusTakesTheFourValues) {
  EXPECT_EQ(Parse(WithGen(R"("status":"success")")).record.status, CallStatus::kSuccess);
  EXPECT_EQ(Parse(WithGen(R"("status":"cancelled")")).record.status, CallStatus::kCancelled);
  EXPECT_EQ(Parse(R"({"status":"error"})").record.status, CallStatus::kError);
  EXPECT_EQ(Parse(R"({"status":"timeout"})").record.status, CallStatus::kTimeout);
}

TEST_F(RecordParserTest, RefusesUnknownStatus) {
  EXPECT_EQ(Refusal(WithGen(R"("status":"ok")")),
            R"(status: must be one of "success", "error", "timeout", "cancelled", got another )"
            R"(value)");
  EXPECT_EQ(Refusal(WithGen(R"("status":1)")),
            R"(status: must be one of "success", "error", "timeout", "cancelled", got 1)");
}

TEST_F(RecordParserTest, GenerationIdRequiredOnSuccessAndCancelled) {
  EXPECT_EQ(Refusal("{}"), R"(generation_id: required when status is "success")");
  EXPECT_EQ(Refusal(R"({"status":"cancelled","prompt_tokens":3})"),
            R"(generation_id: required when status is "cancelled")");
  EXPECT_EQ(Refusal(R"({"generation_id":null})"),
            R"(generation_id: required when status is "success")");
  Parse(R"({"status":"error"})");
  Parse(R"({"status":"timeout"})");
}

TEST_F(RecordParserTest, GenerationIdWithoutGenPrefixIsAcceptedWithAWarning) {
  ParsedRecord parsed = Parse(R"({"generation_id":"chatcmpl-123"})");
  EXPECT_EQ(parsed.record.generation_id, "chatcmpl-123");
  ASSERT_EQ(parsed.warnings.size(), 1u);
  EXPECT_EQ(parsed.warnings[0],
            R"(generation_id: does not start with "gen-"; OpenRouter may not know it)");
}

TEST_F(RecordParserTest, RefusesMalformedGenerationIds) {
  const std::string problem =
      "generation_id: must be 1 to 128 visible ASCII characters (no spaces)";
  EXPECT_EQ(Refusal(R"({"generation_id":""})"), problem);
  EXPECT_EQ(Refusal(R"({"generation_id":"gen 1"})"), problem);
  EXPECT_EQ(Refusal(R"({"generation_id":"gen-\n1"})"), problem);
  EXPECT_EQ(Refusal(R"({"generation_id":"gen-\u00e9"})"), problem);
  EXPECT_EQ(Refusal(R"({"generation_id":")" + std::string(129, 'a') + "\"}"),
            "generation_id: 129 bytes exceeds the limit of 128");
  EXPECT_EQ(Refusal(R"({"generation_id":12})"), "generation_id: must be a string, got 12");
  Parse(R"({"generation_id":"gen-)" + std::string(124, 'a') + "\"}");
}

// ---- request_id and the dedup key ----

TEST_F(RecordParserTest, RequestIdIsTheDedupKey) {
  const Record r = Parse(WithGen(R"("request_id":"req-1727282430-aBcDeFgHiJ")")).record;
  EXPECT_EQ(r.request_id, "req-1727282430-aBcDeFgHiJ");
  EXPECT_EQ(r.dedup_key, "req-1727282430-aBcDeFgHiJ");
}

TEST_F(RecordParserTest, WithoutRequestIdTheDedupKeyIsTheGenerationId) {
  const Record r = Parse(WithGen("")).record;
  EXPECT_TRUE(r.request_id.empty());
  EXPECT_EQ(r.dedup_key, kGenId);
}

TEST_F(RecordParserTest, WithoutEitherTheDedupKeyIsEmpty) {
  EXPECT_EQ(Parse(R"({"status":"error"})").record.dedup_key, "");
}

TEST_F(RecordParserTest, RefusesMalformedRequestIds) {
  const std::string problem = "request_id: must be 1 to 128 visible ASCII characters (no spaces)";
  EXPECT_EQ(Refusal(WithGen(R"("request_id":"")")), problem);
  EXPECT_EQ(Refusal(WithGen(R"("request_id":"a\tb")")), problem);
  EXPECT_EQ(Refusal(WithGen(R"("request_id":")" + std::string(129, 'r') + "\"")),
            "request_id: 129 bytes exceeds the limit of 128");
  EXPECT_EQ(Refusal(WithGen(R"("request_id":["r"])")),
            "request_id: must be a string, got an array");
  Parse(WithGen(R"("request_id":")" + std::string(128, 'r') + "\""));
}

// ---- token counts ----

TEST_F(RecordParserTest, TokenCountsAcceptIntegers) {
  EXPECT_EQ(Parse(WithGen(R"("prompt_tokens":0)")).record.prompt_tokens, 0);
  EXPECT_EQ(Parse(WithGen(R"("prompt_tokens":9223372036854775807)")).record.prompt_tokens,
            INT64_MAX);
  EXPECT_EQ(Parse(WithGen(R"("completion_tokens":3000000000)")).record.completion_tokens,
            3000000000);
  // Some encoders write every number as a double.
  EXPECT_EQ(Parse(WithGen(R"("completion_tokens":12.0)")).record.completion_tokens, 12);
  EXPECT_EQ(Parse(WithGen(R"("completion_tokens":2e3)")).record.completion_tokens, 2000);
}

TEST_F(RecordParserTest, RefusesTokenCountsThatAreNotNonNegativeIntegers) {
  EXPECT_EQ(Refusal(WithGen(R"("prompt_tokens":-3)")),
            "prompt_tokens: must be an integer >= 0, got -3");
  EXPECT_EQ(Refusal(WithGen(R"("prompt_tokens":1.5)")),
            "prompt_tokens: must be an integer >= 0, got 1.5");
  EXPECT_EQ(Refusal(WithGen(R"("completion_tokens":"12")")),
            "completion_tokens: must be an integer >= 0, got a string");
  EXPECT_EQ(Refusal(WithGen(R"("completion_tokens":1e30)")),
            "completion_tokens: must be an integer >= 0, got 1e+30");
  EXPECT_EQ(Refusal(WithGen(R"("prompt_tokens":9223372036854775808)")),
            "prompt_tokens: must be an integer from 0 to 9223372036854775807, got "
            "9223372036854775808");
}

TEST_F(RecordParserTest, RefusesIntegersBeyondSixtyFourBitsNamingTheField) {
  EXPECT_EQ(Refusal(WithGen(R"("prompt_tokens":123456789012345678901234567890)")),
            "prompt_tokens: a number is malformed or out of range (integers must fit in 64 bits, "
            "other numbers in a double)");
  EXPECT_EQ(Refusal(WithGen(R"("response":{"usage":{"completion_tokens":18446744073709551616}})")),
            "response: a number is malformed or out of range (integers must fit in 64 bits, "
            "other numbers in a double)");
  EXPECT_EQ(Refusal(WithGen(R"("cost":1e400)")),
            "cost: a number is malformed or out of range (integers must fit in 64 bits, other "
            "numbers in a double)");
}

// ---- cost and latency_ms ----

TEST_F(RecordParserTest, AmountsAcceptFiniteNonNegativeNumbers) {
  EXPECT_EQ(Parse(WithGen(R"("cost":0)")).record.cost, 0.0);
  EXPECT_EQ(Parse(WithGen(R"("cost":19)")).record.cost, 19.0);
  EXPECT_EQ(Parse(WithGen(R"("cost":3.4e-05)")).record.cost, 3.4e-05);
  EXPECT_EQ(Parse(WithGen(R"("cost":775.944651377)")).record.cost, 775.944651377);
  EXPECT_EQ(Parse(WithGen(R"("latency_ms":1250)")).record.latency_ms, 1250.0);
  double negative_zero = *Parse(WithGen(R"("cost":-0.0)")).record.cost;
  EXPECT_EQ(negative_zero, 0.0);
  EXPECT_FALSE(std::signbit(negative_zero));
}

TEST_F(RecordParserTest, RefusesNegativeOrNonNumericAmounts) {
  EXPECT_EQ(Refusal(WithGen(R"("cost":-0.01)")), "cost: must be a number >= 0, got -0.01");
  EXPECT_EQ(Refusal(WithGen(R"("cost":"0.0015")")), "cost: must be a number >= 0, got a string");
  EXPECT_EQ(Refusal(WithGen(R"("latency_ms":-5)")), "latency_ms: must be a number >= 0, got -5");
  EXPECT_EQ(Refusal(WithGen(R"("latency_ms":{})")),
            "latency_ms: must be a number >= 0, got an object");
}

// ---- key ----

TEST_F(RecordParserTest, KeyIsAShortName) {
  EXPECT_EQ(Parse(WithGen("")).record.key, "default");
  EXPECT_EQ(Parse(WithGen(R"("key":"team-a.prod_2")")).record.key, "team-a.prod_2");
  EXPECT_EQ(Parse(WithGen(R"("key":")" + std::string(64, 'k') + "\"")).record.key.size(), 64u);
}

TEST_F(RecordParserTest, RefusesKeysThatAreNotNames) {
  const std::string problem = "key: must be a name of letters, digits, '_', '.' or '-'";
  EXPECT_EQ(Refusal(WithGen(R"("key":"")")), problem);
  EXPECT_EQ(Refusal(WithGen(R"("key":"sk-or-v1 abc")")), problem);
  EXPECT_EQ(Refusal(WithGen(R"("key":"a/b")")), problem);
  EXPECT_EQ(Refusal(WithGen(R"("key":")" + std::string(65, 'k') + "\"")),
            "key: 65 bytes exceeds the limit of 64");
  EXPECT_EQ(Refusal(WithGen(R"("key":1)")), "key: must be a string, got 1");
}

// ---- free-text strings ----

TEST_F(RecordParserTest, StringFieldsKeepUnicodeWithinTheLimit) {
  limits_.max_string_bytes = 8;
  EXPECT_EQ(Parse(WithGen(R"("user_id":"\u00e9\u00e9\u00e9\u00e9")")).record.user_id,
            "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9");
  EXPECT_EQ(Refusal(WithGen(R"("user_id":"123456789")")),
            "user_id: 9 bytes exceeds the limit of 8");
}

TEST_F(RecordParserTest, RefusesNonStringTextFields) {
  for (const char* field :
       {"model_requested", "model_used", "error_code", "user_id", "app", "prompt_hash"}) {
    EXPECT_EQ(Refusal(WithGen("\"" + std::string(field) + "\":true")),
              std::string(field) + ": must be a string, got a boolean");
  }
}

// ---- metadata ----

TEST_F(RecordParserTest, MetadataKeepsStringPairsInOrder) {
  const Record r = Parse(WithGen(R"("metadata":{"team":"payments","env":"","z":"1"})")).record;
  ASSERT_EQ(r.metadata.size(), 3u);
  EXPECT_EQ(r.metadata[0].first, "team");
  EXPECT_EQ(r.metadata[1].second, "");
  EXPECT_EQ(r.metadata[2].first, "z");
}

TEST_F(RecordParserTest, RefusesMetadataOutsideItsLimits) {
  limits_.max_metadata_entries = 2;
  limits_.max_metadata_key_bytes = 4;
  limits_.max_metadata_value_bytes = 5;
  EXPECT_EQ(Refusal(WithGen(R"("metadata":["a"])")),
            "metadata: must be an object of string values, got an array");
  EXPECT_EQ(Refusal(WithGen(R"("metadata":{"a":"1","b":"2","c":"3"})")),
            "metadata: 3 entries exceeds the limit of 2");
  EXPECT_EQ(Refusal(WithGen(R"("metadata":{"abcde":"1"})")),
            "metadata: a name must be 1 to 4 bytes, got 5");
  EXPECT_EQ(Refusal(WithGen(R"("metadata":{"":"1"})")),
            "metadata: a name must be 1 to 4 bytes, got 0");
  EXPECT_EQ(Refusal(WithGen(R"("metadata":{"team":"123456"})")),
            R"(metadata["team"]: 6 bytes exceeds the limit of 5)");
  EXPECT_EQ(Refusal(WithGen(R"("metadata":{"team":7})")),
            R"(metadata["team"]: must be a string, got 7)");
  EXPECT_EQ(Refusal(WithGen(R"("metadata":{"team":"a","team":"b"})")),
            R"(metadata["team"]: appears more than once)");
}

// ---- the object as a whole ----

TEST_F(RecordParserTest, UnknownTopLevelFieldsAreCountedAndIgnored) {
  ParsedRecord parsed = Parse(
      WithGen(R"("client_version":"1.4.2","trace":{"span":"x","nested_unknown":1},"extra":null,)"
              R"("response":{"id":"gen-x","system_fingerprint":"fp","provider":"OpenAI"})"));
  EXPECT_EQ(parsed.unknown_fields, 3);
}

TEST_F(RecordParserTest, NullMeansAbsent) {
  const Record r = Parse(WithGen(R"("request_id":null,"timestamp":null,"prompt_tokens":null,)"
                                 R"("cost":null,"status":null,"key":null,"metadata":null,)"
                                 R"("messages":null,"request":null,"response":null)"))
                       .record;
  EXPECT_TRUE(r.request_id.empty());
  EXPECT_EQ(r.timestamp_ms, kNowMs);
  EXPECT_FALSE(r.prompt_tokens.has_value());
  EXPECT_EQ(r.key, "default");
  EXPECT_FALSE(r.prompt_hash.has_value());
}

TEST_F(RecordParserTest, RefusesAFieldGivenTwice) {
  EXPECT_EQ(Refusal(WithGen(R"("cost":1,"cost":2)")), "cost: appears more than once");
  EXPECT_EQ(Refusal(std::string(R"({"generation_id":"gen-a",)") + R"("generation_id":"gen-b"})"),
            "generation_id: appears more than once");
}

// ---- the line ----

TEST_F(RecordParserTest, RefusesALineOverTheLimit) {
  limits_.max_line_bytes = 64;
  std::string line = WithGen(R"("app":")" + std::string(64, 'x') + "\"");
  EXPECT_EQ(Refusal(line),
            "line: " + std::to_string(line.size()) + " bytes exceeds intake.max_line_bytes (64)");
  std::string exact = WithGen("");
  exact.insert(exact.size() - 1, std::string(64 - exact.size(), ' '));
  ASSERT_EQ(exact.size(), 64u);
  Parse(exact);
}

TEST_F(RecordParserTest, RefusesTheDefaultLimitPlusOne) {
  std::string line = WithGen(R"("app":")" + std::string(1 << 20, 'x') + "\"");
  line.resize((1 << 20) + 1);
  EXPECT_EQ(Refusal(line), "line: 1048577 bytes exceeds intake.max_line_bytes (1048576)");
}

TEST_F(RecordParserTest, RefusesNestingDeeperThanTheLimit) {
  limits_.max_depth = 5;
  // The record object is level 1, so four more levels fit.
  Parse(WithGen(R"("x":[[[{"a":1}]]])"));
  Parse(WithGen(R"("x":[[[{}]]],"y":"[[[[[[[[","z":"\"[[[[[[[[")"));
  EXPECT_EQ(Refusal(WithGen(R"("x":[[[[{"a":1}]]]])")),
            "line: JSON nested deeper than the limit of 5 levels");
  // An empty innermost level counts too.
  EXPECT_EQ(Refusal(WithGen(R"("x":[[[[{}]]]])")),
            "line: JSON nested deeper than the limit of 5 levels");
}

TEST_F(RecordParserTest, DefaultDepthLimitIsSixtyFour) {
  auto nested = [](int levels) {
    return WithGen("\"x\":" + std::string(levels, '[') + std::string(levels, ']'));
  };
  Parse(nested(63));
  EXPECT_EQ(Refusal(nested(64)), "line: JSON nested deeper than the limit of 64 levels");
  // Far deeper than simdjson's own default limit of 1024.
  EXPECT_EQ(Refusal(nested(100000)), "line: JSON nested deeper than the limit of 64 levels");
}

TEST_F(RecordParserTest, RefusesInvalidUtf8) {
  // The field that holds the bad bytes is named; an unknown one is not.
  EXPECT_EQ(Refusal(WithGen("\"app\":\"caf\xE9\"")), "app: invalid UTF-8");
  EXPECT_EQ(Refusal(WithGen("\"user_id\":\"ok\",\"metadata\":{\"a\":\"\xF0\x9F\"}")),
            "metadata: invalid UTF-8");
  EXPECT_EQ(Refusal(WithGen("\"unknown\":\"\xC0\xAF\"")), "line: invalid UTF-8");
  EXPECT_EQ(Refusal(WithGen("\"caf\xE9\":1")), "line: invalid UTF-8");
}

TEST_F(RecordParserTest, RefusesMalformedJson) {
  EXPECT_EQ(Refusal(R"({"generation_id":"gen-1",})").rfind("line: malformed JSON (", 0), 0u);
  EXPECT_EQ(Refusal(R"({"generation_id":"gen-1"} trailing)").rfind("line: malformed JSON (", 0),
            0u);
  EXPECT_EQ(Refusal(R"({"generation_id":"gen-1")").rfind("line: malformed JSON (", 0), 0u);
  EXPECT_EQ(Refusal(WithGen(R"("app":"\ud800")")),
            "line: a string has a bad escape or a lone surrogate");
  EXPECT_EQ(Refusal(WithGen("\"app\":\"a\tb\"")),
            "line: a string holds an unescaped control character");
  EXPECT_EQ(Refusal(R"({"generation_id":"gen-1","app":nope})"),
            "line: malformed JSON (a bare word: only true, false and null go unquoted)");
  EXPECT_EQ(Refusal(R"({"generation_id":"gen-1","app":tru})"),
            "line: malformed JSON (a bare word: only true, false and null go unquoted)");
  EXPECT_EQ(Refusal(R"({"generation_id":"gen-1","app":"x})"),
            "line: malformed JSON (a string without its closing quote)");
  EXPECT_EQ(Refusal(""), "line: no JSON object");
  EXPECT_EQ(Refusal("   "), "line: no JSON object");
  EXPECT_EQ(Refusal(WithGen(R"("prompt_tokens":012)")),
            "prompt_tokens: a number is malformed or out of range (integers must fit in 64 bits, "
            "other numbers in a double)");
}

TEST_F(RecordParserTest, RefusesATopLevelThatIsNotAnObject) {
  EXPECT_EQ(Refusal(R"([{"generation_id":"gen-1"}])"), "line: must be a JSON object, got an array");
  EXPECT_EQ(Refusal("42"), "line: must be a JSON object, got 42");
  EXPECT_EQ(Refusal(R"("gen-1")"), "line: must be a JSON object, got a string");
  EXPECT_EQ(Refusal("null"), "line: must be a JSON object, got null");
}

TEST_F(RecordParserTest, ToleratesByteOrderMarkAndLineEnds) {
  EXPECT_EQ(Parse("\xEF\xBB\xBF" + WithGen("")).record.generation_id, kGenId);
  EXPECT_EQ(Parse(WithGen("") + "\r\n").record.generation_id, kGenId);
}

// A bounded, seeded mutation run over a full record: whatever the damage,
// the parser neither crashes nor lets the prompt out.
TEST_F(RecordParserTest, MutatedLinesNeverLeakThePrompt) {
  const std::string original = R"({"request":)" + Fixture("completion_request.json") +
                               R"(,"response":)" + Fixture("completion_response.json") + "}";
  const std::string alphabet = "{}[]\":,0123456789-.eE \\ntfu\xff\xc3";
  std::mt19937 random(20260101);
  for (int round = 0; round < 3000; ++round) {
    std::string line = original;
    int edits = 1 + static_cast<int>(random() % 4);
    for (int e = 0; e < edits && !line.empty(); ++e) {
      size_t pos = random() % line.size();
      char byte = alphabet[random() % alphabet.size()];
      switch (random() % 3) {
        case 0:
          line[pos] = byte;
          break;
        case 1:
          line.insert(pos, 1, byte);
          break;
        default:
          line.erase(pos, 1 + random() % 8);
          break;
      }
    }
    StatusOr<ParsedRecord> parsed = ParseRecordLine(line, Context());
    if (parsed.ok()) {
      EXPECT_EQ(Dump(parsed->record).find("SECRET"), std::string::npos) << line;
      for (const std::string& warning : parsed->warnings) {
        EXPECT_EQ(warning.find("SECRET"), std::string::npos) << line;
      }
    } else {
      EXPECT_EQ(parsed.status().code(), Status::Code::kInvalidArgument);
      EXPECT_EQ(parsed.status().message().find("SECRET"), std::string::npos) << line;
    }
  }
}

}  // namespace
}  // namespace orauditd
