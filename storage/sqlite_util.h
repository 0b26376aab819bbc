// Thin RAII and error helpers over the SQLite C API, shared by the sink,
// the verifier and the reports. Every SQLite failure becomes a Status whose
// message names the operation, the database file, SQLite's own message and
// the symbolic result code, e.g.
//   "sqlite insert into /var/lib/orauditd/audit.db: database is locked (SQLITE_BUSY)".
//
// A connection and its statements belong to one thread.
#pragma once

#include <sqlite3.h>

#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

namespace orauditd {

struct SqliteCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct SqliteFinalizer {
  void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
};
using SqliteDbPtr = std::unique_ptr<sqlite3, SqliteCloser>;
using SqliteStmtPtr = std::unique_ptr<sqlite3_stmt, SqliteFinalizer>;

// "SQLITE_BUSY" for a (primary or extended) result code.
const char* SqliteCodeName(int rc);

// A Status for result code `rc` on `db`, prefixed with `context`. `db` may be
// null when the connection could not be made.
Status SqliteError(sqlite3* db, int rc, std::string_view context);

// Opens `path` with `flags` (SQLITE_OPEN_*), with extended result codes on.
StatusOr<SqliteDbPtr> OpenSqlite(const std::string& path, int flags);

// Runs one or more statements that return no rows.
Status ExecSql(sqlite3* db, const char* sql, std::string_view context);

StatusOr<SqliteStmtPtr> PrepareSql(sqlite3* db, std::string_view sql, std::string_view context);

// The first column of the first row of `sql` as an integer (0 when NULL or
// no row).
StatusOr<int64_t> QueryInt(sqlite3* db, const char* sql, std::string_view context);

// The first column of the first row of `sql` as text ("" when NULL or no
// row).
StatusOr<std::string> QueryText(sqlite3* db, const char* sql, std::string_view context);

}  // namespace orauditd
