// Verification of a stored hash chain (docs/hash-chain.md), for `orauditctl
// verify`: reads every row in seq order, recomputes each row_hash and checks
// the links, and names the first row that does not hold.
//
// Read-only: the database is opened with SQLITE_OPEN_READONLY, and can be
// checked while the daemon writes to it (the check sees one snapshot).
// Any thread; each call is independent, and hashes on worker threads of its
// own (one per core, up to 8).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"

namespace orauditd {

struct VerifyResult {
  bool ok = false;
  int64_t rows = 0;       // rows that held, in order
  int64_t first_seq = 0;  // of the chain checked (0 when there were no rows)
  int64_t last_seq = 0;
  std::string last_hash;  // row_hash of the last row that held
  // The first row that does not hold, and why, e.g.
  // "seq 17 (request_id r-17): row_hash does not match its contents (the row was edited)".
  std::string first_bad;
  // Facts that do not fail the check but should be shown: a chain that
  // starts after seq 1, a partial line at the end of the newest file.
  std::vector<std::string> notes;
};

// Checks table audit_log of the SQLite database at `path`. A Status error
// means the check could not be made (no such file, no audit_log table).
StatusOr<VerifyResult> VerifyDatabase(const std::string& path);

// Checks JSON lines files, given in any order: they are put in order by the
// seq of their first line. Lines must be exactly the canonical JSON lines
// form of their row (storage/row_json.h), so any change to a byte is found.
StatusOr<VerifyResult> VerifyJsonl(std::vector<std::string> paths);

}  // namespace orauditd
