#include "storage/seq_check.h"

#include <string>

namespace orauditd {

size_t FirstNewRow(const std::vector<Row>& rows, int64_t last_seq) {
  size_t first = 0;
  while (first < rows.size() && rows[first].seq <= last_seq) ++first;
  return first;
}

Status CheckContiguous(const std::vector<Row>& rows, size_t first, int64_t last_seq,
                       std::string_view context) {
  int64_t expected = last_seq + 1;
  for (size_t i = first; i < rows.size(); ++i) {
    int64_t seq = rows[i].seq;
    bool fits = seq == expected || (i == first && last_seq == 0 && seq > 0);
    if (!fits) {
      return Status::FailedPrecondition(std::string(context) + ": row seq " + std::to_string(seq) +
                                        " does not follow seq " + std::to_string(expected - 1) +
                                        "; writing it would leave a gap in the hash chain");
    }
    expected = seq + 1;
  }
  return Status::Ok();
}

}  // namespace orauditd
