#include "tools/intake_client.h"

#include <gtest/gtest.h>

namespace orauditd::tools {
namespace {

// The texts the daemon sends when it cannot store records for now, and
// some it sends for a record's own faults.
TEST(IntakeClientTest, TellsTheDaemonsSideFromTheRecords) {
  EXPECT_TRUE(IsDaemonSideRefusal(
      "disk full: 3 MiB free under /var/lib/orauditd, below intake.min_free (256 MiB); "
      "record not accepted, retry later"));
  EXPECT_TRUE(IsDaemonSideRefusal(
      "queue refuses writes until storage recovers: queue intake write: IO error: EIO"));
  EXPECT_TRUE(IsDaemonSideRefusal("statvfs /var/lib/orauditd: Permission denied"));

  EXPECT_FALSE(IsDaemonSideRefusal("prompt_tokens: must be an integer >= 0, got -3"));
  EXPECT_FALSE(IsDaemonSideRefusal("line: not JSON: TAPE_ERROR"));
  EXPECT_FALSE(IsDaemonSideRefusal(""));
}

}  // namespace
}  // namespace orauditd::tools
