#include "tests/fake_openrouter/step_response.h"

#include <string>

#include "common/json_writer.h"
#include "tests/fake_openrouter/error_bodies.h"
#include "tests/fake_openrouter/generation_body.h"

namespace orauditd::fake {
namespace {

constexpr int64_t kDefaultOversizeBytes = 8 * 1024 * 1024;
constexpr std::string_view kCostString = "0.0015";

std::string Quote(std::string_view text) {
  std::string out;
  AppendJsonString(&out, text);
  return out;
}

// The generation's fields after the script's and the step's overrides.
DataFields BuildFields(const Step& step, const StepContext& context) {
  const IdScript* script = context.script;
  Era era = step.era ? *step.era : (script ? script->era : Era::k2026_08);
  DataFields fields = DefaultDataFields(context.id, context.seed, era);
  if (script) {
    ApplyOverrides(script->data, &fields);
    for (const std::string& key : script->remove) RemoveField(key, &fields);
  }
  ApplyOverrides(step.data, &fields);
  for (const std::string& key : step.remove) RemoveField(key, &fields);
  if (step.cost) {
    SetField("total_cost", *step.cost, &fields);
    SetField("usage", *step.cost, &fields);
  }
  switch (step.kind) {
    case StepKind::kCostNull:
      SetField("total_cost", "null", &fields);
      break;
    case StepKind::kCostAbsent:
      RemoveField("total_cost", &fields);
      break;
    case StepKind::kCostString:
      SetField("total_cost", Quote(step.cost ? std::string_view(*step.cost) : kCostString),
               &fields);
      break;
    default:
      break;
  }
  return fields;
}

std::string_view MessageOr(const Step& step, std::string_view fallback) {
  return step.message ? std::string_view(*step.message) : fallback;
}

void RateLimited(const Step& step, const StepContext& context, FakeResponse* response) {
  response->status = 429;
  std::string_view message = MessageOr(step, "Rate limit exceeded");
  if (step.variant == "retry_after_seconds") {
    response->SetHeader("Retry-After", std::to_string(step.seconds));
  } else if (step.variant == "retry_after_date") {
    response->SetHeader("Retry-After", HttpDate(context.now_ms / 1000 + step.seconds));
  } else if (step.variant == "reset_ms") {
    // Free-tier form: no Retry-After, the reset as epoch milliseconds, and
    // the same headers mirrored into the body (openrouter.md E7, E8).
    std::string reset = std::to_string(context.now_ms + step.reset_in_ms);
    response->SetHeader("X-RateLimit-Limit", "20");
    response->SetHeader("X-RateLimit-Remaining", "0");
    response->SetHeader("X-RateLimit-Reset", reset);
    std::string metadata =
        "{\"headers\":{\"X-RateLimit-Limit\":\"20\",\"X-RateLimit-Remaining\":\"0\","
        "\"X-RateLimit-Reset\":\"" +
        reset + "\"},\"provider_name\":null,\"limit_source\":\"openrouter_free_tier_daily\"}";
    response->body = ErrorEnvelope("429", message, metadata);
    return;
  }
  response->body = ErrorBody(429, message);
}

void ServerError(const Step& step, FakeResponse* response) {
  int status = step.status != 0 ? step.status : 500;
  response->status = status;
  std::string code = std::to_string(status);
  switch (status) {
    case 502: {
      // A provider failure: the provider's own JSON arrives as a string.
      std::string metadata =
          "{\"raw\":" +
          Quote(
              "{\"error\":{\"message\":\"The server had an error while processing your "
              "request.\",\"type\":\"server_error\",\"code\":null}}") +
          ",\"provider_name\":\"OpenAI\",\"isDownstreamPipeClean\":true,"
          "\"isErrorUpstreamFault\":true}";
      response->body = ErrorEnvelope(code, MessageOr(step, "Provider returned error"), metadata,
                                     "user_2s8cFakeUser0000000000000");
      return;
    }
    case 503:
      response->SetHeader("Retry-After", std::to_string(step.seconds));
      response->body = ErrorBody(503, MessageOr(step, "Service Unavailable"));
      return;
    case 524:
      response->body =
          ErrorBody(524, MessageOr(step, "Request timed out. Please try again later."));
      return;
    case 529:
      response->body =
          ErrorEnvelope(code, MessageOr(step, "Provider returned error"),
                        "{\"provider_name\":\"OpenAI\",\"error_type\":\"provider_overloaded\"}");
      return;
    default:
      response->body = ErrorBody(status, MessageOr(step, "Internal Server Error"));
      return;
  }
}

void Html(const Step& step, const StepContext& context, FakeResponse* response) {
  response->status = step.status != 0 ? step.status : 404;
  response->content_type = "text/html; charset=UTF-8";
  if (response->status < 500) {
    response->body = HtmlNotFoundPage();
    return;
  }
  std::string ray = "8f" + std::to_string(context.now_ms % 100000000000000) + "-IAD";
  response->SetHeader("Server", "cloudflare");
  response->SetHeader("CF-RAY", ray);
  response->body = CloudflareErrorPage(response->status, ray);
}

std::string WrongShape(const Step& step, const StepContext& context) {
  const std::string& v = step.variant;
  if (v == "empty_object") return "{}";
  if (v == "error_200") return ErrorBody(404, "Generation not found");
  if (v == "empty_body") return "";
  if (v == "data_array") return "{\"data\":[]}";
  if (v == "data_no_id" || v == "id_mismatch") {
    DataFields fields = BuildFields(step, context);
    if (v == "data_no_id") {
      RemoveField("id", &fields);
    } else {
      SetField("id", Quote(std::string(context.id) + "-other"), &fields);
    }
    return SerializeEnvelope(fields);
  }
  return "{\"data\":null}";
}

std::string Garbage(const Step& step, const StepContext& context) {
  const std::string& v = step.variant;
  DataFields fields = BuildFields(step, context);
  if (v == "trailing") return SerializeEnvelope(fields) + "x";
  if (v == "not_json") return "upstream connect error or disconnect/reset before headers";
  if (v == "invalid_utf8") {
    SetField("provider_name",
             "\"Open\xc3\x28"
             "AI\"",
             &fields);
    return SerializeEnvelope(fields);
  }
  if (v == "duplicate_keys") {
    fields.push_back({"total_cost", "0.999"});
    return SerializeEnvelope(fields);
  }
  // A stray comma and no closing braces.
  return "{\"data\":{\"id\":" + Quote(context.id) + ",\"total_cost\":0.0015,,\"usage\":0.0015";
}

std::string Oversize(const Step& step, const StepContext& context) {
  DataFields fields = BuildFields(step, context);
  size_t target = static_cast<size_t>(step.bytes.value_or(kDefaultOversizeBytes));
  size_t base = SerializeEnvelope(fields).size();
  constexpr size_t kOverhead = sizeof(",\"x_padding\":\"\"") - 1;
  if (target > base + kOverhead) {
    fields.push_back({"x_padding", "\"" + std::string(target - base - kOverhead, 'x') + "\""});
  }
  return SerializeEnvelope(fields);
}

// The kind's own status and body, before the step's generic options.
void FillKind(const Step& step, const StepContext& context, FakeResponse* r) {
  switch (step.kind) {
    case StepKind::kOk:
    case StepKind::kCostNull:
    case StepKind::kCostAbsent:
    case StepKind::kCostString:
    case StepKind::kSlow:
    case StepKind::kTruncated:
    case StepKind::kCloseMidBody:
      r->body = SerializeEnvelope(BuildFields(step, context));
      break;
    case StepKind::kNotFound:
      r->status = 404;
      r->body = ErrorBody(404, MessageOr(step, "Generation not found"));
      break;
    case StepKind::kUnauthorized:
      r->status = 401;
      r->body = ErrorBody(401, MessageOr(step, "User not found."));
      break;
    case StepKind::kForbidden:
      r->status = 403;
      r->body = ErrorBody(
          403,
          MessageOr(step, "You don't have access to this generation (belongs to another user)"));
      break;
    case StepKind::kNoCredits:
      r->status = 402;
      r->body = ErrorBody(
          402,
          MessageOr(step, "Insufficient credits. Add more using https://openrouter.ai/credits"));
      break;
    case StepKind::kRateLimited:
      RateLimited(step, context, r);
      break;
    case StepKind::kServerError:
      ServerError(step, r);
      break;
    case StepKind::kError: {
      r->status = step.status != 0 ? step.status : 400;
      std::string code = step.code ? *step.code : std::to_string(r->status);
      r->body = ErrorEnvelope(
          code, MessageOr(step, ReasonPhrase(r->status)),
          step.metadata ? std::optional<std::string_view>(*step.metadata) : std::nullopt);
      break;
    }
    case StepKind::kHtml:
      Html(step, context, r);
      break;
    case StepKind::kWrongShape:
      r->body = WrongShape(step, context);
      break;
    case StepKind::kGarbage:
      r->body = Garbage(step, context);
      break;
    case StepKind::kOversize:
      r->body = Oversize(step, context);
      break;
    case StepKind::kReset:
      r->delivery = Delivery::kReset;
      break;
    case StepKind::kCustom:
      break;
  }
}

}  // namespace

FakeResponse RespondToStep(const Step& step, const StepContext& context) {
  FakeResponse r;
  FillKind(step, context, &r);

  if (step.status != 0) r.status = step.status;
  if (step.body) r.body = *step.body;
  for (const auto& [name, value] : step.headers) r.SetHeader(name, value);
  r.close = step.close;
  r.chunked = step.chunked;
  r.delay_ms = step.delay_ms;

  // Delivery last: it depends on the final body.
  size_t half = r.body.size() / 2;
  switch (step.kind) {
    case StepKind::kSlow:
      if (step.trickle) {
        r.delivery = Delivery::kTrickle;
        r.trickle_interval_ms = step.interval_ms;
        r.trickle_bytes = static_cast<size_t>(step.bytes.value_or(1));
        if (r.trickle_bytes == 0) r.trickle_bytes = 1;
      }
      break;
    case StepKind::kTruncated:
      r.delivery = Delivery::kTruncate;
      r.partial_body_bytes = static_cast<size_t>(step.bytes.value_or(static_cast<int64_t>(half)));
      break;
    case StepKind::kCloseMidBody:
      r.delivery = Delivery::kCloseMidBody;
      r.partial_body_bytes = static_cast<size_t>(step.bytes.value_or(static_cast<int64_t>(half)));
      r.hold_ms = step.hold_ms;
      r.rst = step.rst;
      break;
    default:
      break;
  }
  if (r.partial_body_bytes && *r.partial_body_bytes >= r.body.size() && !r.body.empty()) {
    r.partial_body_bytes = r.body.size() - 1;  // "partial" must leave something out
  }
  return r;
}

FakeResponse NotFoundResponse() {
  FakeResponse r;
  r.status = 404;
  r.body = ErrorBody(404, "Generation not found");
  return r;
}

}  // namespace orauditd::fake
