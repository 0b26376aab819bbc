#include "daemon/config_paths.h"

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "tests/support/temp_dir.h"

namespace orauditd {
namespace {

bool HasNote(const std::vector<std::string>& notes, const std::string& text) {
  for (const std::string& note : notes) {
    if (note == text) return true;
  }
  return false;
}

class ConfigPathsTest : public ::testing::Test {
 protected:
  // Every path in the temp folder, and every folder there already.
  Config AllThere() {
    Config config;
    config.data_dir = dir_.path();
    config.socket_path = dir_.File("intake.sock");
    config.spool_dir = dir_.path();
    config.sqlite_path = dir_.File("audit.db");
    config.jsonl_path = dir_.File("audit.jsonl");
    return config;
  }

  testing::TempDir dir_;
};

TEST_F(ConfigPathsTest, FoldersThatAreThereGiveNoNote) {
  EXPECT_TRUE(ConfigPathNotes(AllThere()).empty());
}

TEST_F(ConfigPathsTest, AMissingFolderIsNamedSinceTheDaemonWouldCreateIt) {
  Config config = AllThere();
  config.sqlite_path = dir_.File("typo/audit.db");
  std::vector<std::string> notes = ConfigPathNotes(config);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0], "sinks.sqlite.path: " + dir_.File("typo") +
                          " does not exist yet; the daemon will create it");
}

TEST_F(ConfigPathsTest, AFileWhereAFolderShouldBeIsNamed) {
  std::ofstream(dir_.File("plain")) << "x";
  Config config = AllThere();
  config.data_dir = dir_.File("plain/queue");
  EXPECT_TRUE(HasNote(ConfigPathNotes(config), "data_dir: " + dir_.File("plain") +
                                                   " is not a folder"));
}

TEST_F(ConfigPathsTest, SinksThatAreOffAreNotLookedAt) {
  Config config = AllThere();
  config.sqlite_path.clear();
  config.jsonl_path.clear();
  EXPECT_TRUE(ConfigPathNotes(config).empty());
}

}  // namespace
}  // namespace orauditd
