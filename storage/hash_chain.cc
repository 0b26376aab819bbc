#include "storage/hash_chain.h"

#include "common/prompt_hash.h"
#include "storage/row_json.h"

namespace orauditd {

std::string ComputeRowHash(std::string_view prev_hash, const Row& row) {
  std::string input;
  input.reserve(prev_hash.size() + 1 + 1024);
  input.append(prev_hash);
  input.push_back('\n');
  input.append(RowCanonicalForm(row));
  return Sha256Hex(input);
}

void HashChain::Seal(Row* row) {
  row->prev_hash = last_hash_;
  row->row_hash = ComputeRowHash(last_hash_, *row);
  last_hash_ = row->row_hash;
}

}  // namespace orauditd
