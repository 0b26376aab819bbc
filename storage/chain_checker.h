// Checking a stored hash chain (docs/hash-chain.md) in two parts:
//
//  - DigestRow / DigestJsonLine look at one row on its own (is it readable,
//    does its row_hash match its contents, is its line canonical). They are
//    pure, so the verifier runs them on worker threads;
//  - ChainChecker then takes the digests in the order the store gives them
//    and checks what joins rows: each seq follows the one before, and each
//    prev_hash is the row_hash before it. It stops at the first row that
//    does not hold.
//
// ChainChecker: one thread per checker.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "storage/row.h"

namespace orauditd {

// What the chain needs to know about one row.
struct RowDigest {
  bool readable = true;  // false: nothing but `problem` is known
  int64_t seq = 0;
  std::string request_id;
  std::string prev_hash;
  std::string row_hash;
  std::string_view file;  // for a JSON line: its file (outlives the digest) ...
  int64_t line = 0;       // ... and its 1-based line number
  std::string problem;    // why the row does not hold on its own; empty if it does
};

// "seq 17 (request_id r-17)" or "seq 17 (request_id r-17) at audit.jsonl
// line 17": how reasons name a row.
std::string DescribeRow(const RowDigest& row);

// "audit.jsonl line 17".
std::string DescribeLine(std::string_view file, int64_t line);

// A row read from a database.
RowDigest DigestRow(const Row& row);

// Line `line_number` of `file`: it must parse as a row and be exactly that
// row's JSON lines form, so that any changed byte is found.
RowDigest DigestJsonLine(std::string_view text, std::string_view file, int64_t line_number);

// A row that could not be read; `problem` says why and names it.
RowDigest UnreadableRow(std::string problem);

class ChainChecker {
 public:
  // Checks the next row. Returns false, and keeps the reason in first_bad(),
  // at the first row that does not hold; later calls are not expected.
  bool Check(const RowDigest& row);

  int64_t rows() const { return rows_; }
  int64_t first_seq() const { return first_seq_; }
  int64_t last_seq() const { return last_seq_; }
  const std::string& last_hash() const { return last_hash_; }
  const std::string& first_bad() const { return first_bad_; }

 private:
  bool Fail(std::string reason);

  int64_t rows_ = 0;
  int64_t first_seq_ = 0;
  int64_t last_seq_ = 0;
  std::string last_hash_;
  std::string first_bad_;
};

}  // namespace orauditd
