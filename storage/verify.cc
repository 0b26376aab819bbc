#include "storage/verify.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <thread>

#include "storage/chain_checker.h"
#include "storage/file_util.h"
#include "storage/jsonl_files.h"
#include "storage/line_reader.h"
#include "storage/sqlite_row_codec.h"
#include "storage/sqlite_util.h"

namespace orauditd {
namespace {

// Rows per unit of work handed to a worker thread.
constexpr size_t kChunkRows = 1024;

// Something to digest: a database row or a JSON line, or a problem found
// while reading.
struct DatabaseItem {
  Row row;
  std::string problem;
};
struct LineItem {
  std::string text;
  std::string_view file;
  int64_t line = 0;
  std::string problem;
};

// Reads chunks on this thread, digests them on worker threads (parsing,
// serializing and hashing are most of the work and independent per row),
// and feeds the digests to `checker` in order. Returns once the chain breaks
// or the input ends.
template <typename Item>
Status CheckInOrder(const std::function<Status(std::vector<Item>*, bool*)>& read,
                    const std::function<RowDigest(const Item&)>& digest, ChainChecker* checker) {
  size_t threads = std::clamp<size_t>(std::thread::hardware_concurrency(), 1, 8);
  std::deque<std::future<std::vector<RowDigest>>> pending;
  bool done = false;
  for (;;) {
    while (!done && pending.size() < 2 * threads) {
      auto chunk = std::make_shared<std::vector<Item>>();
      chunk->reserve(kChunkRows);
      Status s = read(chunk.get(), &done);
      if (!s.ok()) return s;  // the futures' destructors wait for the workers
      if (chunk->empty()) break;
      pending.push_back(std::async(std::launch::async, [chunk, &digest] {
        std::vector<RowDigest> digests;
        digests.reserve(chunk->size());
        for (const Item& item : *chunk) digests.push_back(digest(item));
        return digests;
      }));
    }
    if (pending.empty()) return Status::Ok();
    std::vector<RowDigest> digests = pending.front().get();
    pending.pop_front();
    for (const RowDigest& row : digests) {
      if (!checker->Check(row)) return Status::Ok();
    }
  }
}

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

// ---- SQLite ----

std::string ColumnText(sqlite3_stmt* stmt, int col) {
  const unsigned char* text = sqlite3_column_text(stmt, col);
  return text ? std::string(reinterpret_cast<const char*>(text), sqlite3_column_bytes(stmt, col))
              : std::string();
}

Status ReadDatabaseChunk(sqlite3* db, sqlite3_stmt* stmt, const std::string& context,
                         std::vector<DatabaseItem>* chunk, bool* done) {
  while (chunk->size() < kChunkRows) {
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_DONE) {
      *done = true;
      return Status::Ok();
    }
    if (rc != SQLITE_ROW) return SqliteError(db, rc, context);
    DatabaseItem item;
    StatusOr<Row> row = ReadRow(stmt);
    if (row.ok()) {
      item.row = std::move(*row);
    } else {
      RowDigest named;
      named.seq = sqlite3_column_int64(stmt, 0);
      named.request_id = ColumnText(stmt, 2);
      item.problem = DescribeRow(named) + ": " + row.status().message();
    }
    chunk->push_back(std::move(item));
  }
  return Status::Ok();
}

// ---- JSON lines ----

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
    // A first line that is not a row fails the check, in its place.
    files.push_back({seq.ok() ? *seq : 0, path});
  }
  std::stable_sort(files.begin(), files.end(), [](const JsonlFile& a, const JsonlFile& b) {
    return a.first_seq < b.first_seq;
  });
  return files;
}

// Reads the lines of the files in order, as chunks.
class JsonlChunkReader {
 public:
  JsonlChunkReader(std::vector<JsonlFile> files, VerifyResult* result)
      : files_(std::move(files)), result_(result) {}

  Status Read(std::vector<LineItem>* chunk, bool* done) {
    while (chunk->size() < kChunkRows) {
      if (!reader_) {
        if (next_file_ == files_.size()) {
          *done = true;
          return Status::Ok();
        }
        StatusOr<std::unique_ptr<LineReader>> reader = LineReader::Open(files_[next_file_].path);
        if (!reader.ok()) return reader.status();
        reader_ = std::move(*reader);
        ++next_file_;
      }
      std::string_view line;
      StatusOr<bool> more = reader_->Next(&line);
      if (!more.ok()) return more.status();
      const std::string& path = files_[next_file_ - 1].path;
      if (*more) {
        LineItem item;
        item.text = std::string(line);
        item.file = path;
        item.line = reader_->line_number();
        chunk->push_back(std::move(item));
        continue;
      }
      EndOfFile(path, chunk);
    }
    return Status::Ok();
  }

 private:
  void EndOfFile(const std::string& path, std::vector<LineItem>* chunk) {
    size_t tail = reader_->partial_tail_bytes();
    reader_.reset();
    if (tail == 0) return;
    std::string what = path + " ends with a partial line of " + std::to_string(tail) + " bytes";
    // Only the file being written can end mid-line.
    if (next_file_ == files_.size()) {
      result_->notes.push_back(what + " (a write in progress or cut short); not checked");
    } else {
      LineItem item;
      item.problem = what;
      chunk->push_back(std::move(item));
    }
  }

  std::vector<JsonlFile> files_;
  VerifyResult* result_;
  size_t next_file_ = 0;
  std::unique_ptr<LineReader> reader_;
};

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
  Status s = CheckInOrder<DatabaseItem>(
      [&](std::vector<DatabaseItem>* chunk, bool* done) {
        return ReadDatabaseChunk(db->get(), stmt->get(), context, chunk, done);
      },
      [](const DatabaseItem& item) {
        return item.problem.empty() ? DigestRow(item.row) : UnreadableRow(item.problem);
      },
      &checker);
  if (!s.ok()) return s;
  return Finish(checker, VerifyResult());
}

StatusOr<VerifyResult> VerifyJsonl(std::vector<std::string> paths) {
  if (paths.empty()) return Status::InvalidArgument("verify: no JSON lines files given");
  VerifyResult result;
  StatusOr<std::vector<JsonlFile>> files = OrderFiles(paths, &result);
  if (!files.ok()) return files.status();

  ChainChecker checker;
  JsonlChunkReader reader(std::move(*files), &result);
  Status s = CheckInOrder<LineItem>(
      [&](std::vector<LineItem>* chunk, bool* done) { return reader.Read(chunk, done); },
      [](const LineItem& item) {
        return item.problem.empty() ? DigestJsonLine(item.text, item.file, item.line)
                                    : UnreadableRow(item.problem);
      },
      &checker);
  if (!s.ok()) return s;
  return Finish(checker, std::move(result));
}

}  // namespace orauditd
