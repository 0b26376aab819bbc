// Row: one finished audit row, the unit every sink writes. Field names are
// the contract's column and JSON key names. An empty optional is NULL in
// SQLite and an absent key in JSON lines.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace orauditd {

struct Row {
  int64_t seq = 0;
  int64_t timestamp_ms = 0;
  std::string request_id;
  std::optional<std::string> generation_id;
  std::optional<std::string> model_requested;
  std::optional<std::string> model_used;
  std::optional<std::string> provider;
  std::optional<int64_t> prompt_tokens;
  std::optional<int64_t> completion_tokens;
  std::optional<int64_t> native_tokens_prompt;
  std::optional<int64_t> native_tokens_completion;
  std::optional<int64_t> native_tokens_reasoning;
  std::optional<int64_t> native_tokens_cached;
  std::optional<double> total_cost;
  std::optional<double> client_cost;
  std::optional<double> cache_discount;
  std::optional<double> upstream_inference_cost;
  std::optional<double> latency_ms;
  std::optional<double> generation_time_ms;
  std::optional<double> provider_latency_ms;
  std::optional<std::string> finish_reason;
  std::optional<bool> streamed;
  std::optional<bool> cancelled;
  std::optional<bool> is_byok;
  std::string status;       // success | error | timeout | cancelled
  std::optional<std::string> error_code;
  std::string meta_status;  // resolved | unresolved | auth_failed | failed | not_applicable
  std::optional<std::string> meta_error;
  int64_t attempts = 0;
  std::optional<std::string> user_id;
  std::optional<std::string> app;
  std::string key;
  std::optional<std::string> prompt_hash;
  std::optional<int64_t> peer_uid;
  std::optional<int64_t> peer_pid;
  std::string source;
  std::optional<std::string> metadata;       // JSON object text
  std::optional<std::string> duplicate_of;
  std::optional<std::string> generation_json;
  std::optional<int64_t> resolved_at_ms;
  std::string prev_hash;
  std::string row_hash;
};

}  // namespace orauditd
