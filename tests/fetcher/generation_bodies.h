// Generation endpoint bodies for the fetcher tests, modelled on the ones
// openrouter.md cites: the live 2025-01 body (G5), the 2026-08 spec's full
// key set (§1.2, G4) and variants from its §7 list.
#pragma once

namespace orauditd::test_bodies {

inline constexpr char kLegacyId[] = "gen-1737842317-9ifH6Yzo5icEdfD0I8SI";

// G5: free model, total_cost 0, no upstream_inference_cost,
// native_tokens_cached, native_tokens_completion_images, external_user or
// api_type keys at all.
inline constexpr char kLegacy2025[] =
    R"({"data":{"id":"gen-1737842317-9ifH6Yzo5icEdfD0I8SI",)"
    R"("total_cost":0,"created_at":"2025-01-25T21:58:42.249238+00:00",)"
    R"("model":"google/gemini-2.0-flash-exp:free","origin":"https://openrouter.ai/","usage":0,)"
    R"("is_byok":false,"upstream_id":null,"cache_discount":null,"app_id":null,"streamed":true,)"
    R"("cancelled":false,"provider_name":"Google AI Studio","latency":3134,)"
    R"("moderation_latency":null,"generation_time":1,"finish_reason":"stop",)"
    R"("native_finish_reason":"STOP","tokens_prompt":10,"tokens_completion":30,)"
    R"("native_tokens_prompt":4,"native_tokens_completion":521,"native_tokens_reasoning":0,)"
    R"("num_media_prompt":null,"num_media_completion":null,"num_search_results":null}})";

inline constexpr char kFullId[] = "gen-1788220800-AbCdEfGhIjKlMnOpQrSt";

// The data object of kFull2026, exactly as it appears there (pretty-printed,
// so that "exactly as received" is tested with whitespace inside).
inline constexpr char kFull2026Data[] = R"({
    "id": "gen-1788220800-AbCdEfGhIjKlMnOpQrSt",
    "upstream_id": "chatcmpl-791bcf62-080e-4568-87d0-94c72e3b4946",
    "total_cost": 8.41005e-05,
    "usage": 8.41005e-05,
    "cache_discount": -0.0000125,
    "upstream_inference_cost": 0.0012,
    "created_at": "2026-08-29T17:34:43.565Z",
    "model": "anthropic/claude-4.5-haiku-20251001",
    "app_id": 12345,
    "streamed": true,
    "cancelled": false,
    "provider_name": "Amazon Bedrock",
    "latency": 442.5,
    "moderation_latency": 50,
    "generation_time": 457,
    "finish_reason": "tool_calls",
    "native_finish_reason": "tool_use",
    "tokens_prompt": 3000000000,
    "tokens_completion": 25,
    "native_tokens_prompt": 4294967296,
    "native_tokens_completion": 509,
    "native_tokens_completion_images": 0,
    "native_tokens_reasoning": 5,
    "native_tokens_cached": 3,
    "num_media_prompt": null,
    "num_input_audio_prompt": null,
    "num_media_completion": 0,
    "num_search_results": null,
    "num_fetches": 0,
    "origin": "https://example.com/",
    "is_byok": false,
    "external_user": "user-\u00e9\ud83d\ude00",
    "api_type": "completions",
    "router": "openrouter/auto",
    "provider_responses": [
      {"endpoint_id": "ep_1", "id": "chatcmpl-1", "is_byok": false, "latency": 1200,
       "model_permaslug": "anthropic/claude-4.5-haiku-20251001",
       "provider_name": "Anthropic", "status": 429},
      {"status": null, "provider_name": "Amazon Bedrock"}
    ],
    "user_agent": "orauditd-test",
    "http_referer": null,
    "request_id": "req-1788220800-aBcDeFgHiJkLmNoPqRsT",
    "session_id": null,
    "web_search_engine": null,
    "service_tier": "priority",
    "preset_id": null,
    "data_region": "global",
    "workspace_id": null
  })";

inline constexpr char kFull2026Prefix[] = "{\n  \"data\": ";
inline constexpr char kFull2026Suffix[] = "\n}\n";

}  // namespace orauditd::test_bodies
