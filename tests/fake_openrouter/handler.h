// Handler: decides the answer to one parsed request: the generation
// endpoint (auth, id, script step or default), the /_fake/ control
// endpoints, and the HTML 404 for any other path. One handler per server
// thread (it owns that thread's jitter generator); the state it shares is
// thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tests/fake_openrouter/fake_response.h"
#include "tests/fake_openrouter/fake_state.h"
#include "tests/fake_openrouter/http_request_parser.h"
#include "tests/fake_openrouter/options.h"
#include "tests/fake_openrouter/url.h"

namespace orauditd::fake {

class Handler {
 public:
  Handler(FakeState* state, const Options& options, uint64_t jitter_seed);

  FakeResponse Handle(const HttpRequest& request);

 private:
  FakeResponse HandleControl(const HttpRequest& request, const Target& target);
  FakeResponse HandleGeneration(const HttpRequest& request, const Target& target, LogEntry* entry);
  std::optional<FakeResponse> CheckAuth(const HttpRequest& request) const;
  uint32_t Jitter(uint32_t max_ms);
  void LogLine(const LogEntry& entry) const;

  FakeState* state_;
  std::vector<std::string> keys_;
  bool default_ok_;
  uint32_t latency_ms_;
  uint64_t seed_;
  bool log_requests_;
  uint64_t jitter_state_;
};

int64_t WallClockMs();

}  // namespace orauditd::fake
