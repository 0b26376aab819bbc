#include "daemon/stage_setup.h"

#include <gtest/gtest.h>

namespace orauditd {
namespace {

// The daemon and `orauditd replay` both build their pipeline from here, so
// the privacy settings reach every row either way.
TEST(StageSetupTest, PipelineRedactsFreeTextAndUserIdOnlyWhenConfigured) {
  auto config = ParseConfig("", "t");
  ASSERT_TRUE(config.ok());
  PipelineOptions options = PipelineOptionsFrom(*config);
  EXPECT_TRUE(options.privacy.redact_free_text);
  EXPECT_FALSE(options.privacy.redact_user_id);

  config = ParseConfig("privacy: { redact_user_id: true }\n", "t");
  ASSERT_TRUE(config.ok());
  options = PipelineOptionsFrom(*config);
  EXPECT_TRUE(options.privacy.redact_free_text);
  EXPECT_TRUE(options.privacy.redact_user_id);
}

}  // namespace
}  // namespace orauditd
