// Rows and folders shared by the storage and tools tests: three golden rows
// whose canonical forms are spelled out by hand (docs/hash-chain.md gives the
// rules), a generator of realistic sealed chains, and a per-test temporary
// folder.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "storage/hash_chain.h"
#include "storage/row.h"

namespace orauditd::fixtures {

// Every kind of field: exponent costs, a negative discount, integers, 0,
// escapes, non-ASCII text, and metadata whose keys sort differently by
// UTF-16 code units than by bytes (U+1F600 before U+E000).
inline Row GoldenRowA() {
  Row r;
  r.seq = 1;
  r.timestamp_ms = 1796397038123;  // 2026-12-04T15:10:38.123Z
  r.request_id = "r-1";
  r.generation_id = "gen-1733325038-abc";
  r.model_requested = "openai/gpt-4o";
  r.model_used = "openai/gpt-4o-2024-08-06";
  r.provider = "OpenAI";
  r.prompt_tokens = 19;
  r.completion_tokens = 0;
  r.native_tokens_prompt = 21;
  r.native_tokens_completion = 0;
  r.native_tokens_cached = 0;
  r.total_cost = 8.41005e-05;
  r.client_cost = 3.4e-05;
  r.cache_discount = -1.2e-06;
  r.upstream_inference_cost = 19.0;
  r.latency_ms = 1234.5;
  r.generation_time_ms = 0.0;
  r.provider_latency_ms = 1e-7;
  r.finish_reason = "stop";
  r.streamed = true;
  r.cancelled = false;
  r.is_byok = false;
  r.status = "success";
  r.meta_status = "resolved";
  r.attempts = 2;
  r.user_id = "\xE3\x83\xA6\xE3\x83\xBC\xE3\x82\xB6\xE3\x83\xBC-\xC3\xBC";  // ユーザー-ü
  r.app = "billing \"v2\"\n";
  r.key = "default";
  r.prompt_hash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
  r.peer_uid = 1000;
  r.peer_pid = 4242;
  r.source = "socket";
  // Written with spaces and out of order on purpose.
  r.metadata =
      "{ \"b\": \"2\", \"\xF0\x9F\x98\x80\": \"y\", \"a\": \"1\", \"\xEE\x80\x80\": \"z\", "
      "\"\xC3\xA9\": \"x\" }";
  r.generation_json = "{\"id\":\"gen-1\",\"total_cost\":8.41005e-05}";
  r.resolved_at_ms = 1796397040623;  // 2.5 s later
  return r;
}

inline const char kGoldenCanonicalA[] =
    "{\"app\":\"billing \\\"v2\\\"\\n\",\"attempts\":2,\"cache_discount\":-0.0000012,"
    "\"cancelled\":false,\"client_cost\":0.000034,\"completion_tokens\":0,"
    "\"finish_reason\":\"stop\",\"generation_id\":\"gen-1733325038-abc\","
    "\"generation_json\":\"{\\\"id\\\":\\\"gen-1\\\",\\\"total_cost\\\":8.41005e-05}\","
    "\"generation_time_ms\":0,\"is_byok\":false,\"key\":\"default\",\"latency_ms\":1234.5,"
    "\"meta_status\":\"resolved\","
    "\"metadata\":{\"a\":\"1\",\"b\":\"2\",\"\xC3\xA9\":\"x\",\"\xF0\x9F\x98\x80\":\"y\","
    "\"\xEE\x80\x80\":\"z\"},"
    "\"model_requested\":\"openai/gpt-4o\",\"model_used\":\"openai/gpt-4o-2024-08-06\","
    "\"native_tokens_cached\":0,\"native_tokens_completion\":0,\"native_tokens_prompt\":21,"
    "\"peer_pid\":4242,\"peer_uid\":1000,"
    "\"prompt_hash\":\"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\","
    "\"prompt_tokens\":19,\"provider\":\"OpenAI\",\"provider_latency_ms\":1e-7,"
    "\"request_id\":\"r-1\",\"resolved_at\":\"2026-12-04T15:10:40.623Z\",\"seq\":1,"
    "\"source\":\"socket\",\"status\":\"success\",\"streamed\":true,"
    "\"timestamp\":\"2026-12-04T15:10:38.123Z\",\"total_cost\":0.0000841005,"
    "\"upstream_inference_cost\":19,"
    "\"user_id\":\"\xE3\x83\xA6\xE3\x83\xBC\xE3\x82\xB6\xE3\x83\xBC-\xC3\xBC\"}";

// Only the fields every row has, and a control character.
inline Row GoldenRowB() {
  Row r;
  r.seq = 2;
  r.timestamp_ms = 1796397060000;  // 2026-12-04T15:11:00.000Z
  r.request_id = "r-2";
  r.status = "error";
  r.error_code = std::string("bad\x01thing");
  r.meta_status = "not_applicable";
  r.attempts = 0;
  r.key = "default";
  r.source = "spool";
  return r;
}

inline const char kGoldenCanonicalB[] =
    "{\"attempts\":0,\"error_code\":\"bad\\u0001thing\",\"key\":\"default\","
    "\"meta_status\":\"not_applicable\",\"request_id\":\"r-2\",\"seq\":2,\"source\":\"spool\","
    "\"status\":\"error\",\"timestamp\":\"2026-12-04T15:11:00.000Z\"}";

// Numbers at the edges of ECMAScript's plain notation.
inline Row GoldenRowC() {
  Row r;
  r.seq = 3;
  r.timestamp_ms = 1796428800001;  // 2026-12-05T00:00:00.001Z
  r.request_id = "r-3";
  r.model_used = "anthropic/claude-3.5-sonnet";
  r.client_cost = 1.2345678901234568e+20;
  r.latency_ms = 1e21;
  r.status = "timeout";
  r.meta_status = "unresolved";
  r.attempts = 1;
  r.key = "team-b";
  r.source = "replay";
  return r;
}

inline const char kGoldenCanonicalC[] =
    "{\"attempts\":1,\"client_cost\":123456789012345680000,\"key\":\"team-b\","
    "\"latency_ms\":1e+21,\"meta_status\":\"unresolved\","
    "\"model_used\":\"anthropic/claude-3.5-sonnet\",\"request_id\":\"r-3\",\"seq\":3,"
    "\"source\":\"replay\",\"status\":\"timeout\",\"timestamp\":\"2026-12-05T00:00:00.001Z\"}";

// A realistic row for seq `seq`; `request_id` "r-<seq>" unless given.
inline Row MakeRow(int64_t seq, std::string request_id = "") {
  Row r;
  r.seq = seq;
  r.timestamp_ms = 1796397038123 + seq * 1000;
  r.request_id = request_id.empty() ? "r-" + std::to_string(seq) : request_id;
  r.generation_id = "gen-" + std::to_string(1733325038 + seq) + "-x";
  r.model_requested = seq % 2 ? "openai/gpt-4o" : "anthropic/claude-3.5-sonnet";
  r.model_used = r.model_requested;
  r.provider = seq % 2 ? "OpenAI" : "Anthropic";
  r.prompt_tokens = 100 + seq % 50;
  r.completion_tokens = 20 + seq % 30;
  r.native_tokens_prompt = 110 + seq % 50;
  r.native_tokens_completion = 22 + seq % 30;
  r.total_cost = 0.0000841005 * static_cast<double>(1 + seq % 7);
  r.latency_ms = 800.0 + static_cast<double>(seq % 300);
  r.streamed = seq % 3 == 0;
  r.status = seq % 10 == 0 ? "error" : "success";
  r.meta_status = "resolved";
  r.attempts = 1;
  r.user_id = "user-" + std::to_string(seq % 5);
  r.key = "default";
  r.source = "socket";
  r.metadata = "{\"team\":\"t" + std::to_string(seq % 3) + "\"}";
  r.generation_json = "{\"id\":\"gen-x\",\"total_cost\":0.0000841005,\"model\":\"m\"}";
  r.resolved_at_ms = r.timestamp_ms + 2000;
  return r;
}

// Rows first_seq..first_seq+count-1, sealed after `last_hash`.
inline std::vector<Row> MakeChain(int64_t first_seq, int64_t count,
                                  std::string last_hash = kGenesisHash) {
  HashChain chain(std::move(last_hash));
  std::vector<Row> rows;
  for (int64_t seq = first_seq; seq < first_seq + count; ++seq) {
    rows.push_back(MakeRow(seq));
    chain.Seal(&rows.back());
  }
  return rows;
}

// A fresh folder under $TMPDIR, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    // mkdtemp's template ends in six X.
    std::string pattern =
        (std::filesystem::temp_directory_path() / "orauditd-test-").string() + std::string(6, 'X');
    path_ = mkdtemp(pattern.data()) ? pattern : std::string();
  }
  ~TempDir() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace orauditd::fixtures
