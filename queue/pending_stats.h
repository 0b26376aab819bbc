// PendingStats: how many records the queue holds and when the oldest of
// them came in, kept up to date as records enter and leave, so that reading
// it costs nothing: metrics, the systemd STATUS line and `orauditctl
// status` ask every few seconds, and a scan of a large backlog would stall
// the loop exactly when the backlog matters.
//
// Counts are kept per intake millisecond, so memory grows with the number
// of distinct milliseconds in which pending records arrived, not with
// their size. Intake and finalization run on different threads; a record
// may be seen leaving before it is seen entering, so a count may dip below
// zero for a moment and is read as zero.
//
// Any thread.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>

namespace orauditd {

class PendingStats {
 public:
  struct Snapshot {
    uint64_t records = 0;
    std::optional<int64_t> oldest_received_ms;
  };

  void Add(int64_t received_ms);
  void Remove(int64_t received_ms);
  Snapshot Read() const;

 private:
  mutable std::mutex mu_;
  std::map<int64_t, int64_t> by_received_ms_;  // guarded by mu_; no zero entries
  int64_t records_ = 0;                        // guarded by mu_
};

}  // namespace orauditd
