#include "storage/sqlite_sink.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "storage/file_util.h"
#include "storage/seq_check.h"
#include "storage/sqlite_row_codec.h"
#include "storage/sqlite_schema.h"

namespace orauditd {
namespace {

// A writer may wait this long for a reader's checkpoint or a report's lock.
constexpr int kBusyTimeoutMs = 5000;

// synchronous=FULL: a committed batch survives power loss, not only kill -9;
// measured, it cost no throughput over NORMAL here (the disk's bandwidth,
// not its syncs, bounds a batch of 1000 rows).
// cache_size: 64 MiB (negative = KiB), which keeps the request_id index in
// memory when clients send random ids (UUIDs), where inserts would
// otherwise read a page from disk each.
// wal_autocheckpoint: 64 MiB of WAL between checkpoints instead of 4 MiB;
// pages that every batch touches (index leaves, the table's last page) are
// then copied to the database once per checkpoint, not once per batch.
constexpr char kPragmas[] =
    "PRAGMA synchronous = FULL;"
    "PRAGMA cache_size = -65536;"
    "PRAGMA wal_autocheckpoint = 16384;"
    "PRAGMA foreign_keys = OFF;"
    "PRAGMA trusted_schema = OFF;";

const std::string kName = "sqlite";

}  // namespace

StatusOr<std::unique_ptr<SqliteSink>> SqliteSink::Open(const std::string& path) {
  Status dir = MakeParentDirs(path);
  if (!dir.ok()) return dir.WithContext("sqlite open " + path);
  // SQLite would create the file 0644 (less the umask); an audit log is for
  // the daemon and its group, as the JSON lines files are. The -wal and
  // -shm files take the database file's mode.
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
  if (fd >= 0) {
    close(fd);
  } else if (errno != EEXIST) {
    return PosixError("create", path, errno).WithContext("sqlite open " + path);
  }

  StatusOr<SqliteDbPtr> db =
      OpenSqlite(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX);
  if (!db.ok()) return db.status();
  sqlite3_busy_timeout(db->get(), kBusyTimeoutMs);

  const std::string context = "sqlite open " + path;
  StatusOr<std::string> mode = QueryText(db->get(), "PRAGMA journal_mode = WAL", context);
  if (!mode.ok()) return mode.status();
  if (*mode != "wal") {
    return Status::FailedPrecondition(context + ": cannot switch to WAL mode (journal_mode is " +
                                      *mode + ")");
  }
  Status s = ExecSql(db->get(), kPragmas, context);
  if (!s.ok()) return s;
  s = MigrateAuditSchema(db->get(), path);
  if (!s.ok()) return s;

  std::unique_ptr<SqliteSink> sink(new SqliteSink(path, std::move(*db)));
  s = sink->Prepare();
  if (!s.ok()) return s;
  return sink;
}

Status SqliteSink::Prepare() {
  std::string sql = std::string("INSERT INTO audit_log (") + kAuditLogColumns + ") VALUES (";
  for (int i = 1; i <= kAuditLogColumnCount; ++i) {
    sql += (i > 1 ? ",?" : "?") + std::to_string(i);
  }
  sql += ")";
  StatusOr<SqliteStmtPtr> insert = PrepareSql(db_.get(), sql, "sqlite prepare insert " + path_);
  if (!insert.ok()) return insert.status();
  insert_ = std::move(*insert);

  StatusOr<SqliteStmtPtr> max_seq =
      PrepareSql(db_.get(), "SELECT MAX(seq) FROM audit_log", "sqlite prepare max(seq) " + path_);
  if (!max_seq.ok()) return max_seq.status();
  max_seq_ = std::move(*max_seq);
  return Status::Ok();
}

const std::string& SqliteSink::name() const { return kName; }

StatusOr<int64_t> SqliteSink::LastSeq() {
  sqlite3_stmt* stmt = max_seq_.get();
  int rc = sqlite3_step(stmt);
  int64_t last = rc == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0;
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
    Status s = SqliteError(db_.get(), rc, "sqlite read max(seq) from " + path_);
    sqlite3_reset(stmt);
    return s;
  }
  sqlite3_reset(stmt);
  return last;
}

Status SqliteSink::Write(const std::vector<Row>& rows) {
  if (rows.empty()) return Status::Ok();
  const std::string context = "sqlite insert into " + path_;
  // IMMEDIATE: take the write lock now, so that MAX(seq) cannot change
  // between reading it and inserting after it.
  Status s = ExecSql(db_.get(), "BEGIN IMMEDIATE", context);
  if (!s.ok()) return s;

  StatusOr<int64_t> last = LastSeq();
  size_t first = 0;
  if (last.ok()) {
    first = FirstNewRow(rows, *last);
    s = CheckContiguous(rows, first, *last, context);
  } else {
    s = last.status();
  }
  if (s.ok()) s = InsertAll(rows, first);
  if (s.ok()) s = ExecSql(db_.get(), "COMMIT", context);
  if (!s.ok()) sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
  return s;
}

Status SqliteSink::InsertAll(const std::vector<Row>& rows, size_t first) {
  sqlite3_stmt* stmt = insert_.get();
  for (size_t i = first; i < rows.size(); ++i) {
    const Row& row = rows[i];
    Status s = BindRow(stmt, row);
    int rc = s.ok() ? sqlite3_step(stmt) : SQLITE_OK;
    if (s.ok() && rc != SQLITE_DONE) {
      s = SqliteError(db_.get(), rc,
                      "sqlite insert into " + path_ + " (seq " + std::to_string(row.seq) +
                          ", request_id " + row.request_id + ")");
    }
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace orauditd
