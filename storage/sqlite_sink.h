// SqliteSink: the default sink, table `audit_log` in one SQLite file
// (schema in storage/sqlite_schema.cc, columns in docs/sinks.md).
//
// Durability: WAL with synchronous=FULL, so a committed batch survives both
// kill -9 and a power cut (NORMAL would only survive the former). One
// transaction per Write.
//
// Not thread-safe: one thread drives the sink (see storage/sink.h).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "storage/sink.h"
#include "storage/sqlite_util.h"

namespace orauditd {

class SqliteSink : public Sink {
 public:
  // Opens or creates the database at `path` (and its folder), migrates an
  // older schema and refuses a newer or foreign one.
  static StatusOr<std::unique_ptr<SqliteSink>> Open(const std::string& path);

  const std::string& name() const override;
  StatusOr<int64_t> LastSeq() override;

  // Skips rows with seq <= LastSeq(). The rest must continue the table
  // without a gap (seq = LastSeq() + 1, + 2, ...; an empty table accepts any
  // first seq, for a sink added to a running installation): a gap would
  // break the chain, so it is refused with FailedPrecondition and nothing of
  // the batch is written.
  Status Write(const std::vector<Row>& rows) override;

  const std::string& path() const { return path_; }

 private:
  SqliteSink(std::string path, SqliteDbPtr db) : path_(std::move(path)), db_(std::move(db)) {}

  Status Prepare();
  Status InsertAll(const std::vector<Row>& rows, size_t first);

  std::string path_;
  SqliteDbPtr db_;
  SqliteStmtPtr insert_;
  SqliteStmtPtr max_seq_;
};

}  // namespace orauditd
