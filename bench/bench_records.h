// The records the benchmarks send: flat intake records of a realistic size
// (about 400 bytes, the shape of examples/records.jsonl), each with its own
// request_id and generation_id.
#pragma once

#include <cstdint>
#include <cstdio>
#include <ctime>
#include <string>

namespace orauditd::bench {

// `tag` keeps ids of different runs apart; `with_timestamp` adds the call's
// time (now) as RFC 3339, which intake parses and normalises.
inline std::string GenerationId(const std::string& tag, int64_t i) {
  return "gen-1796400000-" + tag + "x" + std::to_string(i);
}

inline std::string RecordLine(const std::string& tag, int64_t i, bool with_timestamp) {
  static const char* kModels[] = {"openai/gpt-4o-mini", "anthropic/claude-4.5-haiku",
                                  "google/gemini-2.5-flash"};
  std::string line = "{\"request_id\":\"" + tag + "-" + std::to_string(i) +
                     "\",\"generation_id\":\"" + GenerationId(tag, i) + "\"";
  if (with_timestamp) {
    char stamp[40];
    std::time_t now = std::time(nullptr);
    std::tm utc;
    gmtime_r(&now, &utc);
    std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S.123Z", &utc);
    line += ",\"timestamp\":\"" + std::string(stamp) + "\"";
  }
  const char* model = kModels[i % 3];
  line += ",\"model_requested\":\"" + std::string(model) + "\",\"model_used\":\"" + model +
          "\",\"user_id\":\"user-" + std::to_string(i % 1000) +
          "\",\"app\":\"support-bot\",\"status\":\"success\",\"prompt_tokens\":" +
          std::to_string(150 + i % 900) + ",\"completion_tokens\":" + std::to_string(20 + i % 300) +
          ",\"cost\":0.0000603,\"latency_ms\":" + std::to_string(400 + i % 1600) +
          ",\"metadata\":{\"team\":\"payments\",\"env\":\"prod\"}}";
  return line;
}

}  // namespace orauditd::bench
