// QuerySqlite: runs one read-only query against a database file and returns
// the rows as text (NULL stays an empty optional), for tests to inspect.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace orauditd::testing {

using SqlRow = std::map<std::string, std::optional<std::string>>;

StatusOr<std::vector<SqlRow>> QuerySqlite(const std::string& db_path, const std::string& sql);

// The single value of a one-row, one-column query, or an error.
StatusOr<std::string> QueryScalar(const std::string& db_path, const std::string& sql);

}  // namespace orauditd::testing
