// FakeState: what the fake remembers across requests: the scripts, how
// many requests each scripted id has had, a bounded log of requests and the
// answer counts. Shared by every server thread; all methods are thread-safe.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "tests/fake_openrouter/script.h"

namespace orauditd::fake {

struct LogEntry {
  int64_t t_ms = 0;
  std::string method;
  std::string path;  // the request target, query included
  std::string id;    // decoded id; empty when there was none
  std::optional<std::string> authorization;
  std::optional<std::string> user_agent;
  int status = 0;     // 0: no answer was sent (a reset)
  int64_t step = -1;  // index of the scripted request for this id, -1 if unscripted
};

class FakeState {
 public:
  explicit FakeState(size_t log_capacity) : log_capacity_(log_capacity) {}

  // Adds or replaces the scripts of the ids in `script`; a replaced id
  // starts again at its first step.
  void AddScripts(Script script);

  // Forgets scripts, counters, the log and the answer counts.
  void Reset();

  struct Selection {
    std::shared_ptr<const IdScript> script;  // null: the id is not scripted
    int64_t index = -1;                      // this request's number for the id
  };
  // Counts a request for `id` and says which script step answers it.
  Selection Next(std::string_view id);

  void Record(LogEntry entry);

  // JSON array of the logged requests for `id` (all when absent), oldest first.
  std::string RequestsJson(std::optional<std::string_view> id) const;
  // {"requests":N,"by_status":{"200":N,...},"reset":N,"log_dropped":N}
  std::string StatsJson() const;

 private:
  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  struct Entry {
    std::shared_ptr<const IdScript> script;
    int64_t requests = 0;
  };

  const size_t log_capacity_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry, StringHash, std::equal_to<>> scripts_;
  std::deque<LogEntry> log_;
  int64_t log_dropped_ = 0;
  int64_t requests_ = 0;
  std::array<int64_t, 600> by_status_{};
};

}  // namespace orauditd::fake
