#include "queue/row_builder.h"

#include <gtest/gtest.h>

#include <string>

namespace orauditd {
namespace {

constexpr char kKey[] = "sk-or-v1-0123456789abcdef0123456789abcdef0123456789abcdef01234567";

QueuedRecord ErrorRecord() {
  QueuedRecord q;
  q.record.request_id = "r-1";
  q.record.dedup_key = "r-1";
  q.record.timestamp_ms = 1796397038123;
  q.record.status = CallStatus::kError;
  q.record.error_code = std::string("401 invalid key ") + kKey;
  q.record.user_id = "jane@example.com";
  q.record.model_requested = "openai/gpt-4o-2024-08-06";
  q.record.metadata = {
      {"owner", "jane.doe@example.com"}, {"ticket", "2026-12-04 #4111"}, {"password", "hunter2"}};
  return q;
}

bool Contains(const std::optional<std::string>& text, const std::string& part) {
  return text && text->find(part) != std::string::npos;
}

TEST(RowBuilderTest, CredentialsAndAddressesNeverReachTheRow) {
  Row row = BuildRow(ErrorRecord(), std::nullopt, "failed",
                     "upstream said: Authorization: Bearer abc123def456ghi789", 2000);

  EXPECT_EQ(row.error_code, "401 invalid key [api_key]");
  EXPECT_FALSE(Contains(row.error_code, "sk-or-v1"));
  EXPECT_EQ(row.meta_error, "upstream said: Authorization: Bearer [token]");
  EXPECT_EQ(row.metadata,
            "{\"owner\":\"[email]\",\"password\":\"[secret]\",\"ticket\":\"2026-12-04 #4111\"}");
  EXPECT_FALSE(Contains(row.metadata, "example.com"));
  EXPECT_FALSE(Contains(row.metadata, "hunter2"));
}

TEST(RowBuilderTest, IdsModelsAndUserIdAreKeptByDefault) {
  Row row = BuildRow(ErrorRecord(), std::nullopt, "failed", "", 2000);
  EXPECT_EQ(row.user_id, "jane@example.com") << "privacy.redact_user_id is off by default";
  EXPECT_EQ(row.model_requested, "openai/gpt-4o-2024-08-06");
  EXPECT_EQ(row.request_id, "r-1");
  EXPECT_FALSE(row.meta_error.has_value());
}

TEST(RowBuilderTest, UserIdIsRedactedWhenConfigured) {
  RowPrivacy privacy;
  privacy.redact_user_id = true;
  Row row = BuildRow(ErrorRecord(), std::nullopt, "failed", "", 2000, privacy);
  EXPECT_EQ(row.user_id, "[email]");

  QueuedRecord plain = ErrorRecord();
  plain.record.user_id = "user-42";
  EXPECT_EQ(BuildRow(plain, std::nullopt, "failed", "", 2000, privacy).user_id, "user-42");
}

TEST(RowBuilderTest, RedactionCanBeTurnedOffToMeasureIt) {
  RowPrivacy privacy;
  privacy.redact_free_text = false;
  Row row = BuildRow(ErrorRecord(), std::nullopt, "failed", "", 2000, privacy);
  EXPECT_TRUE(Contains(row.error_code, kKey));
  EXPECT_TRUE(Contains(row.metadata, "jane.doe@example.com"));
}

}  // namespace
}  // namespace orauditd
