// Record: one audited call as the application reported it, after intake has
// validated and normalised it. This is what the queue stores durably and
// what every later stage reads. Raw prompts never reach this struct: intake
// hashes `messages` into prompt_hash and drops them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace orauditd {

enum class CallStatus { kSuccess, kError, kTimeout, kCancelled };

const char* CallStatusName(CallStatus status);
bool ParseCallStatus(std::string_view text, CallStatus* out);

struct Record {
  // Identity. `request_id` is the client's idempotency key or, when it sent
  // none, a ULID the daemon assigned; every row carries one.
  std::string request_id;
  bool request_id_assigned = false;
  // The key intake deduplicates on: request_id if the client gave one, else
  // generation_id, else "spool:<file>:<line>".
  std::string dedup_key;

  std::optional<std::string> generation_id;
  int64_t timestamp_ms = 0;  // when the call was made; the retry window counts from here
  std::optional<std::string> model_requested;
  std::optional<std::string> model_used;
  std::optional<int64_t> prompt_tokens;
  std::optional<int64_t> completion_tokens;
  std::optional<double> cost;  // what the app saw (usage accounting); becomes client_cost
  std::optional<double> latency_ms;
  CallStatus status = CallStatus::kSuccess;
  std::optional<std::string> error_code;
  std::optional<std::string> user_id;
  std::optional<std::string> app;
  std::string key = "default";  // name of the configured API key
  std::optional<std::string> prompt_hash;
  std::optional<bool> streamed;  // from a raw response body, when given
  std::vector<std::pair<std::string, std::string>> metadata;

  // Where and when it came in.
  std::string source = "socket";  // socket | spool | replay
  std::optional<int64_t> peer_uid;
  std::optional<int64_t> peer_pid;
  int64_t received_ms = 0;
};

}  // namespace orauditd
