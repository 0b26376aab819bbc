// PendingStats: how many records the queue holds and when the oldest of
// them came in, kept up to date as records enter and leave, so that reading
// it costs nothing: metrics, the systemd STATUS line and `orauditctl
// status` ask every few seconds, and a scan of a large backlog would stall
// the loop exactly when the backlog matters.
//
// Counts are kept per intake second, so memory grows with the number of
// distinct seconds in which pending records arrived, not with how many
// there are: a million records pending over the default 30-minute window
// take at most 1800 entries. The oldest intake time is that of its second.
// Intake and finalization run on different threads; a record may be seen
// leaving before it is seen entering, so a count may dip below zero for a
// moment and is read as zero.
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
    // True while the count of what a restart found is still running; the
    // figures are then a lower bound.
    bool counting = false;
  };

  void Add(int64_t received_ms);
  void Remove(int64_t received_ms);
  void SetCounting(bool counting);
  Snapshot Read() const;

 private:
  mutable std::mutex mu_;
  std::map<int64_t, int64_t> by_received_ms_;  // guarded by mu_; no zero entries
  int64_t records_ = 0;                        // guarded by mu_
  bool counting_ = false;                      // guarded by mu_
};

}  // namespace orauditd
