#include "tests/support/sqlite_query.h"

#include <sqlite3.h>

namespace orauditd::testing {

StatusOr<std::vector<SqlRow>> QuerySqlite(const std::string& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    std::string error = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return Status::IoError("open " + db_path + ": " + error);
  }
  sqlite3_busy_timeout(db, 5000);
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
    std::string error = sqlite3_errmsg(db);
    sqlite3_close(db);
    return Status::InvalidArgument("prepare \"" + sql + "\": " + error);
  }
  std::vector<SqlRow> rows;
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    SqlRow row;
    for (int i = 0; i < sqlite3_column_count(stmt); ++i) {
      const char* name = sqlite3_column_name(stmt, i);
      if (sqlite3_column_type(stmt, i) == SQLITE_NULL) {
        row[name] = std::nullopt;
      } else {
        row[name] = reinterpret_cast<const char*>(sqlite3_column_text(stmt, i));
      }
    }
    rows.push_back(std::move(row));
  }
  std::string error = rc == SQLITE_DONE ? "" : sqlite3_errmsg(db);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  if (!error.empty()) return Status::IoError("query \"" + sql + "\": " + error);
  return rows;
}

StatusOr<std::string> QueryScalar(const std::string& db_path, const std::string& sql) {
  auto rows = QuerySqlite(db_path, sql);
  if (!rows.ok()) return rows.status();
  if (rows->size() != 1 || (*rows)[0].size() != 1) {
    return Status::NotFound("expected one value from \"" + sql + "\"");
  }
  const auto& value = (*rows)[0].begin()->second;
  return value ? *value : std::string("NULL");
}

}  // namespace orauditd::testing
