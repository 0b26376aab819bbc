// orauditctl verify, called as main() would call it.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "storage/jsonl_sink.h"
#include "storage/row_json.h"
#include "storage/sqlite_sink.h"
#include "tests/storage/jsonl_test_util.h"
#include "tests/storage/row_fixtures.h"
#include "tests/storage/sqlite_test_util.h"
#include "tools/commands.h"

namespace orauditd::tools {
namespace {

struct Output {
  int code;
  std::string out;
  std::string err;
};

Output Verify(const Args& args) {
  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  int code = RunVerify(args);
  std::string out = ::testing::internal::GetCapturedStdout();
  return {code, out, ::testing::internal::GetCapturedStderr()};
}

class VerifyCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    rows_ = fixtures::MakeChain(1, 3);
    auto db = SqliteSink::Open(db_);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->Write(rows_).ok());
    auto jsonl = JsonlSink::Open(jsonl_, 10);  // one row per file
    ASSERT_TRUE(jsonl.ok());
    ASSERT_TRUE((*jsonl)->Write(rows_).ok());
  }

  fixtures::TempDir dir_;
  std::string db_ = dir_.File("audit.db");
  std::string jsonl_ = dir_.File("audit.jsonl");
  std::vector<Row> rows_;
};

TEST_F(VerifyCommandTest, IntactDatabase) {
  Output run = Verify({"--db", db_});
  EXPECT_EQ(run.code, 0);
  EXPECT_EQ(run.out, "ok: 3 rows, chain intact\nlast: seq 3, row_hash " + rows_[2].row_hash + "\n");
}

TEST_F(VerifyCommandTest, IntactJsonlFilesInAnyOrder) {
  Output run = Verify({"--jsonl", jsonl_, jsonl_ + ".000000000002", jsonl_ + ".000000000001"});
  EXPECT_EQ(run.code, 0) << run.out << run.err;
  EXPECT_EQ(run.out.substr(0, run.out.find('\n')), "ok: 3 rows, chain intact");
}

TEST_F(VerifyCommandTest, AFolderStandsForItsChainsFiles) {
  std::ofstream(dir_.File("notes.txt")) << "not a row\n";  // left out, as audit.db is
  Output run = Verify({"--jsonl", dir_.path()});
  EXPECT_EQ(run.code, 0) << run.out << run.err;
  EXPECT_EQ(run.out.substr(0, run.out.find('\n')), "ok: 3 rows, chain intact");

  // With the current file gone, the rotated ones are still found.
  ASSERT_EQ(std::remove(jsonl_.c_str()), 0);
  run = Verify({"--jsonl", dir_.path()});
  EXPECT_EQ(run.code, 0) << run.out << run.err;
  EXPECT_EQ(run.out.substr(0, run.out.find('\n')), "ok: 2 rows, chain intact");

  // A missing rotated file is a gap, as when the files are named.
  ASSERT_EQ(std::remove((jsonl_ + ".000000000002").c_str()), 0);
  std::ofstream(jsonl_ + ".000000000003") << RowToJsonLine(rows_[2]) << "\n";
  run = Verify({"--jsonl", dir_.path()});
  EXPECT_EQ(run.code, 1) << run.out << run.err;
  EXPECT_NE(run.out.find("FAILED at seq 3"), std::string::npos) << run.out;
}

TEST_F(VerifyCommandTest, AFolderWithNoChainOrTwoChainsIsAnError) {
  fixtures::TempDir empty;
  std::ofstream(empty.File("notes.txt")) << "x\n";
  Output run = Verify({"--jsonl", empty.path()});
  EXPECT_EQ(run.code, 1);
  EXPECT_NE(run.err.find("no *.jsonl file"), std::string::npos) << run.err;

  std::ofstream(dir_.File("other.jsonl")) << RowToJsonLine(rows_[0]) << "\n";
  run = Verify({"--jsonl", dir_.path()});
  EXPECT_EQ(run.code, 1);
  EXPECT_NE(run.err.find("more than one chain here (audit.jsonl, other.jsonl)"), std::string::npos)
      << run.err;
}

TEST_F(VerifyCommandTest, EditedDatabaseFailsNamingTheRow) {
  {
    fixtures::RawDb db(db_);
    db.Exec("DROP TRIGGER audit_log_no_update; UPDATE audit_log SET user_id = 'x' WHERE seq = 2");
  }
  Output run = Verify({"--db=" + db_});
  EXPECT_EQ(run.code, 1);
  EXPECT_EQ(run.out,
            "FAILED at seq 2 (request_id r-2): row_hash does not match its contents (the row was "
            "edited)\n1 row before it holds (seq 1..1)\n");
}

TEST_F(VerifyCommandTest, DeletedJsonlFileFails) {
  Output run = Verify({"--jsonl", jsonl_, jsonl_ + ".000000000001"});
  EXPECT_EQ(run.code, 1);
  EXPECT_NE(run.out.find("FAILED at seq 3 (request_id r-3) at " + jsonl_ +
                         " line 1: expected seq 2 after seq 1"),
            std::string::npos)
      << run.out;
}

TEST_F(VerifyCommandTest, UnreadableInputExitsOne) {
  Output run = Verify({"--db", dir_.File("missing.db")});
  EXPECT_EQ(run.code, 1);
  EXPECT_NE(run.err.find("missing.db"), std::string::npos);
}

TEST_F(VerifyCommandTest, UsageErrorsExitTwo) {
  for (const Args& args : std::vector<Args>{{},
                                            {"--db"},
                                            {"--jsonl"},
                                            {"--db", db_, "--jsonl", jsonl_},
                                            {"--db", db_, "extra"},
                                            {"--what"}}) {
    Output run = Verify(args);
    EXPECT_EQ(run.code, 2) << ::testing::PrintToString(args);
    EXPECT_NE(run.err.find("usage: orauditctl verify"), std::string::npos);
  }
  EXPECT_EQ(Verify({"--help"}).code, 0);
}

}  // namespace
}  // namespace orauditd::tools
