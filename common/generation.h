// Generation: the authoritative metadata OpenRouter's generation endpoint
// returned for one call (the `data` object of GET /generation?id=).
// A field OpenRouter sent as null, or did not send, stays empty: the audit
// row shows NULL, never a made-up zero.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace orauditd {

struct Generation {
  std::string data_json;  // the `data` object's text exactly as received

  std::optional<std::string> id;
  std::optional<std::string> upstream_id;
  std::optional<std::string> model;
  std::optional<std::string> provider_name;
  std::optional<std::string> created_at;
  std::optional<std::string> finish_reason;
  std::optional<std::string> native_finish_reason;
  std::optional<std::string> api_type;
  std::optional<std::string> router;

  std::optional<double> total_cost;
  std::optional<double> usage;
  std::optional<double> cache_discount;
  std::optional<double> upstream_inference_cost;

  std::optional<double> latency;
  std::optional<double> moderation_latency;
  std::optional<double> generation_time;

  std::optional<int64_t> tokens_prompt;
  std::optional<int64_t> tokens_completion;
  std::optional<int64_t> native_tokens_prompt;
  std::optional<int64_t> native_tokens_completion;
  std::optional<int64_t> native_tokens_reasoning;
  std::optional<int64_t> native_tokens_cached;
  std::optional<int64_t> native_tokens_completion_images;

  std::optional<bool> streamed;
  std::optional<bool> cancelled;
  std::optional<bool> is_byok;
};

}  // namespace orauditd
