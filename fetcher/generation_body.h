// Reading what the generation endpoint sent back. ReadGenerationBody() looks
// at a body once and reports everything Classify() needs to judge it: is it
// JSON, does it carry OpenRouter's error envelope, is there a `data` object,
// and the Generation parsed from it. It judges nothing itself.
//
// Internal to the fetcher; the only place that knows simdjson. Any thread:
// the parsers are per thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/generation.h"
#include "common/status.h"

namespace orauditd {

struct GenerationBody {
  enum class Shape { kEmpty, kNotJson, kNotObject, kObject };
  enum class Presence { kMissing, kNull, kWrongType, kPresent };

  Shape shape = Shape::kEmpty;
  // kNotJson: simdjson's reason. kNotObject: the type found ("array").
  std::string problem;

  // OpenRouter's error envelope, {"error": {"code": …, "message": …}}. The
  // code may be an int or a string (openrouter.md E4); kept as text.
  bool has_error = false;
  std::optional<std::string> error_message;
  std::optional<std::string> error_code;
  // error.metadata.headers["X-RateLimit-Reset"], which some 429 bodies carry
  // when the header itself is missing (E8).
  std::optional<std::string> rate_limit_reset;

  Presence data = Presence::kMissing;
  std::string data_type;  // the JSON type when data is not an object

  // With data present: the Generation and whether every field had the right
  // type. total_cost is the exception: it is not checked here, only reported,
  // because a non-number there means "not ready yet" (G9), not a bad answer.
  Generation generation;
  Status fields;
  Presence total_cost = Presence::kMissing;
  std::string total_cost_type;  // the JSON type when kWrongType
};

GenerationBody ReadGenerationBody(std::string_view body);

}  // namespace orauditd
