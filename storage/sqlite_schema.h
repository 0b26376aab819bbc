// The `audit_log` schema and its migrations.
//
// The schema carries its version in PRAGMA user_version and our mark in
// PRAGMA application_id. Migrations are numbered steps, applied in order in
// one transaction; a database at version k gets steps k+1..current. A
// database from a newer orauditd, or one with an `audit_log` that orauditd
// did not create, is refused: never altered, never recreated.
//
// Same thread as the connection.
#pragma once

#include <sqlite3.h>

#include <string>

#include "common/status.h"

namespace orauditd {

// Version the migrations lead to.
inline constexpr int kAuditSchemaVersion = 3;

// PRAGMA application_id of an orauditd database ("ORAD").
inline constexpr int kAuditApplicationId = 0x4f524144;

// The DDL of step `version` (1..kAuditSchemaVersion), for tests that build an
// older database by hand.
const char* AuditSchemaStep(int version);

// Brings the database at `path` (open on `db`) to kAuditSchemaVersion.
Status MigrateAuditSchema(sqlite3* db, const std::string& path);

}  // namespace orauditd
