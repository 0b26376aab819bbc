#include "daemon/log_sink.h"

#include <gtest/gtest.h>
#include <spdlog/logger.h>

#include <memory>
#include <string>
#include <vector>

namespace orauditd {
namespace {

// A logger over a LogSink whose lines and clock the test holds.
class LogSinkTest : public ::testing::Test {
 protected:
  void Make(LogSinkOptions options) {
    sink_ = std::make_shared<LogSink>(
        options, [this](std::string_view line) { lines_.emplace_back(line); },
        [this] { return now_ms_; });
    logger_ = std::make_shared<spdlog::logger>("test", sink_);
    logger_->set_level(spdlog::level::trace);
  }

  std::vector<std::string> lines_;
  int64_t now_ms_ = 1000;
  std::shared_ptr<LogSink> sink_;
  std::shared_ptr<spdlog::logger> logger_;
};

TEST_F(LogSinkTest, TextLinesCarryUtcTimeLevelAndMessage) {
  Make({});
  logger_->info("queue: {} open", "/var/lib/orauditd/queue");
  ASSERT_EQ(lines_.size(), 1u);
  const std::string& line = lines_[0];
  EXPECT_EQ(line.size(), 24 + std::string("info queue: /var/lib/orauditd/queue open\n").size())
      << line;
  EXPECT_EQ(line.substr(4, 1), "-");
  EXPECT_EQ(line.substr(24), "info queue: /var/lib/orauditd/queue open\n");
}

TEST_F(LogSinkTest, JsonLinesAreOneObjectEachWithEscapedMessage) {
  Make({LogFormat::kJson});
  logger_->warn("spool: \"a\"\tb");
  ASSERT_EQ(lines_.size(), 1u);
  const std::string& line = lines_[0];
  EXPECT_EQ(line.rfind("{\"time\":\"", 0), 0u) << line;
  EXPECT_NE(line.find("Z\",\"level\":\"warn\",\"message\":\"spool: \\\"a\\\"\\tb\"}\n"),
            std::string::npos)
      << line;
}

TEST_F(LogSinkTest, JsonLinesAboutARecordCarryItsId) {
  Make({LogFormat::kJson, false, 0});
  logger_->warn("record r-1: finished as failed: HTTP 400");
  logger_->warn("intake: record 01M91M2N6H: generation_id: does not start with \"gen-\"");
  logger_->error("key default: generation endpoint refused it (HTTP 401); parking, record k-7");
  logger_->info("queue: finalizing every record it held");
  ASSERT_EQ(lines_.size(), 4u);
  EXPECT_NE(lines_[0].find(",\"record_id\":\"r-1\"}"), std::string::npos) << lines_[0];
  EXPECT_NE(lines_[1].find(",\"record_id\":\"01M91M2N6H\"}"), std::string::npos) << lines_[1];
  EXPECT_NE(lines_[2].find(",\"record_id\":\"k-7\"}"), std::string::npos) << lines_[2];
  EXPECT_EQ(lines_[3].find("record_id"), std::string::npos) << lines_[3];
}

TEST_F(LogSinkTest, JournalLinesStartWithTheSyslogPriorityAndLeaveTheTimeToJournald) {
  Make({LogFormat::kText, /*journal=*/true});
  logger_->debug("d");
  logger_->info("i");
  logger_->warn("w");
  logger_->error("e");
  logger_->critical("c");
  ASSERT_EQ(lines_.size(), 5u);
  EXPECT_EQ(lines_[0], "<7>debug d\n");
  EXPECT_EQ(lines_[1], "<6>info i\n");
  EXPECT_EQ(lines_[2], "<4>warn w\n");
  EXPECT_EQ(lines_[3], "<3>error e\n");
  EXPECT_EQ(lines_[4], "<2>critical c\n");
}

TEST_F(LogSinkTest, ShapeMasksWordsWithDigitsOnly) {
  EXPECT_EQ(LogSink::Shape("sink sqlite: write of seq 17..42 failed: disk I/O error"),
            "sink sqlite: write of seq # failed: disk I/O error");
  EXPECT_EQ(LogSink::Shape("record 01JEXAMPLE7: reschedule failed"),
            LogSink::Shape("record 01JOTHER9ZZ: reschedule failed"));
  EXPECT_NE(LogSink::Shape("key a: refused"), LogSink::Shape("key b: refused"));
}

TEST_F(LogSinkTest, ARepeatedErrorIsWrittenOnceThenCountedOncePerWindow) {
  Make({LogFormat::kText, true, /*repeat_window_ms=*/10000});
  for (int i = 0; i < 50; ++i) logger_->error("record r-{}: reschedule failed: IO error", i);
  ASSERT_EQ(lines_.size(), 1u);
  EXPECT_EQ(lines_[0], "<3>error record r-0: reschedule failed: IO error\n");

  logger_->flush();
  EXPECT_EQ(lines_.size(), 1u) << "the window is still open";
  now_ms_ += 10000;
  logger_->flush();
  ASSERT_EQ(lines_.size(), 2u);
  EXPECT_EQ(lines_[1],
            "<3>error record r-49: reschedule failed: IO error (repeated 49 times within 10s; "
            "the last one shown)\n");

  // After the window, the next one is written again at once.
  logger_->error("record r-50: reschedule failed: IO error");
  EXPECT_EQ(lines_.size(), 3u);
}

TEST_F(LogSinkTest, ANewWindowFirstReportsTheCountOfTheOldOne) {
  Make({LogFormat::kText, true, 1000});
  logger_->warn("sink jsonl: write of seq 1..2 failed");
  logger_->warn("sink jsonl: write of seq 3..4 failed");
  now_ms_ += 1500;
  logger_->warn("sink jsonl: write of seq 5..6 failed");
  ASSERT_EQ(lines_.size(), 3u);
  EXPECT_NE(lines_[1].find("seq 3..4 failed (repeated once"), std::string::npos) << lines_[1];
  EXPECT_EQ(lines_[2], "<4>warn sink jsonl: write of seq 5..6 failed\n");
}

TEST_F(LogSinkTest, InfoLinesAndDifferentErrorsAreNeverHeldBack) {
  Make({LogFormat::kText, true, 10000});
  for (int i = 0; i < 3; ++i) logger_->info("batch of {} committed", i);
  logger_->error("key a: refused");
  logger_->error("key b: refused");
  EXPECT_EQ(lines_.size(), 5u);
}

TEST_F(LogSinkTest, HeldCountsAreWrittenBeforeTheNextLineThatIsWritten) {
  Make({LogFormat::kText, true, 10000});
  for (int i = 0; i < 3; ++i) logger_->error("queue: write of record r-{} failed: IO error", i);
  logger_->info("queue: storage recovered; taking writes again");
  ASSERT_EQ(lines_.size(), 3u);
  EXPECT_EQ(lines_[0], "<3>error queue: write of record r-0 failed: IO error\n");
  EXPECT_EQ(lines_[1],
            "<3>error queue: write of record r-2 failed: IO error (repeated 2 times within 10s; "
            "the last one shown)\n");
  EXPECT_EQ(lines_[2], "<6>info queue: storage recovered; taking writes again\n");

  // The window stays open: a repeat in it is counted from zero, written at its end.
  logger_->error("queue: write of record r-3 failed: IO error");
  EXPECT_EQ(lines_.size(), 3u);
  now_ms_ += 10000;
  logger_->flush();
  ASSERT_EQ(lines_.size(), 4u);
  EXPECT_NE(lines_[3].find("r-3 failed: IO error (repeated once"), std::string::npos) << lines_[3];
}

TEST_F(LogSinkTest, DebugLinesAndOtherWarningsDoNotWriteHeldCounts) {
  Make({LogFormat::kText, true, 10000});
  for (int i = 0; i < 4; ++i) {
    logger_->error("record r-{}: reschedule failed: IO error", i);
    logger_->debug("record r-{}: HTTP 404, next lookup in {} ms", i, 50 + i);
  }
  logger_->warn("intake: refused 3 records: disk full");
  ASSERT_EQ(lines_.size(), 6u);  // one error, four debug lines, the warning
  for (const std::string& line : lines_) {
    EXPECT_EQ(line.find("repeated"), std::string::npos) << line;
  }
  now_ms_ += 10000;
  logger_->flush();
  ASSERT_EQ(lines_.size(), 7u);
  EXPECT_NE(lines_[6].find("r-3: reschedule failed: IO error (repeated 3 times"), std::string::npos)
      << lines_[6];
}

TEST_F(LogSinkTest, CountsStillOpenAreWrittenWhenTheSinkGoes) {
  Make({LogFormat::kJson, false, 10000});
  logger_->error("fetcher: curl_multi_socket_action failed 1");
  logger_->error("fetcher: curl_multi_socket_action failed 2");
  logger_.reset();
  sink_.reset();
  ASSERT_EQ(lines_.size(), 2u);
  EXPECT_NE(lines_[1].find("\"repeated\":1}"), std::string::npos) << lines_[1];
}

TEST(JournalPriorityTest, MapsLevelsToSyslogPriorities) {
  EXPECT_EQ(JournalPriority(spdlog::level::trace), 7);
  EXPECT_EQ(JournalPriority(spdlog::level::info), 6);
  EXPECT_EQ(JournalPriority(spdlog::level::warn), 4);
  EXPECT_EQ(JournalPriority(spdlog::level::err), 3);
  EXPECT_EQ(JournalPriority(spdlog::level::critical), 2);
}

TEST(JournalPriorityTest, JournalStreamMustNameThisStderr) {
  setenv("JOURNAL_STREAM", "1:2", 1);
  EXPECT_FALSE(StderrIsJournal());
  unsetenv("JOURNAL_STREAM");
  EXPECT_FALSE(StderrIsJournal());
}

}  // namespace
}  // namespace orauditd
