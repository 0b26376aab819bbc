#include "storage/jsonl_sink.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>

#include <filesystem>

#include "storage/jsonl_files.h"
#include "storage/row_json.h"
#include "tests/storage/jsonl_test_util.h"
#include "tests/storage/row_fixtures.h"

namespace orauditd {
namespace {

using fixtures::Lines;
using fixtures::MakeChain;
using fixtures::ReadFile;

class JsonlSinkTest : public ::testing::Test {
 protected:
  std::unique_ptr<JsonlSink> OpenSink(int64_t rotate_bytes = 0) {
    StatusOr<std::unique_ptr<JsonlSink>> sink = JsonlSink::Open(path_, rotate_bytes);
    EXPECT_TRUE(sink.ok()) << sink.status().ToString();
    return sink.ok() ? std::move(*sink) : nullptr;
  }

  static std::string Joined(const std::vector<Row>& rows) {
    std::string out;
    for (const Row& row : rows) out += RowToJsonLine(row) + "\n";
    return out;
  }

  fixtures::TempDir dir_;
  std::string path_ = dir_.File("log/audit.jsonl");
};

TEST_F(JsonlSinkTest, WritesOneCanonicalLinePerRow) {
  auto sink = OpenSink();
  std::vector<Row> rows = MakeChain(1, 5);
  ASSERT_TRUE(sink->Write(rows).ok());
  EXPECT_EQ(ReadFile(path_), Joined(rows));
  EXPECT_EQ(*sink->LastSeq(), 5);
  EXPECT_EQ(sink->name(), "jsonl");
  EXPECT_EQ(sink->recovery_note(), "");
}

TEST_F(JsonlSinkTest, WriteIsIdempotentBySeq) {
  auto sink = OpenSink();
  std::vector<Row> rows = MakeChain(1, 8);
  ASSERT_TRUE(sink->Write({rows.begin(), rows.begin() + 5}).ok());
  ASSERT_TRUE(sink->Write({rows.begin(), rows.begin() + 5}).ok());
  ASSERT_TRUE(sink->Write({rows.begin() + 3, rows.end()}).ok());
  EXPECT_EQ(ReadFile(path_), Joined(rows));
}

TEST_F(JsonlSinkTest, GapIsRefused) {
  auto sink = OpenSink();
  std::vector<Row> rows = MakeChain(1, 4);
  ASSERT_TRUE(sink->Write({rows[0]}).ok());
  Status s = sink->Write({rows[1], rows[3]});
  EXPECT_EQ(s.code(), Status::Code::kFailedPrecondition);
  EXPECT_EQ(Lines(ReadFile(path_)).size(), 1u);
}

TEST_F(JsonlSinkTest, LastSeqSurvivesReopen) {
  {
    auto sink = OpenSink();
    ASSERT_TRUE(sink->Write(MakeChain(41, 3)).ok());
  }
  auto sink = OpenSink();
  EXPECT_EQ(*sink->LastSeq(), 43);
}

TEST_F(JsonlSinkTest, RotatesBySizeNamingFilesByTheirFirstSeq) {
  std::vector<Row> rows = MakeChain(1, 10);
  size_t line_size = RowToJsonLine(rows[0]).size() + 1;
  // Room for three lines of about this size, not four.
  int64_t rotate_bytes = static_cast<int64_t>(line_size * 3 + line_size / 2);
  auto sink = OpenSink(rotate_bytes);
  ASSERT_TRUE(sink->Write({rows.begin(), rows.begin() + 4}).ok());
  ASSERT_TRUE(sink->Write({rows.begin() + 4, rows.end()}).ok());

  StatusOr<std::vector<std::pair<int64_t, std::string>>> rotated = ListRotatedJsonl(path_);
  ASSERT_TRUE(rotated.ok());
  std::vector<std::string> names;
  std::string all;
  for (const auto& [seq, name] : *rotated) {
    names.push_back(std::filesystem::path(name).filename());
    std::string content = ReadFile(name);
    EXPECT_LE(static_cast<int64_t>(content.size()), rotate_bytes) << name;
    all += content;
  }
  EXPECT_EQ(names, (std::vector<std::string>{"audit.jsonl.000000000001", "audit.jsonl.000000000004",
                                             "audit.jsonl.000000000007"}));
  all += ReadFile(path_);
  EXPECT_EQ(all, Joined(rows));
  EXPECT_EQ(Lines(ReadFile(path_)).size(), 1u);  // seq 10
}

TEST_F(JsonlSinkTest, RotationContinuesAfterReopen) {
  std::vector<Row> rows = MakeChain(1, 12);
  int64_t rotate_bytes = static_cast<int64_t>((RowToJsonLine(rows[0]).size() + 1) * 5 / 2);
  for (size_t begin = 0; begin < rows.size(); begin += 3) {
    auto sink = OpenSink(rotate_bytes);
    ASSERT_TRUE(sink->Write({rows.begin() + begin, rows.begin() + begin + 3}).ok());
  }

  // Each rotated file is named after the seq on its first line, and the
  // files in name order hold every row once, in order.
  StatusOr<std::vector<std::pair<int64_t, std::string>>> rotated = ListRotatedJsonl(path_);
  ASSERT_TRUE(rotated.ok());
  EXPECT_GE(rotated->size(), 4u);
  std::string all;
  for (const auto& [seq, name] : *rotated) {
    std::string content = ReadFile(name);
    EXPECT_LE(static_cast<int64_t>(content.size()), rotate_bytes) << name;
    StatusOr<Row> first = RowFromJsonLine(Lines(content).at(0));
    ASSERT_TRUE(first.ok());
    EXPECT_EQ(first->seq, seq) << name;
    all += content;
  }
  EXPECT_EQ(all + ReadFile(path_), Joined(rows));
}

TEST_F(JsonlSinkTest, ALineLargerThanTheLimitGetsAFileOfItsOwn) {
  std::vector<Row> rows = MakeChain(1, 3);
  auto sink = OpenSink(10);
  ASSERT_TRUE(sink->Write(rows).ok());
  EXPECT_EQ(ReadFile(RotatedJsonlName(path_, 1)), Joined({rows[0]}));
  EXPECT_EQ(ReadFile(RotatedJsonlName(path_, 2)), Joined({rows[1]}));
  EXPECT_EQ(ReadFile(path_), Joined({rows[2]}));
}

TEST_F(JsonlSinkTest, LastSeqComesFromTheNewestRotatedFileWhenCurrentIsMissing) {
  std::vector<Row> rows = MakeChain(1, 6);
  {
    auto sink = OpenSink();
    ASSERT_TRUE(sink->Write(rows).ok());
  }
  // A crash between renaming the full file and creating the next one.
  std::filesystem::rename(path_, RotatedJsonlName(path_, 1));
  auto sink = OpenSink();
  EXPECT_EQ(*sink->LastSeq(), 6);
  std::vector<Row> more = MakeChain(7, 2, rows.back().row_hash);
  ASSERT_TRUE(sink->Write(more).ok());
  EXPECT_EQ(ReadFile(path_), Joined(more));
}

TEST_F(JsonlSinkTest, TornLastLineIsTruncatedOnOpen) {
  std::vector<Row> rows = MakeChain(1, 4);
  {
    auto sink = OpenSink();
    ASSERT_TRUE(sink->Write({rows.begin(), rows.begin() + 3}).ok());
  }
  std::string torn = RowToJsonLine(rows[3]).substr(0, 57);
  fixtures::AppendFile(path_, torn);

  auto sink = OpenSink();
  EXPECT_EQ(sink->recovery_note(), "truncated a partial last line of 57 bytes from " + path_ +
                                       " (a write cut short by a crash)");
  EXPECT_EQ(*sink->LastSeq(), 3);
  ASSERT_TRUE(sink->Write({rows[3]}).ok());
  EXPECT_EQ(ReadFile(path_), Joined(rows));
}

TEST_F(JsonlSinkTest, TornOnlyLineLeavesAnEmptyFile) {
  std::filesystem::create_directories(dir_.File("log"));
  fixtures::WriteFile(path_, "{\"app\":\"x");
  auto sink = OpenSink();
  EXPECT_NE(sink->recovery_note(), "");
  EXPECT_EQ(*sink->LastSeq(), 0);
  EXPECT_EQ(ReadFile(path_), "");
}

TEST_F(JsonlSinkTest, ALastLineThatIsNotARowIsRefused) {
  std::filesystem::create_directories(dir_.File("log"));
  fixtures::WriteFile(path_, RowToJsonLine(MakeChain(1, 1)[0]) + "\ngarbage\n");
  StatusOr<std::unique_ptr<JsonlSink>> sink = JsonlSink::Open(path_, 0);
  ASSERT_FALSE(sink.ok());
  EXPECT_EQ(sink.status().code(), Status::Code::kCorruption);
  EXPECT_NE(sink.status().message().find(path_ + " last line: row: not JSON"), std::string::npos)
      << sink.status().message();
}

TEST_F(JsonlSinkTest, NeverOverwritesARotatedFile) {
  std::vector<Row> rows = MakeChain(1, 3);
  auto sink = OpenSink(10);
  ASSERT_TRUE(sink->Write({rows[0]}).ok());
  fixtures::WriteFile(RotatedJsonlName(path_, 1), "shipped already\n");

  Status s = sink->Write(rows);
  EXPECT_EQ(s.code(), Status::Code::kAlreadyExists);
  EXPECT_EQ(ReadFile(RotatedJsonlName(path_, 1)), "shipped already\n");
  // Sticky: the sink does not carry on past a failure it cannot explain.
  EXPECT_EQ(sink->Write(rows).code(), Status::Code::kAlreadyExists);
  EXPECT_EQ(ReadFile(path_), Joined({rows[0]}));
}

// A write cut short (here by RLIMIT_FSIZE, as a full disk would) is rolled
// back to the last whole line, and the next batch goes on from there.
TEST_F(JsonlSinkTest, ShortWriteIsRolledBack) {
  std::vector<Row> rows = MakeChain(1, 6);
  auto sink = OpenSink();
  ASSERT_TRUE(sink->Write({rows[0], rows[1]}).ok());
  std::string before = ReadFile(path_);

  struct sigaction ignore = {}, saved = {};
  ignore.sa_handler = SIG_IGN;
  sigaction(SIGXFSZ, &ignore, &saved);
  struct rlimit limit = {}, saved_limit = {};
  getrlimit(RLIMIT_FSIZE, &saved_limit);
  limit.rlim_cur = before.size() + 100;
  limit.rlim_max = saved_limit.rlim_max;
  setrlimit(RLIMIT_FSIZE, &limit);
  Status s = sink->Write({rows[2], rows[3]});
  setrlimit(RLIMIT_FSIZE, &saved_limit);
  sigaction(SIGXFSZ, &saved, nullptr);

  EXPECT_EQ(s.code(), Status::Code::kIoError);
  EXPECT_NE(s.message().find("(EFBIG)"), std::string::npos) << s.message();
  EXPECT_EQ(ReadFile(path_), before);
  EXPECT_EQ(*sink->LastSeq(), 2);
  ASSERT_TRUE(sink->Write({rows.begin() + 2, rows.end()}).ok());
  EXPECT_EQ(ReadFile(path_), Joined(rows));
}

}  // namespace
}  // namespace orauditd
