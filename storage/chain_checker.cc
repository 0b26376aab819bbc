#include "storage/chain_checker.h"

#include "storage/hash_chain.h"

namespace orauditd {

std::string ChainChecker::Describe(int64_t seq, std::string_view request_id,
                                   std::string_view where) {
  std::string text = "seq " + std::to_string(seq) + " (request_id ";
  text.append(request_id).append(")");
  if (!where.empty()) text.append(" at ").append(where);
  return text;
}

bool ChainChecker::Fail(std::string reason) {
  if (first_bad_.empty()) first_bad_ = std::move(reason);
  return false;
}

bool ChainChecker::Check(const Row& row, std::string_view where) {
  std::string name = Describe(row.seq, row.request_id, where);

  if (rows_ == 0) {
    // A chain may start after seq 1 (rotated files pruned, a sink added
    // later); then its first link cannot be checked, and the caller says so.
    if (row.seq < 1) return Fail(name + ": seq must be 1 or more");
    if (row.seq == 1 && row.prev_hash != kGenesisHash) {
      return Fail(name + ": prev_hash of seq 1 is not the genesis hash (64 zeros)");
    }
    first_seq_ = row.seq;
  } else if (row.seq != last_seq_ + 1) {
    std::string expected = "expected seq " + std::to_string(last_seq_ + 1) + " after seq " +
                           std::to_string(last_seq_);
    return Fail(name + ": " + expected +
                (row.seq <= last_seq_ ? " (rows repeated or out of order)"
                                      : " (rows missing or out of order)"));
  } else if (row.prev_hash != last_hash_) {
    return Fail(name + ": prev_hash does not match the row_hash of seq " +
                std::to_string(last_seq_) + " (a row before it was removed, inserted or replaced)");
  }

  if (ComputeRowHash(row.prev_hash, row) != row.row_hash) {
    return Fail(name + ": row_hash does not match its contents (the row was edited)");
  }
  ++rows_;
  last_seq_ = row.seq;
  last_hash_ = row.row_hash;
  return true;
}

}  // namespace orauditd
