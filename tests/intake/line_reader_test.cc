#include "intake/line_reader.h"

#include <gtest/gtest.h>

#include <fstream>
#include <vector>

#include "tests/support/temp_dir.h"

namespace orauditd {
namespace {

struct Read {
  int64_t number;
  std::string text;
  bool over_long;
  uint64_t offset;
  uint64_t length;
};

class LineReaderTest : public ::testing::Test {
 protected:
  std::unique_ptr<LineReader> Open(const std::string& text, size_t max_line_bytes = 1 << 20) {
    std::string path = dir_.File("lines.jsonl");
    std::ofstream(path, std::ios::binary) << text;
    auto reader = LineReader::Open(path, max_line_bytes);
    EXPECT_TRUE(reader.ok()) << reader.status().ToString();
    return std::move(*reader);
  }

  std::vector<Read> ReadAll(LineReader* reader) {
    std::vector<Read> lines;
    Line line;
    while (true) {
      auto more = reader->Next(&line);
      EXPECT_TRUE(more.ok()) << more.status().ToString();
      if (!more.ok() || !*more) break;
      lines.push_back(
          {line.number, std::string(line.text), line.over_long, line.offset, line.length});
    }
    return lines;
  }

  testing::TempDir dir_;
};

TEST_F(LineReaderTest, LineEndsByteOrderMarkAndMissingFinalNewline) {
  auto reader = Open("\xEF\xBB\xBF{\"a\":1}\r\n\r\n{\"b\":2}\n{\"c\":3}");
  auto lines = ReadAll(reader.get());
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0].text, "{\"a\":1}");
  EXPECT_EQ(lines[0].offset, 3u) << "the byte order mark is not part of line 1";
  EXPECT_EQ(lines[1].text, "");
  EXPECT_EQ(lines[1].number, 2);
  EXPECT_EQ(lines[2].text, "{\"b\":2}");
  EXPECT_EQ(lines[3].text, "{\"c\":3}");
  EXPECT_EQ(lines[3].number, 4);
  EXPECT_EQ(reader->bytes_read(), 29u);
}

TEST_F(LineReaderTest, EmptyFileHasNoLines) {
  auto reader = Open("");
  EXPECT_TRUE(ReadAll(reader.get()).empty());
}

TEST_F(LineReaderTest, OverLongLinesAreSkippedButLocated) {
  std::string huge(300000, 'x');  // several read blocks
  auto reader = Open("short\n" + huge + "\r\nafter\n" + huge, 1000);
  auto lines = ReadAll(reader.get());
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0].text, "short");
  EXPECT_TRUE(lines[1].over_long);
  EXPECT_EQ(lines[1].text, "");
  EXPECT_EQ(lines[1].offset, 6u);
  EXPECT_EQ(lines[1].length, huge.size()) << "without the \\r\\n";
  EXPECT_EQ(lines[2].text, "after");
  EXPECT_EQ(lines[2].number, 3);
  EXPECT_TRUE(lines[3].over_long);
  EXPECT_EQ(lines[3].length, huge.size());

  std::string copy;
  Status copied = reader->ReadRange(lines[1].offset, lines[1].length, [&](std::string_view piece) {
    copy.append(piece);
    return Status::Ok();
  });
  ASSERT_TRUE(copied.ok()) << copied.ToString();
  EXPECT_EQ(copy, huge);
}

TEST_F(LineReaderTest, LineJustOverTheLimitIsOverLong) {
  auto reader = Open("12345\n123456\n", 5);
  auto lines = ReadAll(reader.get());
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_FALSE(lines[0].over_long);
  EXPECT_TRUE(lines[1].over_long);
  EXPECT_EQ(lines[1].length, 6u);
}

TEST_F(LineReaderTest, SeekReadsFromASavedPositionAgain) {
  auto reader = Open("one\ntwo\nthree\n");
  Line line;
  ASSERT_TRUE(*reader->Next(&line));
  LineReader::Position saved = reader->position();
  EXPECT_EQ(saved.offset, 4u);
  EXPECT_EQ(saved.next_line, 2);
  ASSERT_TRUE(*reader->Next(&line));
  ASSERT_TRUE(*reader->Next(&line));
  ASSERT_TRUE(reader->Seek(saved).ok());
  auto rest = ReadAll(reader.get());
  ASSERT_EQ(rest.size(), 2u);
  EXPECT_EQ(rest[0].text, "two");
  EXPECT_EQ(rest[0].number, 2);
}

TEST_F(LineReaderTest, MissingFileIsNamed) {
  auto reader = LineReader::Open(dir_.File("absent.jsonl"), 100);
  ASSERT_FALSE(reader.ok());
  EXPECT_NE(reader.status().message().find("absent.jsonl"), std::string::npos);
}

}  // namespace
}  // namespace orauditd
