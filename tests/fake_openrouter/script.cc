#include "tests/fake_openrouter/script.h"

#include <simdjson.h>

#include <array>

namespace orauditd::fake {
namespace {

namespace od = simdjson::ondemand;

struct KindName {
  StepKind kind;
  const char* name;
};

constexpr std::array<KindName, 20> kKindNames = {{
    {StepKind::kOk, "ok"},
    {StepKind::kNotFound, "not_found"},
    {StepKind::kCostNull, "cost_null"},
    {StepKind::kCostAbsent, "cost_absent"},
    {StepKind::kCostString, "cost_string"},
    {StepKind::kUnauthorized, "unauthorized"},
    {StepKind::kForbidden, "forbidden"},
    {StepKind::kNoCredits, "no_credits"},
    {StepKind::kRateLimited, "rate_limited"},
    {StepKind::kServerError, "server_error"},
    {StepKind::kError, "error"},
    {StepKind::kHtml, "html"},
    {StepKind::kWrongShape, "wrong_shape"},
    {StepKind::kTruncated, "truncated"},
    {StepKind::kGarbage, "garbage"},
    {StepKind::kOversize, "oversize"},
    {StepKind::kSlow, "slow"},
    {StepKind::kReset, "reset"},
    {StepKind::kCloseMidBody, "close_mid_body"},
    {StepKind::kCustom, "custom"},
}};

Status JsonError(std::string_view where, simdjson::error_code error) {
  return Status::InvalidArgument(std::string(where) + ": " + simdjson::error_message(error));
}

Status TypeError(std::string_view where, std::string_view expected) {
  return Status::InvalidArgument(std::string(where) + ": expected " + std::string(expected));
}

std::string_view TrimRight(std::string_view s) {
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\n' || s.back() == '\r' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return s;
}

// The exact JSON text of any value.
Status RawJson(od::value value, std::string_view where, std::string* out) {
  od::json_type type;
  if (auto error = value.type().get(type)) return JsonError(where, error);
  std::string_view raw;
  simdjson::error_code error = simdjson::SUCCESS;
  if (type == od::json_type::object) {
    od::object object;
    error = value.get_object().get(object);
    if (!error) error = object.raw_json().get(raw);
  } else if (type == od::json_type::array) {
    od::array array;
    error = value.get_array().get(array);
    if (!error) error = array.raw_json().get(raw);
  } else {
    raw = value.raw_json_token();
  }
  if (error) return JsonError(where, error);
  out->assign(TrimRight(raw));
  return Status::Ok();
}

Status ReadString(od::value value, std::string_view where, std::string* out) {
  std::string_view text;
  if (value.get_string().get(text)) return TypeError(where, "a string");
  out->assign(text);
  return Status::Ok();
}

Status ReadInt(od::value value, std::string_view where, int64_t min, int64_t max, int64_t* out) {
  int64_t n = 0;
  if (value.get_int64().get(n) || n < min || n > max) {
    return TypeError(where,
                     "an integer in [" + std::to_string(min) + ", " + std::to_string(max) + "]");
  }
  *out = n;
  return Status::Ok();
}

Status ReadMs(od::value value, std::string_view where, uint32_t* out) {
  int64_t n = 0;
  Status status = ReadInt(value, where, 0, 24LL * 3600 * 1000, &n);
  *out = static_cast<uint32_t>(n);
  return status;
}

Status ReadBool(od::value value, std::string_view where, bool* out) {
  if (value.get_bool().get(*out)) return TypeError(where, "true or false");
  return Status::Ok();
}

Status ReadNumberText(od::value value, std::string_view where, std::string* out) {
  std::string_view raw = value.raw_json_token();
  double ignored = 0;
  if (value.get_double().get(ignored)) return TypeError(where, "a number");
  out->assign(TrimRight(raw));
  return Status::Ok();
}

Status ReadRawObject(od::value value, std::string_view where, std::vector<RawField>* out) {
  od::object object;
  if (value.get_object().get(object)) return TypeError(where, "an object");
  for (auto field : object) {
    std::string_view key;
    if (auto error = field.unescaped_key().get(key)) return JsonError(where, error);
    std::string json;
    std::string field_where = std::string(where) + "." + std::string(key);
    Status status = RawJson(field.value(), field_where, &json);
    if (!status.ok()) return status;
    out->push_back({std::string(key), std::move(json)});
  }
  return Status::Ok();
}

Status ReadStringList(od::value value, std::string_view where, std::vector<std::string>* out) {
  od::array array;
  if (value.get_array().get(array)) return TypeError(where, "an array of strings");
  for (auto item : array) {
    std::string_view text;
    if (item.get_string().get(text)) return TypeError(where, "an array of strings");
    out->emplace_back(text);
  }
  return Status::Ok();
}

Status ReadHeaders(od::value value, std::string_view where,
                   std::vector<std::pair<std::string, std::string>>* out) {
  od::object object;
  if (value.get_object().get(object)) return TypeError(where, "an object of strings");
  for (auto field : object) {
    std::string_view key;
    std::string_view text;
    if (field.unescaped_key().get(key) || field.value().get_string().get(text)) {
      return TypeError(where, "an object of strings");
    }
    if (key.find_first_of("\r\n:") != std::string_view::npos ||
        text.find_first_of("\r\n") != std::string_view::npos) {
      return Status::InvalidArgument(std::string(where) + ": CR, LF or ':' in a header");
    }
    out->emplace_back(key, text);
  }
  return Status::Ok();
}

Status ReadEra(od::value value, std::string_view where, Era* out) {
  std::string name;
  Status status = ReadString(value, where, &name);
  if (!status.ok()) return status;
  std::optional<Era> era = EraFromName(name);
  if (!era) return TypeError(where, "\"2025-01\", \"2025-09\", \"2026-08\" or \"extra\"");
  *out = *era;
  return Status::Ok();
}

// One step option; `key` is already known to be in the step object.
Status ReadStepOption(std::string_view key, od::value value, const std::string& where, Step* step) {
  std::string at = where + "." + std::string(key);
  int64_t n = 0;
  Status status;
  if (key == "kind") {
    std::string name;
    status = ReadString(value, at, &name);
    if (!status.ok()) return status;
    std::optional<StepKind> kind = StepKindFromName(name);
    if (!kind) return Status::InvalidArgument(at + ": unknown kind \"" + name + "\"");
    step->kind = *kind;
  } else if (key == "times") {
    status = ReadInt(value, at, 1, INT64_MAX / 4, &step->times);
  } else if (key == "delay_ms") {
    status = ReadMs(value, at, &step->delay_ms);
  } else if (key == "jitter_ms") {
    status = ReadMs(value, at, &step->jitter_ms);
  } else if (key == "status") {
    status = ReadInt(value, at, 100, 599, &n);
    step->status = static_cast<int>(n);
  } else if (key == "headers") {
    status = ReadHeaders(value, at, &step->headers);
  } else if (key == "body") {
    step->body.emplace();
    status = ReadString(value, at, &*step->body);
  } else if (key == "variant") {
    status = ReadString(value, at, &step->variant);
  } else if (key == "close") {
    status = ReadBool(value, at, &step->close);
  } else if (key == "chunked") {
    status = ReadBool(value, at, &step->chunked);
  } else if (key == "era") {
    step->era.emplace();
    status = ReadEra(value, at, &*step->era);
  } else if (key == "data") {
    status = ReadRawObject(value, at, &step->data);
  } else if (key == "remove") {
    status = ReadStringList(value, at, &step->remove);
  } else if (key == "cost") {
    step->cost.emplace();
    status = ReadNumberText(value, at, &*step->cost);
  } else if (key == "message") {
    step->message.emplace();
    status = ReadString(value, at, &*step->message);
  } else if (key == "code") {
    step->code.emplace();
    status = RawJson(value, at, &*step->code);
  } else if (key == "metadata") {
    step->metadata.emplace();
    status = RawJson(value, at, &*step->metadata);
  } else if (key == "seconds") {
    status = ReadInt(value, at, 0, 10LL * 365 * 24 * 3600, &step->seconds);
  } else if (key == "reset_in_ms") {
    status =
        ReadInt(value, at, -1000LL * 24 * 3600 * 365, 1000LL * 24 * 3600 * 365, &step->reset_in_ms);
  } else if (key == "bytes") {
    status = ReadInt(value, at, 0, 1LL << 30, &n);
    step->bytes = n;
  } else if (key == "hold_ms") {
    status = ReadMs(value, at, &step->hold_ms);
  } else if (key == "interval_ms") {
    status = ReadMs(value, at, &step->interval_ms);
  } else if (key == "trickle") {
    status = ReadBool(value, at, &step->trickle);
  } else if (key == "rst") {
    status = ReadBool(value, at, &step->rst);
  } else {
    return Status::InvalidArgument(at + ": unknown step option");
  }
  return status;
}

// Variants a kind understands; the first entry is its default.
std::vector<std::string_view> VariantsOf(StepKind kind) {
  switch (kind) {
    case StepKind::kRateLimited:
      return {"bare", "retry_after_seconds", "retry_after_date", "reset_ms"};
    case StepKind::kWrongShape:
      return {"data_null",  "empty_object", "error_200", "empty_body",
              "data_no_id", "id_mismatch",  "data_array"};
    case StepKind::kGarbage:
      return {"malformed", "trailing", "invalid_utf8", "duplicate_keys", "not_json"};
    default:
      return {};
  }
}

Status CheckVariant(const std::string& where, Step* step) {
  std::vector<std::string_view> variants = VariantsOf(step->kind);
  if (step->variant.empty()) {
    if (!variants.empty()) step->variant = variants.front();
    return Status::Ok();
  }
  std::string allowed;
  for (std::string_view variant : variants) {
    if (variant == step->variant) return Status::Ok();
    allowed += (allowed.empty() ? "" : ", ") + std::string(variant);
  }
  return Status::InvalidArgument(where + ".variant: \"" + step->variant + "\" is not one of [" +
                                 allowed + "] for kind " + StepKindName(step->kind));
}

Status ReadStep(od::value value, const std::string& where, Step* step) {
  od::object object;
  if (value.get_object().get(object)) return TypeError(where, "a step object");
  bool has_kind = false;
  for (auto field : object) {
    std::string_view key;
    if (auto error = field.unescaped_key().get(key)) return JsonError(where, error);
    has_kind = has_kind || key == "kind";
    Status status = ReadStepOption(key, field.value(), where, step);
    if (!status.ok()) return status;
  }
  if (!has_kind) return Status::InvalidArgument(where + ": a step needs \"kind\"");
  return CheckVariant(where, step);
}

Status ReadSteps(od::value value, const std::string& where, std::vector<Step>* steps) {
  od::array array;
  if (value.get_array().get(array)) return TypeError(where, "an array of steps");
  for (auto item : array) {
    od::value step_value;
    if (auto error = item.get(step_value)) return JsonError(where, error);
    steps->emplace_back();
    std::string at = where + "[" + std::to_string(steps->size() - 1) + "]";
    Status status = ReadStep(step_value, at, &steps->back());
    if (!status.ok()) return status;
  }
  if (steps->empty()) return Status::InvalidArgument(where + ": no steps");
  return Status::Ok();
}

// An id's entry: {"steps":[...], "data":{...}, "remove":[...], "era":"..."}.
Status ReadIdScript(od::value value, const std::string& id, IdScript* script) {
  od::json_type type;
  if (auto error = value.type().get(type)) return JsonError(id, error);
  // Shorthand: a bare array of steps.
  if (type == od::json_type::array) return ReadSteps(value, id + ".steps", &script->steps);

  od::object object;
  if (value.get_object().get(object)) return TypeError(id, "an object or an array of steps");
  bool has_steps = false;
  for (auto field : object) {
    std::string_view key;
    if (auto error = field.unescaped_key().get(key)) return JsonError(id, error);
    std::string at = id + "." + std::string(key);
    Status status;
    if (key == "steps") {
      has_steps = true;
      status = ReadSteps(field.value(), at, &script->steps);
    } else if (key == "data") {
      status = ReadRawObject(field.value(), at, &script->data);
    } else if (key == "remove") {
      status = ReadStringList(field.value(), at, &script->remove);
    } else if (key == "era") {
      status = ReadEra(field.value(), at, &script->era);
    } else {
      return Status::InvalidArgument(at + ": unknown option (steps, data, remove, era)");
    }
    if (!status.ok()) return status;
  }
  // Without steps an id answers `ok` forever, with its data and era.
  if (!has_steps) script->steps.emplace_back();
  return Status::Ok();
}

}  // namespace

const Step& IdScript::StepFor(int64_t index) const {
  for (const Step& step : steps) {
    if (index < step.times) return step;
    index -= step.times;
  }
  return steps.back();
}

StatusOr<Script> ParseScript(std::string_view json) {
  simdjson::padded_string padded(json);

  // The DOM parser validates the whole text; On Demand alone would let a
  // malformed value inside a skipped object through.
  simdjson::dom::parser validator;
  simdjson::dom::element root;
  if (auto error = validator.parse(padded).get(root)) return JsonError("script", error);
  if (!root.is_object()) return TypeError("script", "a JSON object of id -> script");

  od::parser parser;
  od::document doc;
  if (auto error = parser.iterate(padded).get(doc)) return JsonError("script", error);
  od::object object;
  if (auto error = doc.get_object().get(object)) return JsonError("script", error);

  Script script;
  for (auto field : object) {
    std::string_view id;
    if (auto error = field.unescaped_key().get(id)) return JsonError("script", error);
    if (id.empty()) return Status::InvalidArgument("script: empty generation id");
    IdScript entry;
    Status status = ReadIdScript(field.value(), std::string(id), &entry);
    if (!status.ok()) return status;
    script.emplace_back(std::string(id), std::move(entry));
  }
  return script;
}

const char* StepKindName(StepKind kind) {
  for (const KindName& entry : kKindNames) {
    if (entry.kind == kind) return entry.name;
  }
  return "?";
}

std::optional<StepKind> StepKindFromName(std::string_view name) {
  for (const KindName& entry : kKindNames) {
    if (name == entry.name) return entry.kind;
  }
  return std::nullopt;
}

std::optional<Era> EraFromName(std::string_view name) {
  if (name == "2025-01") return Era::k2025_01;
  if (name == "2025-09") return Era::k2025_09;
  if (name == "2026-08") return Era::k2026_08;
  if (name == "extra") return Era::kExtra;
  return std::nullopt;
}

}  // namespace orauditd::fake
