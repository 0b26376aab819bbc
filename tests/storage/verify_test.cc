#include "storage/verify.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>

#include "storage/jsonl_files.h"
#include "storage/jsonl_sink.h"
#include "storage/row_json.h"
#include "storage/sqlite_sink.h"
#include "tests/storage/jsonl_test_util.h"
#include "tests/storage/row_fixtures.h"
#include "tests/storage/sqlite_test_util.h"

namespace orauditd {
namespace {

using fixtures::Lines;
using fixtures::MakeChain;
using fixtures::RawDb;
using fixtures::ReadFile;
using fixtures::WriteFile;

bool StartsWith(const std::string& text, const std::string& prefix) {
  return text.rfind(prefix, 0) == 0;
}

class VerifyDatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto sink = SqliteSink::Open(path_);
    ASSERT_TRUE(sink.ok()) << sink.status().ToString();
    rows_ = MakeChain(1, 30);
    ASSERT_TRUE((*sink)->Write(rows_).ok());
  }

  // As an attacker with write access would: triggers first.
  void Tamper(const std::string& sql) {
    RawDb db(path_);
    ASSERT_EQ(db.Exec("DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete; "
                      "DROP TRIGGER audit_log_no_replace; " +
                      sql),
              "");
  }

  VerifyResult Verify() {
    StatusOr<VerifyResult> result = VerifyDatabase(path_);
    EXPECT_TRUE(result.ok()) << result.status().ToString();
    return result.ok() ? *result : VerifyResult();
  }

  fixtures::TempDir dir_;
  std::string path_ = dir_.File("audit.db");
  std::vector<Row> rows_;
};

TEST_F(VerifyDatabaseTest, IntactChainPasses) {
  VerifyResult result = Verify();
  EXPECT_TRUE(result.ok) << result.first_bad;
  EXPECT_EQ(result.rows, 30);
  EXPECT_EQ(result.first_seq, 1);
  EXPECT_EQ(result.last_seq, 30);
  EXPECT_EQ(result.last_hash, rows_.back().row_hash);
  EXPECT_TRUE(result.notes.empty());
}

TEST_F(VerifyDatabaseTest, EditedRowIsNamed) {
  Tamper("UPDATE audit_log SET total_cost = total_cost / 2 WHERE seq = 17");
  VerifyResult result = Verify();
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.first_bad,
            "seq 17 (request_id r-17): row_hash does not match its contents (the row was edited)");
  EXPECT_EQ(result.rows, 16);
}

TEST_F(VerifyDatabaseTest, EditedRowWithRecomputedOwnHashBreaksTheNextLink) {
  Row forged = rows_[16];
  forged.total_cost = 0.0;
  std::string hash = ComputeRowHash(forged.prev_hash, forged);
  Tamper("UPDATE audit_log SET total_cost = 0, row_hash = '" + hash + "' WHERE seq = 17");
  VerifyResult result = Verify();
  EXPECT_TRUE(StartsWith(result.first_bad,
                         "seq 18 (request_id r-18): prev_hash does not match the row_hash of "
                         "seq 17"))
      << result.first_bad;
}

TEST_F(VerifyDatabaseTest, DeletedRowIsNamed) {
  Tamper("DELETE FROM audit_log WHERE seq = 17");
  VerifyResult result = Verify();
  EXPECT_EQ(result.first_bad,
            "seq 18 (request_id r-18): expected seq 17 after seq 16 (rows missing or out of "
            "order)");
}

TEST_F(VerifyDatabaseTest, RenumberedRowsAfterADeleteAreCaught) {
  Tamper(
      "DELETE FROM audit_log WHERE seq = 17; "
      "UPDATE audit_log SET seq = seq - 1 WHERE seq > 17");
  VerifyResult result = Verify();
  EXPECT_TRUE(StartsWith(result.first_bad, "seq 17 (request_id r-18): prev_hash does not match"))
      << result.first_bad;
}

TEST_F(VerifyDatabaseTest, InsertedRowIsNamed) {
  Row fake = fixtures::MakeRow(31, "r-fake");
  fake.prev_hash = std::string(64, '1');
  fake.row_hash = ComputeRowHash(fake.prev_hash, fake);
  Tamper(
      "INSERT INTO audit_log (seq, timestamp, request_id, status, meta_status, attempts, "
      "key, source, prev_hash, row_hash) SELECT 31, timestamp, 'r-fake', status, "
      "meta_status, attempts, key, source, '" +
      fake.prev_hash + "', '" + fake.row_hash + "' FROM audit_log WHERE seq = 30");
  VerifyResult result = Verify();
  EXPECT_TRUE(StartsWith(result.first_bad, "seq 31 (request_id r-fake): prev_hash does not"))
      << result.first_bad;
}

TEST_F(VerifyDatabaseTest, SwappedRowsAreNamed) {
  Tamper(
      "UPDATE audit_log SET seq = -seq WHERE seq IN (11, 12);"
      "UPDATE audit_log SET seq = 12 WHERE seq = -11;"
      "UPDATE audit_log SET seq = 11 WHERE seq = -12");
  VerifyResult result = Verify();
  EXPECT_TRUE(StartsWith(result.first_bad, "seq 11 (request_id r-12): ")) << result.first_bad;
}

TEST_F(VerifyDatabaseTest, ValueOfTheWrongTypeIsNamed) {
  Tamper("UPDATE audit_log SET streamed = 2 WHERE seq = 5");
  EXPECT_EQ(Verify().first_bad, "seq 5 (request_id r-5): column streamed: expected 0 or 1");
}

TEST_F(VerifyDatabaseTest, TimestampRespeltIsNamed) {
  Tamper("UPDATE audit_log SET timestamp = replace(timestamp, ' ', 'T') WHERE seq = 9");
  EXPECT_TRUE(StartsWith(Verify().first_bad, "seq 9 (request_id r-9): column timestamp"));
}

TEST_F(VerifyDatabaseTest, ImpossibleDateIsNamed) {
  Tamper("UPDATE audit_log SET timestamp = '2026-02-30 00:00:00.000' WHERE seq = 9");
  EXPECT_EQ(Verify().first_bad,
            "seq 9 (request_id r-9): column timestamp: expected UTC text YYYY-MM-DD HH:MM:SS.SSS");
}

TEST_F(VerifyDatabaseTest, MissingFirstRowsAreNoted) {
  Tamper("DELETE FROM audit_log WHERE seq <= 3");
  VerifyResult result = Verify();
  EXPECT_TRUE(result.ok);
  ASSERT_EQ(result.notes.size(), 1u);
  EXPECT_TRUE(StartsWith(result.notes[0], "the chain starts at seq 4, not 1"));
}

TEST_F(VerifyDatabaseTest, ForgedGenesisIsNamed) {
  Tamper("UPDATE audit_log SET prev_hash = '" + std::string(64, '1') + "' WHERE seq = 1");
  EXPECT_TRUE(StartsWith(Verify().first_bad, "seq 1 (request_id r-1): prev_hash of seq 1 is not"));
}

TEST(VerifyDatabaseErrorsTest, MissingFileOrTable) {
  fixtures::TempDir dir;
  EXPECT_FALSE(VerifyDatabase(dir.File("none.db")).ok());
  {
    RawDb db(dir.File("other.db"));
    db.Exec("CREATE TABLE t (x)");
  }
  StatusOr<VerifyResult> result = VerifyDatabase(dir.File("other.db"));
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("no audit_log table"), std::string::npos);
}

class VerifyJsonlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    rows_ = MakeChain(1, 30);
    int64_t rotate_bytes = static_cast<int64_t>(RowToJsonLine(rows_[0]).size() + 1) * 10 + 20;
    auto sink = JsonlSink::Open(path_, rotate_bytes);
    ASSERT_TRUE(sink.ok()) << sink.status().ToString();
    ASSERT_TRUE((*sink)->Write(rows_).ok());
  }

  // Every file of the sink, newest first, so that ordering is tested too.
  std::vector<std::string> Files() {
    std::vector<std::string> files = {path_};
    auto rotated = ListRotatedJsonl(path_);
    EXPECT_TRUE(rotated.ok());
    for (const auto& [seq, name] : *rotated) files.push_back(name);
    std::reverse(files.begin() + 1, files.end());
    return files;
  }

  // The file that holds `seq`, and the line's index in it.
  std::pair<std::string, size_t> Locate(int64_t seq) {
    for (const std::string& file : Files()) {
      std::vector<std::string> lines = Lines(ReadFile(file));
      for (size_t i = 0; i < lines.size(); ++i) {
        if (RowFromJsonLine(lines[i])->seq == seq) return {file, i};
      }
    }
    ADD_FAILURE() << "no seq " << seq;
    return {};
  }

  // Applies `edit` to the lines of the file that holds `seq`; `index` is
  // that row's line.
  void EditFileOf(int64_t seq,
                  const std::function<void(std::vector<std::string>* lines, size_t index)>& edit) {
    auto [file, index] = Locate(seq);
    std::vector<std::string> lines = Lines(ReadFile(file));
    edit(&lines, index);
    std::string content;
    for (const std::string& line : lines) content += line + "\n";
    WriteFile(file, content);
  }

  std::string Where(int64_t seq) {
    auto [file, index] = Locate(seq);
    return file + " line " + std::to_string(index + 1);
  }

  VerifyResult Verify(std::vector<std::string> files = {}) {
    StatusOr<VerifyResult> result = VerifyJsonl(files.empty() ? Files() : files);
    EXPECT_TRUE(result.ok()) << result.status().ToString();
    return result.ok() ? *result : VerifyResult();
  }

  fixtures::TempDir dir_;
  std::string path_ = dir_.File("audit.jsonl");
  std::vector<Row> rows_;
};

TEST_F(VerifyJsonlTest, IntactRotatedChainPassesInAnyOrder) {
  ASSERT_GE(Files().size(), 3u);
  VerifyResult result = Verify();
  EXPECT_TRUE(result.ok) << result.first_bad;
  EXPECT_EQ(result.rows, 30);
  EXPECT_EQ(result.last_hash, rows_.back().row_hash);
}

TEST_F(VerifyJsonlTest, EditedLineIsNamed) {
  std::string where = Where(17);
  EditFileOf(17, [](std::vector<std::string>* lines, size_t i) {
    std::string& line = (*lines)[i];
    line.replace(line.find("\"attempts\":1"), 12, "\"attempts\":2");
  });
  VerifyResult result = Verify();
  EXPECT_TRUE(StartsWith(result.first_bad, "seq 17 (request_id r-17) at " + where +
                                               ": row_hash does not match its contents"))
      << result.first_bad;
}

TEST_F(VerifyJsonlTest, DeletedLineIsNamed) {
  EditFileOf(17,
             [](std::vector<std::string>* lines, size_t i) { lines->erase(lines->begin() + i); });
  EXPECT_TRUE(StartsWith(Verify().first_bad, "seq 18 (request_id r-18) at "));
  EXPECT_NE(Verify().first_bad.find("expected seq 17 after seq 16"), std::string::npos);
}

TEST_F(VerifyJsonlTest, InsertedLineIsNamed) {
  // Seq 16 again, right after itself (both in one file, or at a file's start).
  EditFileOf(17, [this](std::vector<std::string>* lines, size_t i) {
    lines->insert(lines->begin() + i, RowToJsonLine(rows_[15]));
  });
  VerifyResult result = Verify();
  EXPECT_TRUE(StartsWith(result.first_bad, "seq 16 (request_id r-16) at ")) << result.first_bad;
  EXPECT_NE(result.first_bad.find("expected seq 17 after seq 16 (rows repeated or out of order)"),
            std::string::npos);
}

TEST_F(VerifyJsonlTest, ForgedInsertedRowIsNamed) {
  Row fake = fixtures::MakeRow(17, "r-fake");
  HashChain(rows_[15].row_hash).Seal(&fake);
  EditFileOf(17, [&](std::vector<std::string>* lines, size_t i) {
    lines->insert(lines->begin() + i, RowToJsonLine(fake));
  });
  VerifyResult result = Verify();
  EXPECT_TRUE(StartsWith(result.first_bad, "seq 17 (request_id r-17) at ")) << result.first_bad;
}

TEST_F(VerifyJsonlTest, ReorderedLinesAreNamed) {
  ASSERT_EQ(Locate(17).first, Locate(18).first);
  EditFileOf(17, [](std::vector<std::string>* lines, size_t i) {
    std::swap((*lines)[i], (*lines)[i + 1]);
  });
  VerifyResult result = Verify();
  EXPECT_TRUE(StartsWith(result.first_bad, "seq 18 (request_id r-18) at ")) << result.first_bad;
}

TEST_F(VerifyJsonlTest, ReformattedLineIsNamed) {
  EditFileOf(5, [](std::vector<std::string>* lines, size_t i) {
    std::string& line = (*lines)[i];
    line.replace(line.find("\"attempts\":1"), 12, "\"attempts\": 1");
  });
  VerifyResult result = Verify();
  EXPECT_TRUE(StartsWith(result.first_bad, "seq 5 (request_id r-5) at ")) << result.first_bad;
  EXPECT_NE(result.first_bad.find("line is not the canonical form of its row"), std::string::npos);
}

TEST_F(VerifyJsonlTest, AddedMemberIsNamed) {
  EditFileOf(5, [](std::vector<std::string>* lines, size_t i) {
    (*lines)[i].insert(1, "\"approved\":true,");
  });
  EXPECT_NE(Verify().first_bad.find("line is not the canonical form"), std::string::npos);
}

TEST_F(VerifyJsonlTest, MissingMiddleFileIsNamed) {
  std::vector<std::string> files = Files();
  ASSERT_GE(files.size(), 3u);
  std::string missing = files[files.size() - 2];  // the second oldest
  StatusOr<Row> first_missing = RowFromJsonLine(Lines(ReadFile(missing)).at(0));
  files.erase(files.end() - 2);
  VerifyResult result = Verify(files);
  EXPECT_NE(result.first_bad.find("expected seq " + std::to_string(first_missing->seq) +
                                  " after seq " + std::to_string(first_missing->seq - 1)),
            std::string::npos)
      << result.first_bad;
}

TEST_F(VerifyJsonlTest, PrunedOldFilesAreNoted) {
  StatusOr<Row> first = RowFromJsonLine(Lines(ReadFile(path_)).at(0));
  VerifyResult result = Verify({path_});
  EXPECT_TRUE(result.ok);
  EXPECT_EQ(result.rows, 30 - first->seq + 1);
  ASSERT_EQ(result.notes.size(), 1u);
  EXPECT_TRUE(StartsWith(result.notes[0],
                         "the chain starts at seq " + std::to_string(first->seq) + ", not 1"));
}

TEST_F(VerifyJsonlTest, PartialLineAtTheEndOfTheNewestFileIsNoted) {
  fixtures::AppendFile(path_, "{\"app\":");
  VerifyResult result = Verify();
  EXPECT_TRUE(result.ok) << result.first_bad;
  ASSERT_EQ(result.notes.size(), 1u);
  EXPECT_EQ(result.notes[0], path_ +
                                 " ends with a partial line of 7 bytes (a write in progress "
                                 "or cut short); not checked");
}

TEST_F(VerifyJsonlTest, PartialLineInAnOlderFileFails) {
  std::string older = RotatedJsonlName(path_, 1);
  fixtures::AppendFile(older, "{\"app\":");
  EXPECT_EQ(Verify().first_bad, older + " ends with a partial line of 7 bytes");
}

TEST_F(VerifyJsonlTest, LineThatIsNotARowIsNamed) {
  std::string where = Where(25);
  EditFileOf(25, [](std::vector<std::string>* lines, size_t i) { (*lines)[i] = "{\"seq\":25}"; });
  EXPECT_EQ(Verify().first_bad, where + ": not a row: row: missing timestamp");
}

TEST(VerifyJsonlErrorsTest, MissingFileIsAnError) {
  fixtures::TempDir dir;
  EXPECT_FALSE(VerifyJsonl({dir.File("none.jsonl")}).ok());
  EXPECT_FALSE(VerifyJsonl({}).ok());
}

}  // namespace
}  // namespace orauditd
