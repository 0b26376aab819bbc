#include "storage/verify.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <memory>

#include "storage/chain_checker.h"
#include "storage/file_util.h"
#include "storage/jsonl_files.h"
#include "storage/line_reader.h"
#include "storage/row_json.h"
#include "storage/sqlite_row_codec.h"
#include "storage/sqlite_util.h"

namespace orauditd {
namespace {

VerifyResult Finish(const ChainChecker& checker, VerifyResult result) {
  result.ok = checker.first_bad().empty();
  result.rows = checker.rows();
  result.first_seq = checker.first_seq();
  result.last_seq = checker.last_seq();
  result.last_hash = checker.last_hash();
  result.first_bad = checker.first_bad();
  if (result.ok && result.first_seq > 1) {
    result.notes.push_back("the chain starts at seq " + std::to_string(result.first_seq) +
                           ", not 1: earlier rows are not here, so the link to them is "
                           "not checked");
  }
  return result;
}

std::string ColumnText(sqlite3_stmt* stmt, int col) {
  const unsigned char* text = sqlite3_column_text(stmt, col);
  return text ? std::string(reinterpret_cast<const char*>(text), sqlite3_column_bytes(stmt, col))
              : std::string();
}

// A JSON lines file and the seq its first line holds.
struct JsonlFile {
  int64_t first_seq;
  std::string path;
};

StatusOr<std::vector<JsonlFile>> OrderFiles(const std::vector<std::string>& paths,
                                            VerifyResult* result) {
  std::vector<JsonlFile> files;
  for (const std::string& path : paths) {
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return PosixError("open", path, errno);
    StatusOr<std::string> first = ReadFirstLine(fd, path);
    close(fd);
    if (!first.ok()) return first.status();
    if (first->empty()) {
      result->notes.push_back(path + " holds no complete line");
      continue;
    }
    StatusOr<int64_t> seq = SeqOfLine(*first, path + " line 1");
    // A first line that is not a row fails the check below, in order.
    files.push_back({seq.ok() ? *seq : 0, path});
  }
  std::stable_sort(files.begin(), files.end(),
                   [](const JsonlFile& a, const JsonlFile& b) { return a.first_seq < b.first_seq; });
  return files;
}

// Checks one file's lines. Returns false once the chain is broken.
StatusOr<bool> CheckFile(const std::string& path, bool newest, ChainChecker* checker,
                         VerifyResult* result) {
  StatusOr<std::unique_ptr<LineReader>> reader = LineReader::Open(path);
  if (!reader.ok()) return reader.status();
  std::string_view line;
  for (;;) {
    StatusOr<bool> more = (*reader)->Next(&line);
    if (!more.ok()) return more.status();
    if (!*more) break;

    std::string where = path + " line " + std::to_string((*reader)->line_number());
    StatusOr<Row> row = RowFromJsonLine(line);
    if (!row.ok()) return checker->Fail(where + ": not a row: " + row.status().message());
    if (!checker->Check(*row, where)) return false;
    // The hash covers the row's contents; this covers every other byte.
    if (RowToJsonLine(*row) != line) {
      return checker->Fail(ChainChecker::Describe(row->seq, row->request_id, where) +
                           ": line is not the canonical form of its row (reformatted, or "
                           "holds members that are not part of the row)");
    }
  }

  size_t tail = (*reader)->partial_tail_bytes();
  if (tail > 0) {
    std::string what = path + " ends with a partial line of " + std::to_string(tail) + " bytes";
    // Only the file being written can legitimately end mid-line.
    if (!newest) return checker->Fail(what);
    result->notes.push_back(what + " (a write in progress or cut short); not checked");
  }
  return true;
}

}  // namespace

StatusOr<VerifyResult> VerifyDatabase(const std::string& path) {
  StatusOr<SqliteDbPtr> db = OpenSqlite(path, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX);
  if (!db.ok()) return db.status();
  const std::string context = "verify " + path;
  StatusOr<int64_t> tables = QueryInt(
      db->get(), "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'audit_log'",
      context);
  if (!tables.ok()) return tables.status();
  if (*tables == 0) return Status::NotFound(context + ": no audit_log table");

  std::string sql = std::string("SELECT ") + kAuditLogColumns + " FROM audit_log ORDER BY seq";
  StatusOr<SqliteStmtPtr> stmt = PrepareSql(db->get(), sql, context);
  if (!stmt.ok()) return stmt.status();

  ChainChecker checker;
  for (;;) {
    int rc = sqlite3_step(stmt->get());
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) return SqliteError(db->get(), rc, context);
    StatusOr<Row> row = ReadRow(stmt->get());
    if (!row.ok()) {
      checker.Fail(ChainChecker::Describe(sqlite3_column_int64(stmt->get(), 0),
                                          ColumnText(stmt->get(), 2)) +
                   ": " + row.status().message());
      break;
    }
    if (!checker.Check(*row)) break;
  }
  return Finish(checker, VerifyResult());
}

StatusOr<VerifyResult> VerifyJsonl(std::vector<std::string> paths) {
  if (paths.empty()) return Status::InvalidArgument("verify: no JSON lines files given");
  VerifyResult result;
  StatusOr<std::vector<JsonlFile>> files = OrderFiles(paths, &result);
  if (!files.ok()) return files.status();

  ChainChecker checker;
  for (size_t i = 0; i < files->size(); ++i) {
    bool newest = i + 1 == files->size();
    StatusOr<bool> intact = CheckFile((*files)[i].path, newest, &checker, &result);
    if (!intact.ok()) return intact.status();
    if (!*intact) break;
  }
  return Finish(checker, std::move(result));
}

}  // namespace orauditd
