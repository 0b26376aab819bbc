#include "storage/chain_checker.h"

#include "storage/hash_chain.h"
#include "storage/row_json.h"

namespace orauditd {
namespace {

constexpr char kEdited[] = ": row_hash does not match its contents (the row was edited)";

}  // namespace

std::string DescribeLine(std::string_view file, int64_t line) {
  return std::string(file) + " line " + std::to_string(line);
}

std::string DescribeRow(const RowDigest& row) {
  std::string text = "seq " + std::to_string(row.seq) + " (request_id ";
  text.append(row.request_id).append(")");
  if (!row.file.empty()) text.append(" at ").append(DescribeLine(row.file, row.line));
  return text;
}

RowDigest DigestRow(const Row& row) {
  RowDigest digest;
  digest.seq = row.seq;
  digest.request_id = row.request_id;
  digest.prev_hash = row.prev_hash;
  digest.row_hash = row.row_hash;
  if (ComputeRowHash(row.prev_hash, row) != row.row_hash) {
    digest.problem = DescribeRow(digest) + kEdited;
  }
  return digest;
}

RowDigest DigestJsonLine(std::string_view text, std::string_view file, int64_t line_number) {
  StatusOr<Row> row = RowFromJsonLine(text);
  if (!row.ok()) {
    return UnreadableRow(DescribeLine(file, line_number) +
                         ": not a row: " + row.status().message());
  }
  std::string canonical_line, canonical;
  RowToJsonLineAndCanonicalForm(*row, &canonical_line, &canonical);
  bool hash_ok = ComputeRowHashOfCanonical(row->prev_hash, canonical) == row->row_hash;

  RowDigest digest;
  digest.seq = row->seq;
  digest.request_id = std::move(row->request_id);
  digest.prev_hash = std::move(row->prev_hash);
  digest.row_hash = std::move(row->row_hash);
  digest.file = file;
  digest.line = line_number;
  if (!hash_ok) {
    digest.problem = DescribeRow(digest) + kEdited;
  } else if (canonical_line != text) {
    // The hash covers the row's contents; this covers every other byte.
    digest.problem = DescribeRow(digest) +
                     ": line is not the canonical form of its row (reformatted, or holds "
                     "members that are not part of the row)";
  }
  return digest;
}

RowDigest UnreadableRow(std::string problem) {
  RowDigest digest;
  digest.readable = false;
  digest.problem = std::move(problem);
  return digest;
}

bool ChainChecker::Fail(std::string reason) {
  if (first_bad_.empty()) first_bad_ = std::move(reason);
  return false;
}

bool ChainChecker::Check(const RowDigest& row) {
  if (!row.readable) return Fail(row.problem);

  if (rows_ == 0) {
    // A chain may start after seq 1 (rotated files pruned, a sink added
    // later); then its first link cannot be checked, and the caller says so.
    if (row.seq < 1) return Fail(DescribeRow(row) + ": seq must be 1 or more");
    if (row.seq == 1 && row.prev_hash != kGenesisHash) {
      return Fail(DescribeRow(row) + ": prev_hash of seq 1 is not the genesis hash (64 zeros)");
    }
    first_seq_ = row.seq;
  } else if (row.seq != last_seq_ + 1) {
    return Fail(DescribeRow(row) + ": expected seq " + std::to_string(last_seq_ + 1) +
                " after seq " + std::to_string(last_seq_) +
                (row.seq <= last_seq_ ? " (rows repeated or out of order)"
                                      : " (rows missing or out of order)"));
  } else if (row.prev_hash != last_hash_) {
    return Fail(DescribeRow(row) + ": prev_hash does not match the row_hash of seq " +
                std::to_string(last_seq_) + " (a row before it was removed, inserted or replaced)");
  }

  if (!row.problem.empty()) return Fail(row.problem);
  ++rows_;
  last_seq_ = row.seq;
  last_hash_ = row.row_hash;
  return true;
}

}  // namespace orauditd
