#include "common/spool_files.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/support/temp_dir.h"

namespace orauditd {
namespace {

TEST(SpoolFilesTest, OnlyFinishedJsonLinesNamesCount) {
  EXPECT_TRUE(IsSpoolFileName("calls.jsonl"));
  EXPECT_TRUE(IsSpoolFileName("2026-12-04T15.ndjson"));
  EXPECT_FALSE(IsSpoolFileName(".calls.jsonl")) << "hidden: still being written";
  EXPECT_FALSE(IsSpoolFileName("calls.jsonl.tmp"));
  EXPECT_FALSE(IsSpoolFileName("calls.json"));
  EXPECT_FALSE(IsSpoolFileName(".jsonl"));
  EXPECT_FALSE(IsSpoolFileName("jsonl"));
  EXPECT_FALSE(IsSpoolFileName(""));
}

TEST(SpoolFilesTest, TemporaryNamesAreHiddenOrEndInTmp) {
  EXPECT_TRUE(IsTemporarySpoolName(".calls.jsonl"));
  EXPECT_TRUE(IsTemporarySpoolName("calls.jsonl.tmp"));
  EXPECT_TRUE(IsTemporarySpoolName("."));
  EXPECT_TRUE(IsTemporarySpoolName(".."));
  EXPECT_FALSE(IsTemporarySpoolName("calls.json"));
  EXPECT_FALSE(IsTemporarySpoolName("calls.jsonl"));
}

TEST(SpoolFilesTest, LineRefAndDedupKeyAgree) {
  EXPECT_EQ(SpoolLineRef("calls.jsonl", 42), "calls.jsonl:42");
  EXPECT_EQ(SpoolDedupKey("calls.jsonl", 42), "spool:calls.jsonl:42");
}

TEST(SpoolFilesTest, FoldersGiveTheirSpoolFilesInNameOrder) {
  testing::TempDir dir;
  std::filesystem::create_directories(dir.File("in/sub"));
  for (const char* name : {"b.jsonl", "a.ndjson", ".c.jsonl", "d.tmp", "e.txt", "sub/f.jsonl"}) {
    std::ofstream(dir.File(std::string("in/") + name)) << "{}\n";
  }
  std::ofstream(dir.File("single.txt")) << "{}\n";

  auto files = ListSpoolFiles({dir.File("in"), dir.File("single.txt")});
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  ASSERT_EQ(files->size(), 3u);
  EXPECT_EQ((*files)[0].name, "a.ndjson");
  EXPECT_EQ((*files)[1].name, "b.jsonl");
  EXPECT_EQ((*files)[2].name, "single.txt") << "a file named on its own is read whatever its name";
  EXPECT_EQ((*files)[2].size, 3u);

  EXPECT_FALSE(ListSpoolFiles({dir.File("absent")}).ok());
}

}  // namespace
}  // namespace orauditd
