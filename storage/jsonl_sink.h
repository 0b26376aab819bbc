// JsonlSink: one JSON lines object per row (storage/row_json.h), appended to
// `<path>` and fsynced per batch. When the next line would take the file
// past `rotate_bytes`, the file is renamed to `<path>.<first seq in it, 12
// digits>` and a new `<path>` started, the way log shippers (Filebeat,
// Vector, Fluent Bit) expect a rotating file to behave.
//
// Crash safety: a batch is acknowledged only after fdatasync; a line cut
// short by a crash is truncated away when the sink is next opened, and the
// writer hands the rows again. After a failed fsync or a failed rollback the
// file's state is unknown, so the sink refuses further writes (sticky) until
// it is reopened.
//
// Not thread-safe: one thread drives the sink (see storage/sink.h).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "storage/sink.h"

namespace orauditd {

class JsonlSink : public Sink {
 public:
  // Opens or creates `path` (and its folder). `rotate_bytes` 0 disables
  // rotation. Repairs a partial last line; see recovery_note().
  static StatusOr<std::unique_ptr<JsonlSink>> Open(const std::string& path, int64_t rotate_bytes);
  ~JsonlSink() override;

  JsonlSink(const JsonlSink&) = delete;
  JsonlSink& operator=(const JsonlSink&) = delete;

  const std::string& name() const override;

  // From the last line of the current file, or of the newest rotated file
  // when the current one is empty.
  StatusOr<int64_t> LastSeq() override;

  // Skips rows with seq <= LastSeq(); the rest must continue without a gap
  // (an empty sink takes any first seq), else FailedPrecondition.
  Status Write(const std::vector<Row>& rows) override;

  // What Open had to repair, for the caller to log at warn level; empty when
  // the file was clean.
  const std::string& recovery_note() const { return recovery_note_; }

  const std::string& path() const { return path_; }

 private:
  JsonlSink(std::string path, int64_t rotate_bytes)
      : path_(std::move(path)), rotate_bytes_(rotate_bytes) {}

  Status OpenCurrent();
  Status RepairTail();
  Status LoadSeqs();
  Status Append(const std::string& data, int64_t last_seq_in_data);
  Status Rotate();

  std::string path_;
  int64_t rotate_bytes_;
  int fd_ = -1;
  int64_t size_ = 0;               // of the current file, all of it durable
  int64_t first_seq_in_file_ = 0;  // 0 while the current file is empty
  int64_t last_seq_ = 0;
  Status failed_;  // sticky
  std::string recovery_note_;
};

}  // namespace orauditd
