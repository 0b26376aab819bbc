// The per-id script format: which answers the fake gives, request after
// request, for one generation id. Parsed from JSON (see README.md):
//
//   {"gen-1": {"steps": [{"kind": "not_found", "times": 2}, {"kind": "ok"}],
//              "data": {"model": "x/y"}, "era": "2026-08"}}
//
// Parsing checks every option name and type, so a typo in a test's script
// fails loudly instead of silently scripting something else. Value types.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace orauditd::fake {

enum class StepKind {
  kOk,
  kNotFound,
  kCostNull,
  kCostAbsent,
  kCostString,
  kUnauthorized,
  kForbidden,
  kNoCredits,
  kRateLimited,
  kServerError,
  kError,
  kHtml,
  kWrongShape,
  kTruncated,
  kGarbage,
  kOversize,
  kSlow,
  kReset,
  kCloseMidBody,
  kCustom,
};

// Field sets of the generation body over time (openrouter.md section 1.3).
enum class Era { k2025_01, k2025_09, k2026_08, kExtra };

// One key of a JSON object with its value kept as the exact JSON text given,
// so that number forms such as 1.0, -0.0 or 3.4e-05 reach the client as
// written.
struct RawField {
  std::string key;
  std::string json;
};

struct Step {
  StepKind kind = StepKind::kOk;
  int64_t times = 1;
  uint32_t delay_ms = 0;
  uint32_t jitter_ms = 0;
  int status = 0;  // 0: the kind's own status
  std::vector<std::pair<std::string, std::string>> headers;
  std::optional<std::string> body;  // replaces the kind's body verbatim
  std::string variant;
  bool close = false;
  bool chunked = false;

  // Generation body options.
  std::optional<Era> era;
  std::vector<RawField> data;
  std::vector<std::string> remove;
  std::optional<std::string> cost;  // JSON number text

  // Error body options.
  std::optional<std::string> message;
  std::optional<std::string> code;      // JSON text, e.g. 429 or "server_error"
  std::optional<std::string> metadata;  // JSON text

  // Timing and fault options.
  int64_t seconds = 1;         // Retry-After, in seconds or as a date that far ahead
  int64_t reset_in_ms = 1000;  // X-RateLimit-Reset = now + this
  std::optional<int64_t> bytes;
  uint32_t hold_ms = 100;
  uint32_t interval_ms = 10;
  bool trickle = false;
  bool rst = false;
};

struct IdScript {
  std::vector<Step> steps;  // never empty after parsing
  std::vector<RawField> data;
  std::vector<std::string> remove;
  Era era = Era::k2026_08;

  // The step that answers request number `index` (0-based) for this id.
  const Step& StepFor(int64_t index) const;
};

using Script = std::vector<std::pair<std::string, IdScript>>;

StatusOr<Script> ParseScript(std::string_view json);

const char* StepKindName(StepKind kind);
std::optional<StepKind> StepKindFromName(std::string_view name);
std::optional<Era> EraFromName(std::string_view name);

}  // namespace orauditd::fake
