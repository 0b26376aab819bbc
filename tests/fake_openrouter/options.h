// Command line of the fake_openrouter binary. Pure parsing, no side effects.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"

namespace orauditd::fake {

struct Options {
  std::string host = "127.0.0.1";
  uint16_t port = 0;  // 0: the kernel picks a free port
  std::string port_file;
  std::vector<std::string> script_files;
  std::vector<std::string> keys;  // empty: any or no Authorization is accepted
  bool default_ok = true;         // unscripted ids: 200 (true) or 404 (false)
  uint32_t latency_ms = 0;
  uint64_t seed = 0;
  int threads = 1;
  size_t log_limit = 100000;
  bool quiet = false;
  bool log_requests = false;
  bool help = false;
};

StatusOr<Options> ParseOptions(int argc, const char* const* argv);

std::string UsageText();

}  // namespace orauditd::fake
