// orauditctl replay's progress lines: the file's size, the share sent and
// the counts, at most once a period unless the file is done.
#include "tools/send_progress.h"

#include "tests/support/output_file_test.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace orauditd::tools {
namespace {

ReplayCounts Counts(uint64_t bytes_sent, uint64_t bytes_total) {
  ReplayCounts counts;
  counts.sent = 1200;
  counts.ok = 1195;
  counts.duplicates = 5;
  counts.refused = 5;
  counts.bytes_sent = bytes_sent;
  counts.bytes_total = bytes_total;
  return counts;
}

TEST(SendProgressTest, GivesTheShareOfTheFileAndItsSize) {
  EXPECT_EQ(SendProgress::Describe(Counts(4404020, 11010048), /*done=*/false),
            "40% of 10.5 MiB sent, 1200 lines so far: 1190 stored, 5 duplicates, 5 refused");
  EXPECT_EQ(SendProgress::Describe(Counts(11010048, 11010048), /*done=*/true),
            "done, 100% of 10.5 MiB sent, 1200 lines: 1190 stored, 5 duplicates, 5 refused");
}

TEST(SendProgressTest, SizesAreInBytesThenBinaryUnits) {
  EXPECT_EQ(SendProgress::Describe(Counts(0, 312), false).substr(0, 19), "0% of 312 bytes sen");
  EXPECT_EQ(SendProgress::Describe(Counts(0, 4096), false).substr(0, 14), "0% of 4.0 KiB ");
  EXPECT_EQ(SendProgress::Describe(Counts(0, 3ull << 30), false).substr(0, 14), "0% of 3.0 GiB ");
}

TEST(SendProgressTest, ShareIsRoundedDownAndNeverAboveAHundred) {
  EXPECT_EQ(SendProgress::Describe(Counts(999, 1000), false).substr(0, 4), "99% ");
  EXPECT_EQ(SendProgress::Describe(Counts(1200, 1000), false).substr(0, 5), "100% ")
      << "a file that grew while it was sent";
  EXPECT_EQ(SendProgress::Describe(Counts(0, 0), true).substr(0, 26),
            "done, 100% of 0 bytes sent");
}

// A progress display writing to a temporary file.
class SendProgressOutputTest : public orauditd::testing::OutputFileTest {};

TEST_F(SendProgressOutputTest, PlainLinesComeOncePerPeriodAndWhenTheFileIsDone) {
  SendProgress progress(out_, /*terminal=*/false, /*now_ms=*/1000);
  progress.Show("a.jsonl", Counts(10, 100), false, 1100);  // before the first period ends
  progress.Show("a.jsonl", Counts(40, 100), false, 6000);
  progress.Show("a.jsonl", Counts(50, 100), false, 7000);  // within the next period
  progress.Show("a.jsonl", Counts(100, 100), true, 7001);
  EXPECT_EQ(Written(),
            "orauditctl replay: a.jsonl: 40% of 100 bytes sent, 1200 lines so far: 1190 stored, "
            "5 duplicates, 5 refused\n"
            "orauditctl replay: a.jsonl: done, 100% of 100 bytes sent, 1200 lines: 1190 stored, "
            "5 duplicates, 5 refused\n");
}

TEST_F(SendProgressOutputTest, OnATerminalTheLineIsRedrawnInPlaceAndCleared) {
  SendProgress progress(out_, /*terminal=*/true, /*now_ms=*/0);
  progress.Show("a.jsonl", Counts(25, 100), false, 250);
  progress.Clear();
  EXPECT_EQ(Written(),
            "\r\033[Ka.jsonl: 25% of 100 bytes sent, 1200 lines so far: 1190 stored, "
            "5 duplicates, 5 refused\r\033[K");
}

TEST_F(SendProgressOutputTest, ANarrowTerminalGetsTheCountsFirstOnOneRow) {
  SendProgress progress(out_, /*terminal=*/true, /*now_ms=*/0);
  progress.set_columns(60);
  const std::string file = "/var/spool/orauditd/done/calls-2026-12-05-with-a-long-name.jsonl";
  progress.Show(file, Counts(4404020, 11010048), /*done=*/false, /*now_ms=*/1000);
  std::string line = Written().substr(4);  // after "\r\033[K"
  EXPECT_EQ(line.substr(0, 53), "40% of 10.5 MiB: 1190 stored, 5 dup, 5 refused: /var/");
  EXPECT_EQ(line.size(), 59u);
}

}  // namespace
}  // namespace orauditd::tools
