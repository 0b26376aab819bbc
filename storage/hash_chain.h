// The tamper-evident chain over rows in seq order (docs/hash-chain.md):
//
//   row_hash = lowercase hex SHA-256( prev_hash + "\n" + RowCanonicalForm(row) )
//
// where prev_hash is the previous row's row_hash, or kGenesisHash for seq 1.
// Changing, removing, inserting or reordering a row breaks the chain from
// that row on.
//
// ComputeRowHash is pure (any thread); a HashChain is a value owned by the
// one thread that seals rows.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include "storage/row.h"

namespace orauditd {

// prev_hash of the first row: 64 zeros.
inline constexpr char kGenesisHash[] =
    "0000000000000000000000000000000000000000000000000000000000000000";

// The row_hash `row` must carry when it follows a row whose hash is
// `prev_hash`. Ignores row.prev_hash and row.row_hash.
std::string ComputeRowHash(std::string_view prev_hash, const Row& row);

// The same, from the row's canonical form (RowCanonicalForm), when the
// caller has it already.
std::string ComputeRowHashOfCanonical(std::string_view prev_hash, std::string_view canonical);

// Seals `row` as the successor of a row whose hash is `prev_hash` (sets its
// prev_hash and row_hash) and returns its JSON line (RowToJsonLine), from
// one serialization of the row instead of one for the hash and one for the
// line.
std::string SealRowToJsonLine(std::string_view prev_hash, Row* row);

// The head of a chain. Seals rows one after another.
class HashChain {
 public:
  // `last_hash` is the row_hash of the last sealed row, or kGenesisHash.
  explicit HashChain(std::string last_hash) : last_hash_(std::move(last_hash)) {}

  // Sets row->prev_hash and row->row_hash and makes `row` the new head. The
  // caller has already given the row its seq (one above the previous row's).
  void Seal(Row* row);

  const std::string& last_hash() const { return last_hash_; }

 private:
  std::string last_hash_;
};

}  // namespace orauditd
