#include "storage/sqlite_schema.h"

#include "storage/sqlite_util.h"

namespace orauditd {
namespace {

// Step 1: the table. `seq` is the rowid, so rows arriving in seq order are
// appended at the right edge of the table's B-tree. Column names are the
// contract's; `timestamp` and `resolved_at` are UTC text that SQLite's date
// functions compare, booleans are 0/1.
constexpr char kStep1[] = R"sql(
CREATE TABLE audit_log (
  seq INTEGER PRIMARY KEY,
  timestamp TEXT NOT NULL,
  request_id TEXT NOT NULL UNIQUE,
  generation_id TEXT,
  model_requested TEXT,
  model_used TEXT,
  provider TEXT,
  prompt_tokens INTEGER,
  completion_tokens INTEGER,
  native_tokens_prompt INTEGER,
  native_tokens_completion INTEGER,
  native_tokens_reasoning INTEGER,
  native_tokens_cached INTEGER,
  total_cost REAL,
  client_cost REAL,
  cache_discount REAL,
  upstream_inference_cost REAL,
  latency_ms REAL,
  generation_time_ms REAL,
  provider_latency_ms REAL,
  finish_reason TEXT,
  streamed INTEGER,
  cancelled INTEGER,
  is_byok INTEGER,
  status TEXT NOT NULL,
  error_code TEXT,
  meta_status TEXT NOT NULL,
  meta_error TEXT,
  attempts INTEGER NOT NULL,
  user_id TEXT,
  app TEXT,
  "key" TEXT NOT NULL,
  prompt_hash TEXT,
  peer_uid INTEGER,
  peer_pid INTEGER,
  source TEXT NOT NULL,
  metadata TEXT,
  duplicate_of TEXT,
  generation_json TEXT,
  resolved_at TEXT,
  prev_hash TEXT NOT NULL,
  row_hash TEXT NOT NULL
);
)sql";

// Step 2: the indexes the usual queries and the reports filter on.
constexpr char kStep2[] = R"sql(
CREATE INDEX audit_log_generation_id ON audit_log(generation_id);
CREATE INDEX audit_log_timestamp ON audit_log(timestamp);
CREATE INDEX audit_log_user_id ON audit_log(user_id);
CREATE INDEX audit_log_model_used ON audit_log(model_used);
)sql";

// Step 3: append-only. INSERT OR REPLACE deletes the old row without firing
// DELETE triggers (unless recursive_triggers is on), hence the INSERT guard.
// Triggers stop accidents, not an attacker with write access to the file:
// the hash chain is what detects that.
constexpr char kStep3[] = R"sql(
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_replace BEFORE INSERT ON audit_log
WHEN EXISTS (SELECT 1 FROM audit_log WHERE seq = NEW.seq OR request_id = NEW.request_id)
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: seq or request_id already stored'); END;
)sql";

constexpr const char* kSteps[] = {kStep1, kStep2, kStep3};
static_assert(std::size(kSteps) == kAuditSchemaVersion);

Status CheckOwnership(sqlite3* db, const std::string& path, int64_t version) {
  const std::string context = "sqlite schema check of " + path;
  StatusOr<int64_t> app_id = QueryInt(db, "PRAGMA application_id", context);
  if (!app_id.ok()) return app_id.status();
  if (*app_id != 0 && *app_id != kAuditApplicationId) {
    return Status::FailedPrecondition(
        context + ": application_id " + std::to_string(*app_id) +
        " is not orauditd's; refusing to modify another program's database");
  }
  if (version > kAuditSchemaVersion) {
    return Status::FailedPrecondition(context + ": schema version " + std::to_string(version) +
                                      " is newer than this orauditd knows (" +
                                      std::to_string(kAuditSchemaVersion) +
                                      "); refusing to open it (upgrade orauditd)");
  }
  if (version < 0) {
    return Status::FailedPrecondition(context + ": unknown schema version " +
                                      std::to_string(version) + "; refusing to open it");
  }
  if (version == 0) {
    StatusOr<int64_t> tables =
        QueryInt(db, "SELECT count(*) FROM sqlite_master WHERE name = 'audit_log'", context);
    if (!tables.ok()) return tables.status();
    if (*tables != 0) {
      return Status::FailedPrecondition(
          context +
          ": an audit_log table exists that orauditd did not create "
          "(user_version 0); refusing to modify it (move it away or rename it)");
    }
  }
  return Status::Ok();
}

}  // namespace

const char* AuditSchemaStep(int version) {
  if (version < 1 || version > kAuditSchemaVersion) return nullptr;
  return kSteps[version - 1];
}

Status MigrateAuditSchema(sqlite3* db, const std::string& path) {
  const std::string context = "sqlite migrate " + path;
  // IMMEDIATE takes the write lock first, so that two processes opening a
  // new database cannot both decide to create the table.
  Status s = ExecSql(db, "BEGIN IMMEDIATE", context);
  if (!s.ok()) return s;

  StatusOr<int64_t> version = QueryInt(db, "PRAGMA user_version", context);
  if (!version.ok()) s = version.status();
  if (s.ok()) s = CheckOwnership(db, path, *version);
  for (int step = version.ok() ? static_cast<int>(*version) + 1 : 1;
       s.ok() && step <= kAuditSchemaVersion; ++step) {
    s = ExecSql(
        db, kSteps[step - 1],
        context + ": step " + std::to_string(step) + " of " + std::to_string(kAuditSchemaVersion));
  }
  if (s.ok() && *version != kAuditSchemaVersion) {
    std::string pragmas = "PRAGMA user_version = " + std::to_string(kAuditSchemaVersion) +
                          "; PRAGMA application_id = " + std::to_string(kAuditApplicationId);
    s = ExecSql(db, pragmas.c_str(), context);
  }

  if (!s.ok()) {
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    return s;
  }
  return ExecSql(db, "COMMIT", context);
}

}  // namespace orauditd
