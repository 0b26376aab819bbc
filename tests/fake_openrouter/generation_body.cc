#include "tests/fake_openrouter/generation_body.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>

#include "common/json_writer.h"
#include "common/time_format.h"

namespace orauditd::fake {
namespace {

constexpr std::string_view kModel = "openai/gpt-4o-mini-2024-07-18";
constexpr char kAlnum[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

// Keys the first spec (2025-09-19) did not have yet.
constexpr std::array<std::string_view, 14> kAfter2025_09 = {"num_input_audio_prompt",
                                                            "num_fetches",
                                                            "router",
                                                            "provider_responses",
                                                            "user_agent",
                                                            "http_referer",
                                                            "request_id",
                                                            "session_id",
                                                            "response_cache_source_id",
                                                            "web_search_engine",
                                                            "service_tier",
                                                            "preset_id",
                                                            "data_region",
                                                            "workspace_id"};

// Keys missing from the live January 2025 body (openrouter.md G5).
constexpr std::array<std::string_view, 5> kAfter2025_01 = {
    "upstream_inference_cost", "native_tokens_cached", "native_tokens_completion_images",
    "external_user", "api_type"};

uint64_t SplitMix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

uint64_t Fnv1a(std::string_view text) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next() { return state_ = SplitMix64(state_); }
  int64_t Below(uint64_t n) { return static_cast<int64_t>(Next() % n); }
  std::string Alnum(size_t n) {
    std::string out;
    for (size_t i = 0; i < n; ++i) out.push_back(kAlnum[Next() % (sizeof kAlnum - 1)]);
    return out;
  }

 private:
  uint64_t state_;
};

// Rounds to 12 decimals so costs print as 0.00015645, not 0.00015644999999999998.
double RoundTo12(double value) { return std::round(value * 1e12) / 1e12; }

// The numbers every body of one id shares, drawn in a fixed order.
struct Derived {
  int64_t native_prompt;
  int64_t native_completion;
  int64_t cached;
  double total_cost;
};

Derived Derive(Rng* rng) {
  Derived d;
  d.native_prompt = 20 + rng->Below(3000);
  d.native_completion = 5 + rng->Below(1500);
  d.cached = rng->Below(4) == 0 ? d.native_prompt / 2 : 0;
  // gpt-4o-mini list prices: $0.15 per million input, $0.60 per million output.
  d.total_cost = RoundTo12(static_cast<double>(d.native_prompt) * 0.15e-6 +
                           static_cast<double>(d.native_completion) * 0.6e-6);
  return d;
}

Rng SeededRng(std::string_view id, uint64_t seed) { return Rng(Fnv1a(id) ^ SplitMix64(seed)); }

// "gen-<10 digit unix seconds>-..." carries its creation time; use it.
int64_t CreatedUnix(std::string_view id, Rng* rng) {
  int64_t fallback = 1785000000 + rng->Below(10000000);
  if (id.size() < 15 || id.substr(0, 4) != "gen-" || id[14] != '-') return fallback;
  int64_t seconds = 0;
  for (char c : id.substr(4, 10)) {
    if (c < '0' || c > '9') return fallback;
    seconds = seconds * 10 + (c - '0');
  }
  return seconds;
}

std::string IsoMicros(int64_t unix_seconds, int64_t micros) {
  int64_t days = unix_seconds / 86400;
  int64_t rem = unix_seconds % 86400;
  int64_t year = 0;
  unsigned month = 0;
  unsigned day = 0;
  CivilFromDays(days, &year, &month, &day);
  char text[48];
  std::snprintf(text, sizeof text, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%06lld+00:00",
                static_cast<long long>(year), month, day, static_cast<long long>(rem / 3600),
                static_cast<long long>(rem / 60 % 60), static_cast<long long>(rem % 60),
                static_cast<long long>(micros));
  return text;
}

std::string Quote(std::string_view text) {
  std::string out;
  AppendJsonString(&out, text);
  return out;
}

std::string Number(double value) {
  std::string out;
  AppendJsonNumber(&out, value);
  return out;
}

std::string Int(int64_t value) { return std::to_string(value); }

template <size_t N>
bool Contains(const std::array<std::string_view, N>& keys, std::string_view key) {
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

void AppendExtraFields(DataFields* fields) {
  // Keys no spec has yet, and strings that stress a client's JSON handling:
  // emoji, right-to-left text and an escaped NUL.
  SetField("external_user",
           Quote(std::string("user-\xf0\x9f\xa6\x80-\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d-") +
                 std::string(1, '\0') + "-end"),
           fields);
  fields->push_back({"x_fake_unknown_number", "42"});
  fields->push_back({"x_fake_unknown_object",
                     R"({"nested":{"deep":[1,2.5,"three",null,true]},"currency":"USD"})"});
  fields->push_back({"x_fake_unknown_array", R"([{"a":1},{"b":[]},[]])"});
  fields->push_back({"x_fake_unknown_null", "null"});
}

}  // namespace

double DefaultTotalCost(std::string_view id, uint64_t seed) {
  Rng rng = SeededRng(id, seed);
  return Derive(&rng).total_cost;
}

DataFields DefaultDataFields(std::string_view id, uint64_t seed, Era era) {
  Rng rng = SeededRng(id, seed);
  Derived d = Derive(&rng);
  int64_t created = CreatedUnix(id, &rng);
  int64_t latency = 300 + rng.Below(5000);
  std::string upstream_id = "chatcmpl-" + rng.Alnum(24);
  std::string cache_discount;
  switch (rng.Below(4)) {  // openrouter.md G10: negative, zero, positive and null occur
    case 0:
      cache_discount = "null";
      break;
    case 1:
      cache_discount = "0";
      break;
    case 2:
      cache_discount = Number(RoundTo12(d.total_cost * 0.1));
      break;
    default:
      cache_discount = Number(RoundTo12(-d.total_cost * 0.05));
      break;
  }

  DataFields f;
  f.reserve(52);
  f.push_back({"id", Quote(id)});
  f.push_back({"upstream_id", Quote(upstream_id)});
  f.push_back({"total_cost", Number(d.total_cost)});
  f.push_back({"usage", Number(d.total_cost)});
  f.push_back({"cache_discount", std::move(cache_discount)});
  f.push_back({"upstream_inference_cost", "0"});
  f.push_back({"created_at", Quote(IsoMicros(created, rng.Below(1000000)))});
  f.push_back({"model", Quote(kModel)});
  f.push_back({"app_id", "null"});
  f.push_back({"streamed", rng.Below(2) == 0 ? "true" : "false"});
  f.push_back({"cancelled", "false"});
  f.push_back({"provider_name", "\"OpenAI\""});
  f.push_back({"latency", Int(latency)});
  f.push_back({"moderation_latency", Int(rng.Below(120))});
  f.push_back({"generation_time", Int(200 + rng.Below(6000))});
  f.push_back({"finish_reason", "\"stop\""});
  f.push_back({"native_finish_reason", "\"stop\""});
  f.push_back({"tokens_prompt", Int(d.native_prompt + rng.Below(8))});
  f.push_back({"tokens_completion", Int(d.native_completion + rng.Below(8))});
  f.push_back({"native_tokens_prompt", Int(d.native_prompt)});
  f.push_back({"native_tokens_completion", Int(d.native_completion)});
  f.push_back({"native_tokens_completion_images", "0"});
  f.push_back({"native_tokens_reasoning", "0"});
  f.push_back({"native_tokens_cached", Int(d.cached)});
  f.push_back({"num_media_prompt", "0"});
  f.push_back({"num_input_audio_prompt", "0"});
  f.push_back({"num_media_completion", "0"});
  f.push_back({"num_search_results", "0"});
  f.push_back({"num_fetches", "0"});
  f.push_back({"origin", "\"https://openrouter.ai/\""});
  f.push_back({"is_byok", "false"});
  f.push_back({"external_user", "null"});
  f.push_back({"api_type", "\"completions\""});
  f.push_back({"router", "null"});
  f.push_back({"provider_responses",
               "[{\"endpoint_id\":\"ep_" + rng.Alnum(12) + "\",\"id\":" + Quote(upstream_id) +
                   ",\"is_byok\":false,\"latency\":" + Int(latency - 20) + ",\"model_permaslug\":" +
                   Quote(kModel) + ",\"provider_name\":\"OpenAI\",\"status\":200}]"});
  f.push_back({"user_agent", "\"OpenAI/Python 1.99.9\""});
  f.push_back({"http_referer", "null"});
  f.push_back({"request_id", Quote("req-" + std::to_string(created) + "-" + rng.Alnum(20))});
  f.push_back({"session_id", "null"});
  f.push_back({"response_cache_source_id", "null"});
  f.push_back({"web_search_engine", "null"});
  f.push_back({"service_tier", "\"default\""});
  f.push_back({"preset_id", "null"});
  f.push_back({"data_region", "\"global\""});
  f.push_back({"workspace_id", "null"});

  if (era == Era::k2025_09 || era == Era::k2025_01) {
    std::erase_if(f, [&](const DataField& field) {
      return Contains(kAfter2025_09, field.key) ||
             (era == Era::k2025_01 && Contains(kAfter2025_01, field.key));
    });
  }
  if (era == Era::kExtra) AppendExtraFields(&f);
  return f;
}

void SetField(std::string_view key, std::string json, DataFields* fields) {
  for (DataField& field : *fields) {
    if (field.key == key) {
      field.json = std::move(json);
      return;
    }
  }
  fields->push_back({key, std::move(json)});
}

void ApplyOverrides(const std::vector<RawField>& overrides, DataFields* fields) {
  for (const RawField& field : overrides) SetField(field.key, field.json, fields);
}

void RemoveField(std::string_view key, DataFields* fields) {
  std::erase_if(*fields, [&](const DataField& field) { return field.key == key; });
}

const DataField* FindField(const DataFields& fields, std::string_view key) {
  for (const DataField& field : fields) {
    if (field.key == key) return &field;
  }
  return nullptr;
}

std::string SerializeDataObject(const DataFields& fields) {
  std::string out;
  out.reserve(1800);
  out.push_back('{');
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out.push_back(',');
    AppendJsonString(&out, fields[i].key);
    out.push_back(':');
    out.append(fields[i].json);
  }
  out.push_back('}');
  return out;
}

std::string SerializeEnvelope(const DataFields& fields) {
  return "{\"data\":" + SerializeDataObject(fields) + "}";
}

}  // namespace orauditd::fake
