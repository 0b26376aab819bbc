// PipelinedClient: one connection to the daemon's intake socket that streams
// records and reads their replies at the same time (as tools/intake_client's
// SubmitLines does), and times every reply.
//
// Two ways to send:
//  - closed loop (rate 0): as fast as the window of unanswered lines allows;
//    a line's latency counts from when it was handed to the socket;
//  - paced (rate > 0): line i is due at start + i / rate, whatever happened
//    to the ones before it, and its latency counts from that due time, so
//    that a stall is charged to every line it held back (no coordinated
//    omission).
//
// The lines are built before the clock starts; the client only copies bytes
// and counts reply lines, so that it costs the machine little next to the
// daemon. One thread per client; RunClient blocks.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"

namespace orauditd::bench {

// Newline-terminated lines in one buffer, with where each one ends.
struct LineBlock {
  std::string bytes;
  std::vector<size_t> ends;  // ends[i]: offset just past line i's newline

  void Add(const std::string& line);
  size_t size() const { return ends.size(); }
};

struct ClientPlan {
  const LineBlock* lines = nullptr;
  size_t window = 1024;                         // unanswered lines at most
  double rate = 0;                              // lines per second, paced; 0: closed loop
  std::chrono::steady_clock::time_point start;  // when line 0 is due (paced)
  std::chrono::seconds limit{120};              // gives up after this long
};

struct ClientResult {
  Status status;
  uint64_t ok = 0;
  uint64_t refused = 0;
  std::string first_refusal;
  std::vector<double> latency_ms;  // per answered line
  std::chrono::steady_clock::time_point finished;
};

ClientResult RunClient(const std::string& socket_path, const ClientPlan& plan);

}  // namespace orauditd::bench
