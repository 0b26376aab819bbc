// What the sinks hold, reduced to (seq, request_id, meta_status), and the
// exactly-once check the crash tests make on it: seq runs 1..N with no gap,
// and the request ids are exactly the acknowledged ones, each once.
#pragma once

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "common/status.h"
#include "storage/row_json.h"
#include "tests/support/sqlite_query.h"

namespace orauditd::testing {

struct RowId {
  int64_t seq = 0;
  std::string request_id;
  std::string meta_status;
};

inline StatusOr<std::vector<RowId>> SqliteRowIds(const std::string& db_path) {
  auto rows =
      QuerySqlite(db_path, "SELECT seq, request_id, meta_status FROM audit_log ORDER BY seq");
  if (!rows.ok()) return rows.status();
  std::vector<RowId> ids;
  for (auto& row : *rows) {
    ids.push_back({std::stoll(row["seq"].value_or("0")), row["request_id"].value_or(""),
                   row["meta_status"].value_or("")});
  }
  return ids;
}

// The current file and every rotated one (`<path>.<first seq>`).
inline std::vector<std::string> JsonlFiles(const std::string& path) {
  std::vector<std::string> files;
  std::filesystem::path current(path);
  std::string prefix = current.filename().string() + ".";
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(current.parent_path(), ec)) {
    std::string name = entry.path().filename().string();
    if (name == current.filename().string() || name.rfind(prefix, 0) == 0) {
      files.push_back(entry.path().string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

inline StatusOr<std::vector<RowId>> JsonlRowIds(const std::string& path) {
  std::vector<RowId> ids;
  for (const std::string& file : JsonlFiles(path)) {
    std::ifstream in(file);
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty()) continue;
      auto row = RowFromJsonLine(line);
      if (!row.ok()) return row.status().WithContext(file);
      ids.push_back({row->seq, row->request_id, row->meta_status});
    }
  }
  std::sort(ids.begin(), ids.end(), [](const RowId& a, const RowId& b) { return a.seq < b.seq; });
  return ids;
}

// Empty when the rows are exactly `acked`, once each, with seq 1..N;
// otherwise the first few problems.
inline std::string ExactlyOnceProblems(const std::vector<RowId>& rows,
                                       const std::set<std::string>& acked) {
  std::string problems;
  int reported = 0;
  auto note = [&](const std::string& problem) {
    if (reported++ < 10) problems += problem + "\n";
  };
  std::map<std::string, int> seen;
  for (size_t i = 0; i < rows.size(); ++i) {
    if (rows[i].seq != static_cast<int64_t>(i) + 1) {
      note("seq " + std::to_string(rows[i].seq) + " at position " + std::to_string(i + 1));
    }
    if (++seen[rows[i].request_id] == 2) note("two rows for " + rows[i].request_id);
    if (!acked.count(rows[i].request_id)) note("row for unacknowledged " + rows[i].request_id);
  }
  for (const std::string& id : acked) {
    if (!seen.count(id)) note("no row for acknowledged " + id);
  }
  if (reported > 10) problems += std::to_string(reported - 10) + " more\n";
  return problems;
}

}  // namespace orauditd::testing
