#include "storage/sqlite_sink.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <ctime>

#include "storage/row_json.h"
#include "storage/sqlite_row_codec.h"
#include "storage/sqlite_schema.h"
#include "tests/storage/row_fixtures.h"
#include "tests/storage/sqlite_test_util.h"

namespace orauditd {
namespace {

using fixtures::MakeChain;
using fixtures::RawDb;

class SqliteSinkTest : public ::testing::Test {
 protected:
  std::unique_ptr<SqliteSink> OpenSink() {
    StatusOr<std::unique_ptr<SqliteSink>> sink = SqliteSink::Open(path_);
    EXPECT_TRUE(sink.ok()) << sink.status().ToString();
    return sink.ok() ? std::move(*sink) : nullptr;
  }

  // Inserts rows with the sink's own column order, bypassing the sink.
  void InsertByHand(RawDb* db, const std::vector<Row>& rows) {
    std::string sql = std::string("INSERT INTO audit_log (") + kAuditLogColumns + ") VALUES (";
    for (int i = 1; i <= kAuditLogColumnCount; ++i) sql += i > 1 ? ",?" : "?";
    sql += ")";
    sqlite3_stmt* stmt = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db->get(), sql.c_str(), -1, &stmt, nullptr), SQLITE_OK);
    for (const Row& row : rows) {
      ASSERT_TRUE(BindRow(stmt, row).ok());
      ASSERT_EQ(sqlite3_step(stmt), SQLITE_DONE) << sqlite3_errmsg(db->get());
      sqlite3_reset(stmt);
    }
    sqlite3_finalize(stmt);
  }

  fixtures::TempDir dir_;
  std::string path_ = dir_.File("audit.db");
};

// An audit log is for the daemon and its group, like the JSON lines files:
// a new database and its WAL are not readable by others.
TEST_F(SqliteSinkTest, NewDatabaseIsNotWorldReadable) {
  mode_t umask_now = umask(022);
  auto sink = OpenSink();
  ASSERT_NE(sink, nullptr);
  ASSERT_TRUE(sink->Write(MakeChain(1, 3)).ok());
  umask(umask_now);
  for (const std::string& file : {path_, path_ + "-wal"}) {
    struct stat st;
    ASSERT_EQ(stat(file.c_str(), &st), 0) << file;
    EXPECT_EQ(st.st_mode & 0777, 0640u) << file;
  }
}

TEST_F(SqliteSinkTest, TableHasEveryContractColumn) {
  auto sink = OpenSink();
  RawDb db(path_);
  std::string columns;
  for (const std::string& row : db.Rows("SELECT name FROM pragma_table_info('audit_log')")) {
    columns += (columns.empty() ? "" : ",") + row;
  }
  EXPECT_EQ(columns,
            "seq,timestamp,request_id,generation_id,model_requested,model_used,provider,"
            "prompt_tokens,completion_tokens,native_tokens_prompt,native_tokens_completion,"
            "native_tokens_reasoning,native_tokens_cached,total_cost,client_cost,cache_discount,"
            "upstream_inference_cost,latency_ms,generation_time_ms,provider_latency_ms,"
            "finish_reason,streamed,cancelled,is_byok,status,error_code,meta_status,meta_error,"
            "attempts,user_id,app,key,prompt_hash,peer_uid,peer_pid,source,metadata,"
            "duplicate_of,generation_json,resolved_at,prev_hash,row_hash");
  EXPECT_EQ(db.One("SELECT pk FROM pragma_table_info('audit_log') WHERE name = 'seq'"), "1");
  EXPECT_EQ(db.One("PRAGMA user_version"), std::to_string(kAuditSchemaVersion));
  EXPECT_EQ(db.One("PRAGMA application_id"), std::to_string(kAuditApplicationId));
  EXPECT_EQ(db.One("PRAGMA journal_mode"), "wal");
}

TEST_F(SqliteSinkTest, IndexesAndUniqueKeys) {
  auto sink = OpenSink();
  RawDb db(path_);
  std::vector<std::string> indexed = db.Rows(
      "SELECT ii.name, il.\"unique\" FROM pragma_index_list('audit_log') il, "
      "pragma_index_info(il.name) ii ORDER BY 1");
  EXPECT_EQ(indexed, (std::vector<std::string>{"generation_id|0", "model_used|0", "request_id|1",
                                               "timestamp|0", "user_id|0"}));
}

TEST_F(SqliteSinkTest, StoresRowsAsTheContractSays) {
  auto sink = OpenSink();
  std::vector<Row> rows = {fixtures::GoldenRowA(), fixtures::GoldenRowB()};
  HashChain chain(kGenesisHash);
  for (Row& row : rows) chain.Seal(&row);
  ASSERT_TRUE(sink->Write(rows).ok());

  RawDb db(path_);
  EXPECT_EQ(db.One("SELECT timestamp, resolved_at, typeof(streamed), streamed, cancelled, "
                   "typeof(total_cost), total_cost, upstream_inference_cost, metadata "
                   "FROM audit_log WHERE seq = 1"),
            "2026-12-04 15:10:38.123|2026-12-04 15:10:40.623|integer|1|0|real|8.41005e-05|19.0|" +
                *rows[0].metadata);
  // Unknown is NULL, never a made-up 0.
  EXPECT_EQ(db.One("SELECT total_cost, prompt_tokens, streamed, resolved_at, provider "
                   "FROM audit_log WHERE seq = 2"),
            "NULL|NULL|NULL|NULL|NULL");
}

TEST_F(SqliteSinkTest, ReadsBackWhatItWrote) {
  auto sink = OpenSink();
  std::vector<Row> rows = {fixtures::GoldenRowA(), fixtures::GoldenRowB(), fixtures::GoldenRowC()};
  HashChain chain(kGenesisHash);
  for (Row& row : rows) chain.Seal(&row);
  ASSERT_TRUE(sink->Write(rows).ok());

  RawDb db(path_);
  sqlite3_stmt* stmt = nullptr;
  std::string sql = std::string("SELECT ") + kAuditLogColumns + " FROM audit_log ORDER BY seq";
  ASSERT_EQ(sqlite3_prepare_v2(db.get(), sql.c_str(), -1, &stmt, nullptr), SQLITE_OK);
  for (const Row& expected : rows) {
    ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
    StatusOr<Row> got = ReadRow(stmt);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_EQ(RowToJsonLine(*got), RowToJsonLine(expected));
  }
  sqlite3_finalize(stmt);
}

TEST_F(SqliteSinkTest, TimesReadBackExactly) {
  auto sink = OpenSink();
  const int64_t times[] = {0, 1830297600000 /* 2028-01-01 */, 1835481599999 /* 2028-02-29 end */,
                           253402300799999 /* 9999-12-31T23:59:59.999Z */};
  std::vector<Row> rows;
  HashChain chain(kGenesisHash);
  for (int64_t ms : times) {
    rows.push_back(fixtures::MakeRow(static_cast<int64_t>(rows.size()) + 1));
    rows.back().timestamp_ms = ms;
    rows.back().resolved_at_ms = ms;
    chain.Seal(&rows.back());
  }
  ASSERT_TRUE(sink->Write(rows).ok());

  RawDb db(path_);
  EXPECT_EQ(db.One("SELECT group_concat(timestamp, ',') FROM audit_log"),
            "1970-01-01 00:00:00.000,2028-01-01 00:00:00.000,2028-02-29 23:59:59.999,"
            "9999-12-31 23:59:59.999");
  sqlite3_stmt* stmt = nullptr;
  std::string sql = std::string("SELECT ") + kAuditLogColumns + " FROM audit_log ORDER BY seq";
  ASSERT_EQ(sqlite3_prepare_v2(db.get(), sql.c_str(), -1, &stmt, nullptr), SQLITE_OK);
  for (int64_t ms : times) {
    ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
    StatusOr<Row> got = ReadRow(stmt);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_EQ(got->timestamp_ms, ms);
    EXPECT_EQ(got->resolved_at_ms, ms);
  }
  sqlite3_finalize(stmt);
}

TEST_F(SqliteSinkTest, TriggersRefuseUpdateDeleteAndReplace) {
  auto sink = OpenSink();
  ASSERT_TRUE(sink->Write(MakeChain(1, 3)).ok());
  RawDb db(path_);
  EXPECT_EQ(db.Exec("UPDATE audit_log SET total_cost = 0 WHERE seq = 2"),
            "audit_log is append-only");
  EXPECT_EQ(db.Exec("DELETE FROM audit_log WHERE seq = 2"), "audit_log is append-only");
  EXPECT_EQ(db.Exec("DELETE FROM audit_log"), "audit_log is append-only");
  EXPECT_EQ(db.Exec("INSERT OR REPLACE INTO audit_log (seq, timestamp, request_id, status, "
                    "meta_status, attempts, key, source, prev_hash, row_hash) "
                    "VALUES (2, 'x', 'r-new', 's', 'm', 0, 'k', 's', 'p', 'h')"),
            "audit_log is append-only: seq or request_id already stored");
  EXPECT_EQ(db.One("SELECT count(*), sum(total_cost IS NOT NULL) FROM audit_log"), "3|3");
}

TEST_F(SqliteSinkTest, WriteIsIdempotentBySeq) {
  auto sink = OpenSink();
  std::vector<Row> rows = MakeChain(1, 15);
  std::vector<Row> first(rows.begin(), rows.begin() + 10);
  std::vector<Row> overlap(rows.begin() + 5, rows.end());
  ASSERT_TRUE(sink->Write(first).ok());
  ASSERT_TRUE(sink->Write(first).ok());
  ASSERT_TRUE(sink->Write(overlap).ok());
  EXPECT_EQ(*sink->LastSeq(), 15);
  RawDb db(path_);
  EXPECT_EQ(db.One("SELECT count(*), min(seq), max(seq) FROM audit_log"), "15|1|15");
}

TEST_F(SqliteSinkTest, LastSeqSurvivesReopen) {
  {
    auto sink = OpenSink();
    EXPECT_EQ(*sink->LastSeq(), 0);
    ASSERT_TRUE(sink->Write(MakeChain(1, 7)).ok());
  }
  auto sink = OpenSink();
  EXPECT_EQ(*sink->LastSeq(), 7);
}

TEST_F(SqliteSinkTest, GapIsRefusedAndNothingOfTheBatchIsWritten) {
  auto sink = OpenSink();
  std::vector<Row> rows = MakeChain(1, 6);
  ASSERT_TRUE(sink->Write({rows[0], rows[1], rows[2]}).ok());
  Status s = sink->Write({rows[3], rows[5]});
  EXPECT_EQ(s.code(), Status::Code::kFailedPrecondition);
  EXPECT_NE(s.message().find("row seq 6 does not follow seq 4"), std::string::npos) << s.message();
  EXPECT_EQ(*sink->LastSeq(), 3);
}

TEST_F(SqliteSinkTest, EmptyTableStartsAnywhere) {
  auto sink = OpenSink();
  ASSERT_TRUE(sink->Write(MakeChain(100, 3)).ok());
  EXPECT_EQ(*sink->LastSeq(), 102);
}

TEST_F(SqliteSinkTest, DuplicateRequestIdFailsTheBatchWithContext) {
  auto sink = OpenSink();
  std::vector<Row> rows = MakeChain(1, 3);
  rows[2].request_id = rows[0].request_id;
  Status s = sink->Write(rows);
  ASSERT_FALSE(s.ok());
  // The trigger that stops INSERT OR REPLACE is what refuses it first.
  EXPECT_EQ(s.message(), "sqlite insert into " + path_ +
                             " (seq 3, request_id r-1): audit_log is append-only: seq or "
                             "request_id already stored (SQLITE_CONSTRAINT_TRIGGER)");
  EXPECT_EQ(*sink->LastSeq(), 0);
}

TEST_F(SqliteSinkTest, OpenErrorNamesTheFile) {
  std::string bad = dir_.File("is-a-dir");
  ASSERT_EQ(mkdir(bad.c_str(), 0700), 0);
  StatusOr<std::unique_ptr<SqliteSink>> sink = SqliteSink::Open(bad);
  ASSERT_FALSE(sink.ok());
  EXPECT_EQ(sink.status().message().rfind("sqlite open " + bad + ": ", 0), 0u)
      << sink.status().message();
  EXPECT_NE(sink.status().message().find("(SQLITE_CANTOPEN"), std::string::npos);
}

TEST_F(SqliteSinkTest, CreatesMissingFolders) {
  path_ = dir_.File("a/b/audit.db");
  auto sink = OpenSink();
  EXPECT_NE(sink, nullptr);
}

// A database written by a build whose schema stopped at `version`.
void CreateOldSchema(const std::string& path, int version) {
  RawDb db(path);
  for (int step = 1; step <= version; ++step) ASSERT_EQ(db.Exec(AuditSchemaStep(step)), "");
  db.Exec("PRAGMA user_version = " + std::to_string(version));
  db.Exec("PRAGMA application_id = " + std::to_string(kAuditApplicationId));
}

TEST_F(SqliteSinkTest, MigratesVersionOneKeepingRows) {
  CreateOldSchema(path_, 1);
  std::vector<Row> rows = MakeChain(1, 10);
  {
    RawDb db(path_);
    InsertByHand(&db, std::vector<Row>(rows.begin(), rows.begin() + 5));
    // Version 1 had no triggers yet.
    ASSERT_EQ(db.One("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'"), "0");
  }
  auto sink = OpenSink();
  ASSERT_NE(sink, nullptr);
  EXPECT_EQ(*sink->LastSeq(), 5);
  ASSERT_TRUE(sink->Write(rows).ok());

  RawDb db(path_);
  EXPECT_EQ(db.One("PRAGMA user_version"), std::to_string(kAuditSchemaVersion));
  EXPECT_EQ(db.One("SELECT count(*) FROM audit_log"), "10");
  EXPECT_EQ(db.One("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'"), "3");
  EXPECT_EQ(db.One("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND "
                   "name LIKE 'audit_log_%'"),
            "4");
  EXPECT_EQ(db.Exec("DELETE FROM audit_log"), "audit_log is append-only");
}

TEST_F(SqliteSinkTest, MigratesVersionTwo) {
  CreateOldSchema(path_, 2);
  auto sink = OpenSink();
  ASSERT_NE(sink, nullptr);
  RawDb db(path_);
  EXPECT_EQ(db.One("PRAGMA user_version"), std::to_string(kAuditSchemaVersion));
  EXPECT_EQ(db.One("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'"), "3");
}

TEST_F(SqliteSinkTest, RefusesANewerSchemaAndLeavesItAlone) {
  {
    RawDb db(path_);
    db.Exec(
        "CREATE TABLE audit_log (seq INTEGER PRIMARY KEY, future TEXT);"
        "INSERT INTO audit_log VALUES (1, 'x');"
        "PRAGMA user_version = 9");
  }
  StatusOr<std::unique_ptr<SqliteSink>> sink = SqliteSink::Open(path_);
  ASSERT_FALSE(sink.ok());
  EXPECT_EQ(sink.status().code(), Status::Code::kFailedPrecondition);
  EXPECT_NE(sink.status().message().find("schema version 9 is newer than this orauditd knows"),
            std::string::npos)
      << sink.status().message();
  RawDb db(path_);
  EXPECT_EQ(db.One("PRAGMA user_version"), "9");
  EXPECT_EQ(db.One("SELECT future FROM audit_log"), "x");
}

TEST_F(SqliteSinkTest, RefusesAnAuditLogItDidNotCreate) {
  {
    RawDb db(path_);
    db.Exec(
        "CREATE TABLE audit_log (id INTEGER PRIMARY KEY, timestamp TEXT, total_cost REAL);"
        "INSERT INTO audit_log VALUES (1, '2026-01-01 00:00:00', 0.5)");
  }
  StatusOr<std::unique_ptr<SqliteSink>> sink = SqliteSink::Open(path_);
  ASSERT_FALSE(sink.ok());
  EXPECT_NE(sink.status().message().find("orauditd did not create"), std::string::npos);
  RawDb db(path_);
  EXPECT_EQ(db.One("SELECT count(*) FROM audit_log"), "1");
  EXPECT_EQ(db.One("PRAGMA user_version"), "0");
}

TEST_F(SqliteSinkTest, RefusesAnotherProgramsDatabase) {
  {
    RawDb db(path_);
    db.Exec("PRAGMA application_id = 1234; CREATE TABLE t (x)");
  }
  StatusOr<std::unique_ptr<SqliteSink>> sink = SqliteSink::Open(path_);
  ASSERT_FALSE(sink.ok());
  EXPECT_NE(sink.status().message().find("application_id 1234"), std::string::npos);
}

TEST_F(SqliteSinkTest, ClassicQueriesRunUnchanged) {
  auto sink = OpenSink();
  // Rows stamped relative to now, so that "the last day" means something.
  int64_t now_ms = static_cast<int64_t>(time(nullptr)) * 1000;
  HashChain chain(kGenesisHash);
  std::vector<Row> rows;
  for (int i = 1; i <= 6; ++i) {
    Row row = fixtures::MakeRow(i);
    row.timestamp_ms = now_ms - (i <= 4 ? 3600 * 1000 : 3 * 86400 * 1000);
    row.model_used = i % 2 ? "m-odd" : "m-even";
    row.user_id = i <= 2 ? "alice" : "bob";
    row.total_cost = 0.25 * i;
    row.status = i == 1 ? "error" : "success";
    rows.push_back(row);
    chain.Seal(&rows.back());
  }
  ASSERT_TRUE(sink->Write(rows).ok());

  RawDb db(path_);
  EXPECT_EQ(db.Rows("SELECT date(timestamp), model_used, SUM(total_cost) FROM audit_log "
                    "WHERE timestamp > datetime('now', '-1 day') GROUP BY 1, 2 ORDER BY 2")
                .size(),
            2u);
  EXPECT_EQ(db.One("SELECT COUNT(*), SUM(status != 'success') FROM audit_log "
                   "WHERE timestamp > datetime('now', '-1 day')"),
            "4|1");
  EXPECT_EQ(db.Rows("SELECT user_id, SUM(total_cost) FROM audit_log GROUP BY user_id "
                    "ORDER BY 2 DESC LIMIT 10"),
            (std::vector<std::string>{"bob|4.5", "alice|0.75"}));
  EXPECT_EQ(db.One("SELECT model_requested, prompt_tokens, completion_tokens, latency_ms, "
                   "prompt_hash, error_code, generation_id FROM audit_log WHERE seq = 1"),
            "openai/gpt-4o|101|21|801.0|NULL|NULL|gen-1733325039-x");
}

}  // namespace
}  // namespace orauditd
