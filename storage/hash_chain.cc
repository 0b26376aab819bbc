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

std::string SealRowToJsonLine(std::string_view prev_hash, Row* row) {
  row->prev_hash = prev_hash;
  row->row_hash = kGenesisHash;  // a stand-in of the right length
  std::string line;
  std::string canonical;
  size_t hash_at = RowToJsonLineForSealing(*row, &line, &canonical);
  row->row_hash = ComputeRowHashOfCanonical(prev_hash, canonical);
  line.replace(hash_at, row->row_hash.size(), row->row_hash);
  return line;
}

void HashChain::Seal(Row* row) {
  row->prev_hash = last_hash_;
  row->row_hash = ComputeRowHash(last_hash_, *row);
  last_hash_ = row->row_hash;
}

}  // namespace orauditd
