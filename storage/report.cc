#include "storage/report.h"

#include <charconv>

#include "common/time_format.h"
#include "storage/sqlite_util.h"

namespace orauditd {
namespace {

// COALESCE: a call that failed before a generation was resolved has no
// model_used; it belongs to the model the app asked for, not to a "-" group.
constexpr char kDailyCost[] =
    "SELECT date(timestamp) AS day, COALESCE(model_used, model_requested) AS model, "
    "COUNT(*) AS calls, SUM(prompt_tokens) AS prompt_tokens, "
    "SUM(completion_tokens) AS completion_tokens, SUM(total_cost) AS cost, "
    "SUM(total_cost IS NULL) AS cost_unknown "
    "FROM audit_log WHERE %FILTER% GROUP BY 1, 2 ORDER BY 1, 2";

// An error rate counts calls that failed (error, timeout); a cancelled
// stream is the client's choice and is shown on its own.
constexpr char kErrorRate[] =
    "SELECT COALESCE(model_used, model_requested) AS model, COUNT(*) AS calls, "
    "SUM(status = 'error') AS errors, SUM(status = 'timeout') AS timeouts, "
    "SUM(status = 'cancelled') AS cancelled, "
    "ROUND(100.0 * SUM(status IN ('error', 'timeout')) / COUNT(*), 2) AS error_rate_pct "
    "FROM audit_log WHERE %FILTER% GROUP BY 1 ORDER BY error_rate_pct DESC, calls DESC, 1";

constexpr char kTopSpenders[] =
    "SELECT user_id AS user, COUNT(*) AS calls, SUM(prompt_tokens) AS prompt_tokens, "
    "SUM(completion_tokens) AS completion_tokens, SUM(total_cost) AS cost, "
    "SUM(total_cost IS NULL) AS cost_unknown "
    "FROM audit_log WHERE %FILTER% GROUP BY 1 ORDER BY cost DESC NULLS LAST, calls DESC, 1 "
    "LIMIT :limit";

constexpr char kCountDuplicates[] = "SELECT COUNT(*) FROM audit_log WHERE %FILTER%";

// The filter's conditions. Only those in use are written, so that SQLite
// can pick the timestamp or user_id index for them. The model condition
// spans two columns and has no index of its own: it narrows the rows that
// the other conditions selected.
std::string FilterConditions(const ReportFilter& filter) {
  std::string where;
  if (filter.since_ms) where += " AND timestamp >= :since";
  if (filter.until_ms) where += " AND timestamp < :until";
  if (filter.user) where += " AND user_id = :user";
  if (filter.model) where += " AND (model_used = :model OR model_requested = :model)";
  return where;
}

std::string WithFilter(std::string sql, const std::string& where) {
  sql.replace(sql.find("%FILTER%"), 8, where);
  return sql;
}

std::string ReportQuery(ReportKind kind, const ReportFilter& filter) {
  const char* sql = kind == ReportKind::kDailyCost   ? kDailyCost
                    : kind == ReportKind::kErrorRate ? kErrorRate
                                                     : kTopSpenders;
  // A duplicate_of row repeats a generation that an earlier row holds: its
  // cost is already in the sums and it is not a second call.
  return WithFilter(sql, "duplicate_of IS NULL" + FilterConditions(filter));
}

std::string DuplicatesQuery(const ReportFilter& filter) {
  return WithFilter(kCountDuplicates, "duplicate_of IS NOT NULL" + FilterConditions(filter));
}

void Bind(sqlite3_stmt* stmt, const char* name, const std::optional<std::string>& value) {
  int index = sqlite3_bind_parameter_index(stmt, name);
  if (index > 0 && value) {
    sqlite3_bind_text(stmt, index, value->data(), static_cast<int>(value->size()),
                      SQLITE_TRANSIENT);
  }
}

std::optional<std::string> TimeText(const std::optional<int64_t>& unix_ms) {
  if (!unix_ms) return std::nullopt;
  return FormatSqliteUtc(*unix_ms);
}

void BindFilter(sqlite3_stmt* stmt, const ReportFilter& filter) {
  Bind(stmt, ":since", TimeText(filter.since_ms));
  Bind(stmt, ":until", TimeText(filter.until_ms));
  Bind(stmt, ":user", filter.user);
  Bind(stmt, ":model", filter.model);
  int limit = sqlite3_bind_parameter_index(stmt, ":limit");
  if (limit > 0) sqlite3_bind_int64(stmt, limit, filter.limit);
}

ReportCell ReadCell(sqlite3_stmt* stmt, int col) {
  switch (sqlite3_column_type(stmt, col)) {
    case SQLITE_INTEGER:
      return static_cast<int64_t>(sqlite3_column_int64(stmt, col));
    case SQLITE_FLOAT:
      return sqlite3_column_double(stmt, col);
    case SQLITE_NULL:
      return std::monostate();
    default: {
      const unsigned char* text = sqlite3_column_text(stmt, col);
      return std::string(reinterpret_cast<const char*>(text), sqlite3_column_bytes(stmt, col));
    }
  }
}

// Runs `sql` with the filter's values bound and returns every row.
StatusOr<ReportTable> ReadTable(sqlite3* db, const std::string& sql, const ReportFilter& filter,
                                const std::string& context) {
  StatusOr<SqliteStmtPtr> stmt = PrepareSql(db, sql, context);
  if (!stmt.ok()) return stmt.status();
  sqlite3_stmt* s = stmt->get();
  BindFilter(s, filter);

  ReportTable table;
  for (int col = 0; col < sqlite3_column_count(s); ++col) {
    table.columns.emplace_back(sqlite3_column_name(s, col));
  }
  for (;;) {
    int rc = sqlite3_step(s);
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) return SqliteError(db, rc, context);
    std::vector<ReportCell> row;
    for (int col = 0; col < static_cast<int>(table.columns.size()); ++col) {
      row.push_back(ReadCell(s, col));
    }
    table.rows.push_back(std::move(row));
  }
  return table;
}

}  // namespace

bool ParseReportKind(std::string_view name, ReportKind* kind) {
  if (name == "daily-cost") {
    *kind = ReportKind::kDailyCost;
  } else if (name == "error-rate") {
    *kind = ReportKind::kErrorRate;
  } else if (name == "top-spenders") {
    *kind = ReportKind::kTopSpenders;
  } else {
    return false;
  }
  return true;
}

StatusOr<ReportTable> RunAuditReport(const std::string& db_path, ReportKind kind,
                                     const ReportFilter& filter) {
  StatusOr<SqliteDbPtr> db = OpenSqlite(db_path, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX);
  if (!db.ok()) return db.status();
  const std::string context = "report on " + db_path;
  sqlite3_busy_timeout(db->get(), 5000);
  StatusOr<int64_t> tables = QueryInt(
      db->get(), "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'audit_log'",
      context);
  if (!tables.ok()) return tables.status();
  if (*tables == 0) return Status::NotFound(context + ": no audit_log table");

  // One read transaction, so that the count of rows left out matches the
  // snapshot the report was taken from while the daemon keeps writing.
  // Closing the connection ends it.
  Status begun = ExecSql(db->get(), "BEGIN", context);
  if (!begun.ok()) return begun;
  StatusOr<ReportTable> table = ReadTable(db->get(), ReportQuery(kind, filter), filter, context);
  if (!table.ok()) return table.status();
  StatusOr<ReportTable> duplicates = ReadTable(db->get(), DuplicatesQuery(filter), filter, context);
  if (!duplicates.ok()) return duplicates.status();
  table->duplicates_left_out = std::get<int64_t>(duplicates->rows.at(0).at(0));
  return table;
}

StatusOr<int64_t> ParseReportTime(std::string_view text, int64_t now_ms) {
  // An age: digits and one unit letter.
  if (text.size() >= 2 && text.find_first_not_of("0123456789") == text.size() - 1) {
    int64_t count = 0;
    std::from_chars(text.data(), text.data() + text.size() - 1, count);
    int64_t unit_ms = 0;
    switch (text.back()) {
      case 's':
        unit_ms = 1000;
        break;
      case 'm':
        unit_ms = 60 * 1000;
        break;
      case 'h':
        unit_ms = 3600 * 1000;
        break;
      case 'd':
        unit_ms = 86400 * 1000;
        break;
      case 'w':
        unit_ms = 7 * 86400 * 1000;
        break;
      default:
        return Status::InvalidArgument("unknown unit in age '" + std::string(text) + "'");
    }
    return now_ms - count * unit_ms;
  }
  if (text.size() == 10) return ParseRfc3339Ms(std::string(text) + "T00:00:00Z");
  StatusOr<int64_t> ms = ParseRfc3339Ms(text);
  if (ms.ok()) return ms;
  // The stored form has no offset: it is UTC.
  StatusOr<int64_t> utc = ParseRfc3339Ms(std::string(text) + "Z");
  if (utc.ok()) return utc;
  return Status::InvalidArgument("'" + std::string(text) +
                                 "' is not a date, an RFC 3339 time or an age like 24h");
}

}  // namespace orauditd
