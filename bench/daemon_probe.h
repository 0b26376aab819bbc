// Helpers for queue_bench's real-process part: start the built daemon, time
// how long until its socket takes a connection, read its memory from /proc.
//
// One thread.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <string>

#include "common/status.h"
#include "tests/support/subprocess.h"

namespace orauditd::bench {

struct Memory {
  uint64_t rss_kib = 0;  // VmRSS
  uint64_t hwm_kib = 0;  // VmHWM: the peak so far
};

StatusOr<Memory> ReadMemory(pid_t pid);

// Starts `binary --config config` and waits (up to `limit`) until a client
// can connect to `socket`. Returns the seconds from exec to that moment.
StatusOr<double> StartAndTimeSocket(testing::Subprocess* daemon, const std::string& binary,
                                    const std::string& config, const std::string& socket,
                                    const std::string& log, std::chrono::seconds limit);

}  // namespace orauditd::bench
