// orauditd replay's progress when stderr is not a terminal: a plain line at
// most once a period, saying how much of the input has been read.
#include "daemon/replay_progress.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "tests/support/output_file_test.h"

namespace orauditd {
namespace {

class ReplayProgressPlainTest : public testing::OutputFileTest {
 protected:
  static ReplaySnapshot Reading(uint64_t bytes_read, uint64_t lines) {
    ReplaySnapshot s;
    s.bytes_read = bytes_read;
    s.bytes_total = 1000;
    s.lines = lines;
    s.accepted = lines;
    s.pending = lines;
    return s;
  }
};

TEST_F(ReplayProgressPlainTest, LinesGiveTheShareReadThenWaitForRows) {
  ReplayProgress progress(out_, /*terminal=*/false, /*plain_interval_ms=*/5000);
  progress.Update(Reading(400, 40), 0);
  progress.Update(Reading(500, 50), 4999);  // inside the period: not shown
  progress.Update(Reading(999, 99), 5000);
  ReplaySnapshot read_all = Reading(1000, 100);
  read_all.reading = false;
  progress.Update(read_all, 10000);

  EXPECT_EQ(Written(),
            "replay: 40% read: 40 lines read, 40 accepted, 0 duplicates, 0 refused, "
            "0 rows written, 40 pending\n"
            "replay: 99% read: 99 lines read, 99 accepted, 0 duplicates, 0 refused, "
            "0 rows written, 99 pending\n"
            "replay: waiting for rows: 100 lines read, 100 accepted, 0 duplicates, 0 refused, "
            "0 rows written, 100 pending\n");
}

TEST_F(ReplayProgressPlainTest, EmptyInputCountsAsAllRead) {
  ReplayProgress progress(out_, /*terminal=*/false, /*plain_interval_ms=*/5000);
  progress.Update(ReplaySnapshot{}, 0);
  EXPECT_EQ(Written().substr(0, 19), "replay: 100% read: ");
}

TEST_F(ReplayProgressPlainTest, ANarrowTerminalGetsOneRowWithRowsAndPendingFirst) {
  ReplayProgress progress(out_, /*terminal=*/true, /*plain_interval_ms=*/5000);
  progress.set_columns(80);
  ReplaySnapshot s = Reading(1000, 100000);
  s.reading = false;
  s.rows = 500;
  s.pending = 99500;
  progress.Update(s, 0);
  std::string line = Written().substr(4);  // after "\r\033[K"
  EXPECT_EQ(line, "waiting for rows; 500 rows, 99500 pending; 100000 lines, 0 refused");
  EXPECT_LT(line.size(), 80u);
}

TEST_F(ReplayProgressPlainTest, AWideTerminalGetsTheWholeBar) {
  ReplayProgress progress(out_, /*terminal=*/true, /*plain_interval_ms=*/5000);
  progress.set_columns(200);
  progress.Update(Reading(400, 40), 0);
  EXPECT_EQ(Written().substr(4, 36), "[#########...............] 40% read:");
}

}  // namespace
}  // namespace orauditd
