#include "storage/hash_chain.h"

#include "storage/row_json.h"
#include "storage/sha256.h"

namespace orauditd {

std::string ComputeRowHash(std::string_view prev_hash, const Row& row) {
  return ComputeRowHashOfCanonical(prev_hash, RowCanonicalForm(row));
}

std::string ComputeRowHashOfCanonical(std::string_view prev_hash, std::string_view canonical) {
  return Sha256HexOfParts({prev_hash, "\n", canonical});
}

void HashChain::Seal(Row* row) {
  row->prev_hash = last_hash_;
  row->row_hash = ComputeRowHash(last_hash_, *row);
  last_hash_ = row->row_hash;
}

}  // namespace orauditd
