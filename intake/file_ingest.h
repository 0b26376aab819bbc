// FileIngest: feeds the lines of one NDJSON file to the CommitBatcher a
// bounded chunk at a time, for the spool watcher and for replay.
//
// A chunk (at most chunk_lines lines or chunk_bytes bytes) is parsed and its
// valid lines queued for the next group commit; the next chunk is read only
// once every line of this one is durable, so memory stays bounded however
// long the file is, and the owner can yield the loop between chunks. Lines
// with neither request_id nor generation_id (nor spool_ref) are deduplicated
// on "spool:<file name>:<line number>", so reading a file again, after a
// crash or as a replay, adds no rows.
//
// If a commit fails (the disk is below intake.min_free), the chunk is rolled
// back to its start and the ingest stalls until Resume(); lines of earlier
// chunks stay stored.
//
// Loop thread only. The batcher's replies hold a reference, so a FileIngest
// outlives its owner until they have run; Detach() cuts it loose.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/prompt_hash.h"
#include "common/spool_files.h"
#include "common/status.h"
#include "intake/commit_batcher.h"
#include "intake/line_reader.h"
#include "intake/record_parser.h"

namespace orauditd {

struct FileIngestOptions {
  std::string source = "spool";  // Record::source: spool or replay
  RecordLimits limits;
  const PromptHasher* hasher = nullptr;
  std::optional<int64_t> owner_uid;  // kept as peer_uid: who wrote the file
  // Per loop pass. Larger chunks save fsyncs but not time (lookups and sinks
  // are slower than intake), and 5000 lines raised the daemon's peak memory
  // by about 100 MiB on a 100 000-line file.
  size_t chunk_lines = 1000;
  size_t chunk_bytes = 4 << 20;
};

struct FileCounts {
  uint64_t lines = 0;  // lines that were not blank
  uint64_t accepted = 0;
  uint64_t duplicates = 0;
  uint64_t refused = 0;
  uint64_t unknown_fields = 0;
};

// Where refused lines go: rejected/ files for the spool, stderr for replay.
class RefusalSink {
 public:
  virtual ~RefusalSink() = default;

  // `reader` can copy an over-long line's bytes (Line::text is then empty).
  virtual Status Refused(const Line& line, const std::string& error, const LineReader& reader) = 0;
  // A chunk starts: the refusals so far are final.
  virtual Status Mark() { return Status::Ok(); }
  // The chunk since the last Mark() is read again: forget its refusals.
  virtual Status Rewind() { return Status::Ok(); }
};

// True for a line of spaces and tabs only: skipped, neither stored nor refused.
bool IsBlankLine(std::string_view text);

class FileIngest : public std::enable_shared_from_this<FileIngest> {
 public:
  enum class State {
    kReading,  // ReadChunk() reads the next chunk
    kWaiting,  // a chunk's records wait for their commit
    kStalled,  // a commit failed (status()); Resume() reads the chunk again
    kFailed,   // the file or the refusal sink failed (status()); give up
    kDone,     // every line is durable, a duplicate, or refused
  };

  // `name` is the file name used in dedup keys. `settled` runs whenever
  // the state leaves kWaiting (and at once when a chunk queued nothing).
  FileIngest(Clock* clock, CommitBatcher* batcher, std::unique_ptr<LineReader> reader,
             std::string name, RefusalSink* sink, FileIngestOptions options,
             std::function<void()> settled);
  FileIngest(const FileIngest&) = delete;
  FileIngest& operator=(const FileIngest&) = delete;

  // In kReading: parses one chunk and queues its valid lines.
  void ReadChunk();
  // In kStalled: back to kReading, from the start of the failed chunk.
  void Resume();
  // The owner is going away: no more callbacks, no more sink calls.
  void Detach();

  State state() const { return state_; }
  const Status& status() const { return status_; }
  const FileCounts& counts() const { return counts_; }
  // Records queued whose commit has not answered yet.
  size_t owed() const { return owed_; }
  const std::string& name() const { return name_; }
  const LineReader& reader() const { return *reader_; }

 private:
  struct Checkpoint {
    LineReader::Position position;
    FileCounts counts;
  };

  void HandleLine(const Line& line, const ParseContext& ctx);
  void Refuse(const Line& line, const std::string& error);
  void OnCommitted(const EnqueueResult& result);
  void Settle();
  void Fail(Status status);

  Clock* clock_;
  CommitBatcher* batcher_;
  std::unique_ptr<LineReader> reader_;
  std::string name_;
  RefusalSink* sink_;
  FileIngestOptions options_;
  std::function<void()> settled_;

  State state_ = State::kReading;
  Status status_;
  Status commit_error_;  // the first failed commit of the current chunk
  Checkpoint checkpoint_;
  FileCounts counts_;
  size_t owed_ = 0;  // records queued whose commit has not answered yet
  bool eof_ = false;
};

}  // namespace orauditd
