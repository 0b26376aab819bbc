// orauditd replay's log lines: the daemon's shape (text or JSON as
// log.format says), written around the progress bar, never inside it.
#include "daemon/replay_logging.h"

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <optional>
#include <string>

#include "daemon/replay_progress.h"
#include "tests/support/temp_dir.h"

namespace orauditd {
namespace {

constexpr char kClearLine[] = "\r\033[K";

class ReplayLoggingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    out_ = std::tmpfile();
    ASSERT_NE(out_, nullptr);
  }
  void TearDown() override {
    logging_.reset();
    progress_.reset();
    std::fclose(out_);
  }

  // A terminal's progress with its bar shown, and the replay's logger.
  void Start(const std::string& level, const std::string& format) {
    Config config;
    config.log_level = level;
    config.log_format = format;
    progress_.emplace(out_, /*terminal=*/true, /*plain_interval_ms=*/5000);
    logging_.emplace(config, &*progress_);
    progress_->Update(ReplaySnapshot{}, 0);
  }

  std::string Written() {
    return testing::WrittenTo(out_);
  }

  // What came after the bar: the bar is cleared first, then the lines.
  std::string AfterBar() {
    std::string text = Written();
    size_t cleared = text.rfind(kClearLine);
    EXPECT_NE(cleared, std::string::npos) << text;
    return cleared == std::string::npos ? text : text.substr(cleared + 4);
  }

  std::FILE* out_ = nullptr;
  std::optional<ReplayProgress> progress_;
  std::optional<ReplayLogging> logging_;
};

TEST_F(ReplayLoggingTest, JsonFormatWritesTheDaemonsJsonLinesAroundTheBar) {
  Start("info", "json");
  spdlog::warn("record r-1: finished as unresolved");
  std::string line = AfterBar();
  EXPECT_EQ(line.rfind("{\"time\":\"", 0), 0u) << line;
  EXPECT_NE(line.find("Z\",\"level\":\"warn\",\"message\":\"record r-1: finished as "
                      "unresolved\",\"record_id\":\"r-1\"}\n"),
            std::string::npos)
      << line;
  EXPECT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1) << "one line: " << line;
}

TEST_F(ReplayLoggingTest, TextFormatWritesTheDaemonsTextLines) {
  Start("info", "text");
  spdlog::error("fetcher: timeout");
  std::string line = AfterBar();
  // "2026-12-04 15:10:38.123 error fetcher: timeout\n", as the daemon writes.
  ASSERT_EQ(line.size(), 24 + std::string("error fetcher: timeout\n").size()) << line;
  EXPECT_EQ(line.substr(4, 1), "-");
  EXPECT_EQ(line.substr(24), "error fetcher: timeout\n");
}

TEST_F(ReplayLoggingTest, InfoIsLeftToTheProgressUnlessDebugIsAsked) {
  Start("info", "json");
  spdlog::info("spool: a.jsonl: 3 lines");
  EXPECT_EQ(Written().find("spool: a.jsonl"), std::string::npos) << Written();
  logging_.reset();

  Start("debug", "json");
  spdlog::debug("record r-2: looked up");
  EXPECT_NE(AfterBar().find("\"level\":\"debug\",\"message\":\"record r-2: looked up\""),
            std::string::npos)
      << Written();
}

TEST_F(ReplayLoggingTest, RepeatCountsAreWrittenBeforeTheProgressGoes) {
  Start("info", "json");
  spdlog::warn("record r-1: finished as failed");
  spdlog::warn("record r-2: finished as failed");
  EXPECT_EQ(Written().find("r-2"), std::string::npos) << "a repeat is counted, not written";

  logging_.reset();
  std::string text = Written();
  EXPECT_NE(text.find("record r-2: finished as failed (repeated once"), std::string::npos) << text;
  spdlog::warn("record r-3: after the replay");
  EXPECT_EQ(Written().find("r-3"), std::string::npos) << "no longer written through progress";
}

}  // namespace
}  // namespace orauditd
