// Sink: where finished rows go (SQLite, JSON lines). The writer hands every
// sink the same rows in the same `seq` order; a sink remembers durably how
// far it got, so that after a crash it resumes without loss or duplicates.
//
// Not thread-safe: one thread drives a sink.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "storage/row.h"

namespace orauditd {

class Sink {
 public:
  virtual ~Sink() = default;

  // "sqlite", "jsonl": used in logs and metrics labels.
  virtual const std::string& name() const = 0;

  // Highest seq this sink holds durably; 0 when empty.
  virtual StatusOr<int64_t> LastSeq() = 0;

  // Writes rows (ascending seq) durably in one batch. Rows whose seq is not
  // above LastSeq() are skipped, so replaying a batch is harmless.
  virtual Status Write(const std::vector<Row>& rows) = 0;
};

}  // namespace orauditd
