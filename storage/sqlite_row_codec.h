// Row <-> `audit_log` columns. The sink binds rows with it and the verifier
// reads them back; both use the same column order, kAuditLogColumns.
//
// Reading is strict, because the verifier relies on it: a value of the wrong
// SQLite type, a boolean other than 0/1 or a timestamp not in the stored
// form is an error rather than a silent conversion that the hash would not
// see.
//
// Same thread as the statement.
#pragma once

#include <sqlite3.h>

#include "common/status.h"
#include "storage/row.h"

namespace orauditd {

// "seq, timestamp, request_id, ..." in the order BindRow and ReadRow use.
extern const char kAuditLogColumns[];
inline constexpr int kAuditLogColumnCount = 42;

// Binds parameters 1..kAuditLogColumnCount of `stmt`. Strings are bound
// without a copy: `row` must outlive the step.
Status BindRow(sqlite3_stmt* stmt, const Row& row);

// Reads columns 0..kAuditLogColumnCount-1 of the current result row. The
// message names the column at fault.
StatusOr<Row> ReadRow(sqlite3_stmt* stmt);

}  // namespace orauditd
