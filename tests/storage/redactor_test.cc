#include "storage/redactor.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace orauditd {
namespace {

struct Case {
  std::string in;
  std::string out;
};

void ExpectRedacted(const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    EXPECT_EQ(Redacted(c.in), c.out) << "input: " << c.in;
  }
}

void ExpectKept(const std::vector<std::string>& texts) {
  for (const std::string& text : texts) {
    EXPECT_FALSE(FindRedaction(text).has_value()) << "input: " << text;
    EXPECT_EQ(Redacted(text), text);
  }
}

TEST(RedactorTest, EmailAddresses) {
  ExpectRedacted({
      {"jane.doe@example.com", "[email]"},
      {"contact: jane.doe+billing@mail.example.co.uk.", "contact: [email]."},
      {"<bob_smith-99@sub.example.org>", "<[email]>"},
      {"user 5551234567@txt.att.net failed", "user [email] failed"},
      {"a@b.io and c.d@e.fr", "[email] and [email]"},
      {"{\"who\":\"ops@example.com\"}", "{\"who\":\"[email]\"}"},
  });
}

TEST(RedactorTest, PhoneNumbersInternationalAndNational) {
  ExpectRedacted({
      {"+1 415 555 2671", "[phone]"},
      {"+14155552671", "[phone]"},
      {"call +44 20 7946 0958 now", "call [phone] now"},
      {"+33 6 12 34 56 78", "[phone]"},
      {"+49 (0)30 12345678", "[phone]"},
      {"+1-800-555-0199", "[phone]"},
      {"tel:+15551234567", "tel:[phone]"},
      {"(555) 123-4567", "[phone]"},
      {"(555)123-4567", "[phone]"},
      {"555-123-4567", "[phone]"},
      {"555.123.4567", "[phone]"},
      {"555 123 4567", "[phone]"},
      {"1-800-555-0199", "[phone]"},
      {"020 7946 0958", "[phone]"},
      {"07700 900123", "[phone]"},
      {"06 12 34 56 78", "[phone]"},
      {"030 12345678", "[phone]"},
      {"Tel.: 0049 30 12345678", "Tel.: [phone]"},
      {"phone=555-123-4567;", "phone=[phone];"},
      {"on 2026-12-04 555-123-4567 called", "on 2026-12-04 [phone] called"},
      {"reach me at 555-123-4567, or 555-987-6543.", "reach me at [phone], or [phone]."},
  });
}

TEST(RedactorTest, SocialSecurityNumbers) {
  ExpectRedacted({
      {"123-45-6789", "[ssn]"},
      {"ssn 078-05-1120 on file", "ssn [ssn] on file"},
      {"123 45 6789", "[ssn]"},
  });
}

TEST(RedactorTest, NeverIssuedSsnRangesAreKept) {
  ExpectKept({"000-12-3456", "666-12-3456", "900-12-3456", "987-65-4320", "123-00-6789",
              "123-45-0000", "123-45 6789"});
}

TEST(RedactorTest, CardNumbersThatPassLuhn) {
  ExpectRedacted({
      {"4111 1111 1111 1111", "[card]"},
      {"4111-1111-1111-1111", "[card]"},
      {"card=4111111111111111", "card=[card]"},
      {"5500 0000 0000 0004", "[card]"},
      {"amex 3782 822463 10005", "amex [card]"},
      {"6011111111111117.", "[card]."},
      {"2223000048400011", "[card]"},
      {"4222222222222", "[card]"},
  });
}

TEST(RedactorTest, NumbersThatFailLuhnAreKept) {
  ExpectKept({
      "order 4111 1111 1111 1112 shipped",
      "order 4000123456789011",
      "ref 5234-5678-1234-5678",
      "3056930902590411",
      "4111111111111111111",
  });
}

TEST(RedactorTest, VendorApiKeys) {
  std::string hex64(64, 'a');
  hex64.replace(10, 6, "0f3c9e");
  ExpectRedacted({
      {"sk-or-v1-" + hex64, "[api_key]"},
      {"bad key sk-proj-Abc123Def456Ghi789Jkl012Mno345 refused", "bad key [api_key] refused"},
      {"sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-AbCdEf_gh-AA", "[api_key]"},
      {"sk-abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKL", "[api_key]"},
      {"aws AKIAIOSFODNN7EXAMPLE", "aws [api_key]"},
      {"ASIAY34FZKBOKMUTVV7A", "[api_key]"},
      {"ghp_16C7e42F292c6912E7710c838347Ae178B4a", "[api_key]"},
      {"github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz", "[api_key]"},
      {"AIzaSyD-1234567890abcdefghijklmnopqrstu", "[api_key]"},
      {"xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx", "[api_key]"},
      {"sk_live_4eC39HqLyjWDarjtT1zdp7dc", "[api_key]"},
      {"hf_abcdefghijklmnopqrstuvwxyz012345", "[api_key]"},
      {"OPENROUTER_API_KEY=sk-or-v1-" + hex64, "OPENROUTER_API_KEY=[api_key]"},
  });
}

TEST(RedactorTest, BearerTokensAndAuthorizationHeaders) {
  ExpectRedacted({
      {"Bearer abc123def456ghi789", "Bearer [token]"},
      {"bearer  sk-or-v1-0123456789abcdef0123", "bearer  [token]"},
      {"Authorization: Bearer abc123def456ghi789", "Authorization: Bearer [token]"},
      {"authorization: Basic dXNlcjpwYXNzd29yZA==", "authorization: Basic [token]"},
      {"{\"Authorization\":\"Token 9f8e7d6c\"}", "{\"Authorization\":\"Token [token]\"}"},
      {"Authorization: 0123456789abcdef", "Authorization: [token]"},
      {"Proxy-Authorization: Basic Zm9vOmJhcg==", "Proxy-Authorization: Basic [token]"},
      {"jwt "
       "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_"
       "XgL0n3I9PlFUP0THsR8U",
       "jwt [token]"},
  });
}

TEST(RedactorTest, SecretsAfterAssignments) {
  ExpectRedacted({
      {"key=0123456789abcdef0123456789abcdef", "key=[api_key]"},
      {"https://x.test/v1?api_key=Zm9vYmFyYmF6cXV4MTIz&x=1",
       "https://x.test/v1?api_key=[api_key]&x=1"},
      {"token=a1b2c3d4e5f6a7b8c9d0", "token=[token]"},
      {"\"access_token\": \"ya29.A0ARrdaM-1234567890abcdef\"", "\"access_token\": \"[token]\""},
      {"client_secret = 9d8c7b6a5f4e3d2c1b0a", "client_secret = [secret]"},
      {"password=hunter2", "password=[secret]"},
      {"db passwd: 'correct-horse', retrying", "db passwd: '[secret]', retrying"},
  });
}

TEST(RedactorTest, EverythingInOneMessage) {
  EXPECT_EQ(Redacted("user jane@example.com (555) 123-4567 paid with 4111 1111 1111 1111 "
                     "using Bearer abc123def456ghi789"),
            "user [email] [phone] paid with [card] using Bearer [token]");
}

TEST(RedactorTest, DatesTimesAndTimestampsAreKept) {
  ExpectKept({
      "2026-12-04",
      "2026/12/04",
      "04.12.2026",
      "12/04/2026 15:10",
      "2026-12-04 15:10:38",
      "2026-12-04T15:10:38.123Z",
      "2026-12-04T15:10:38+01:00",
      "at 15:10:38.123",
      "1796397038123",
      "created 1733325038",
      "2026-12-04-1510",
      "x-ratelimit-reset: 1733325038000",
  });
}

TEST(RedactorTest, VersionsIdsAndAddressesAreKept) {
  ExpectKept({
      "1.2.3",
      "v10.15.7",
      "semver 2.0.0-rc.1+build.20261204",
      "libcurl/7.88.1 OpenSSL/3.0.15",
      "550e8400-e29b-41d4-a716-446655440000",
      "12345678-1234-5678-1234-567812345678",
      "gen-1733325038-abcDEF123",
      "gen-1796397038-4111111111111111",
      "01JEA6QK5W1Z3Y9X8V7T6S5R4Q",
      "chatcmpl-AbCdEfGhIjKlMnOpQrStUvWxYz",
      "request #555-123-4567",
      "ip 192.168.100.200 port 8443",
      "10.0.0.1",
      "::1",
      "openai/gpt-4o-2024-08-06",
      "anthropic/claude-3.5-sonnet-20241022",
      "meta-llama/llama-3.1-405b-instruct:free",
      "ISBN 978-3-16-148410-0",
  });
}

TEST(RedactorTest, PricesCountsAndErrorCodesAreKept) {
  ExpectKept({
      "$12.50",
      "cost $1,234.56",
      "EUR 12 500,00",
      "429",
      "HTTP 500 Internal Server Error",
      "status 429 500 502",
      "rate_limit_exceeded",
      "invalid_api_key",
      "context_length_exceeded: 128000 tokens",
      "took 1500 ms, 3 retries",
      "1 234 567 890 tokens",
      "prompt_tokens=512 completion_tokens=64",
      "upstream 402: insufficient credits (balance -0.0012)",
  });
}

TEST(RedactorTest, WordsThatOnlyLookLikeCredentialsAreKept) {
  ExpectKept({
      "Bearer token missing",
      "bearer authentication failed",
      "authorization: failed",
      "key=default",
      "key: default",
      "token=expired",
      "token: invalid_or_expired_token",
      "sk-learn",
      "task-1234567890abcdefghijklmnop",
      "AKIA",
      "the ghp_ prefix",
      "user@localhost",
      "npm @scope/package",
      "x@1.2",
      "email: @",
      "https://openrouter.ai/api/v1/generation?id=gen-123",
  });
}

TEST(RedactorTest, RedactingTwiceChangesNothingMore) {
  for (std::string text : {"password=hunter2", "Authorization: Bearer abc123def456ghi789",
                           "key=0123456789abcdef0123456789abcdef", "jane@example.com 555-123-4567",
                           "4111 1111 1111 1111 and 123-45-6789"}) {
    std::string once = Redacted(text);
    EXPECT_NE(once, text);
    EXPECT_EQ(Redacted(once), once) << "input: " << text;
  }
}

TEST(RedactorTest, EmptyAndPlainTextAreUntouched) {
  std::string out = "unchanged";
  EXPECT_FALSE(Redact("", &out));
  EXPECT_FALSE(Redact("upstream timed out after 30s", &out));
  EXPECT_EQ(out, "unchanged") << "no match leaves the output alone";
}

TEST(RedactorTest, InPlaceKeepsTheBufferWhenNothingMatches) {
  std::string text = "provider returned 503 (overloaded), retry in 2s";
  const char* before = text.data();
  EXPECT_FALSE(RedactInPlace(&text));
  EXPECT_EQ(text.data(), before);

  text = "mail ops@example.com";
  EXPECT_TRUE(RedactInPlace(&text));
  EXPECT_EQ(text, "mail [email]");
}

TEST(RedactorTest, NamedValuesGoWholeWhenTheNameSaysCredential) {
  std::string value = "correct horse battery staple";
  EXPECT_TRUE(RedactNamedValue("password", &value));
  EXPECT_EQ(value, "[secret]");

  value = "0123456789abcdef0123";
  EXPECT_TRUE(RedactNamedValue("X-Api-Key", &value));
  EXPECT_EQ(value, "[api_key]");

  value = "default";
  EXPECT_FALSE(RedactNamedValue("key", &value)) << "the name of a configured key";
  EXPECT_EQ(value, "default");

  value = "payments";
  EXPECT_FALSE(RedactNamedValue("team", &value));

  value = "owner jane@example.com";
  EXPECT_TRUE(RedactNamedValue("team", &value));
  EXPECT_EQ(value, "owner [email]");
}

TEST(RedactorTest, MatchesReportTheirSpanAndKind) {
  std::string text = "to jane@example.com";
  auto match = FindRedaction(text);
  ASSERT_TRUE(match.has_value());
  EXPECT_EQ(match->begin, 3u);
  EXPECT_EQ(match->end, text.size());
  EXPECT_EQ(match->kind, RedactionKind::kEmail);
  EXPECT_FALSE(FindRedaction(text, match->end).has_value());
}

TEST(RedactorTest, LongAndPathologicalInputsFinish) {
  std::string digits(4096, '7');
  EXPECT_EQ(Redacted(digits), digits);
  std::string groups;
  for (int i = 0; i < 1000; ++i) groups += "12 ";
  EXPECT_EQ(Redacted(groups), groups);
  std::string ats(4096, '@');
  EXPECT_EQ(Redacted(ats), ats);
  std::string assigns;
  for (int i = 0; i < 500; ++i) assigns += "api_key=1 :";
  EXPECT_EQ(Redacted(assigns), assigns);
  std::string long_name = std::string(4000, 'k') + "=:=:";
  EXPECT_EQ(Redacted(long_name), long_name);
  std::string high(256, '\xC3');
  EXPECT_EQ(Redacted(high), high);
}

TEST(RedactorTest, EveryKindHasItsLabel) {
  EXPECT_EQ(RedactionLabel(RedactionKind::kEmail), "[email]");
  EXPECT_EQ(RedactionLabel(RedactionKind::kPhone), "[phone]");
  EXPECT_EQ(RedactionLabel(RedactionKind::kSsn), "[ssn]");
  EXPECT_EQ(RedactionLabel(RedactionKind::kCard), "[card]");
  EXPECT_EQ(RedactionLabel(RedactionKind::kApiKey), "[api_key]");
  EXPECT_EQ(RedactionLabel(RedactionKind::kToken), "[token]");
  EXPECT_EQ(RedactionLabel(RedactionKind::kSecret), "[secret]");
}

}  // namespace
}  // namespace orauditd
