// ChainChecker: follows rows in the order a store gives them and stops at
// the first one that breaks the hash chain (docs/hash-chain.md): a seq that
// does not follow the previous one, a prev_hash that is not the previous
// row's row_hash, or a row_hash that does not match the row's contents.
//
// One thread per checker.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "storage/row.h"

namespace orauditd {

class ChainChecker {
 public:
  // Checks the next row. Returns false, and keeps the reason in first_bad(),
  // at the first row that does not hold; later calls are not expected.
  // `where` ("audit.jsonl line 17"), when given, is added to the reason.
  bool Check(const Row& row, std::string_view where = {});

  // Records a failure found by the caller (an unreadable row, a line that is
  // not canonical). Returns false.
  bool Fail(std::string reason);

  // "seq 17 (request_id r-17)", how reasons name a row.
  static std::string Describe(int64_t seq, std::string_view request_id,
                              std::string_view where = {});

  int64_t rows() const { return rows_; }
  int64_t first_seq() const { return first_seq_; }
  int64_t last_seq() const { return last_seq_; }
  const std::string& last_hash() const { return last_hash_; }
  const std::string& first_bad() const { return first_bad_; }

 private:
  int64_t rows_ = 0;
  int64_t first_seq_ = 0;
  int64_t last_seq_ = 0;
  std::string last_hash_;
  std::string first_bad_;
};

}  // namespace orauditd
