#include "tests/fake_openrouter/handler.h"

#include <chrono>
#include <cstdio>

#include "common/json_writer.h"
#include "tests/fake_openrouter/error_bodies.h"
#include "tests/fake_openrouter/script.h"
#include "tests/fake_openrouter/step_response.h"

namespace orauditd::fake {
namespace {

constexpr std::string_view kGenerationPath = "/api/v1/generation";
constexpr std::string_view kControlPrefix = "/_fake/";

FakeResponse JsonAnswer(int status, std::string body) {
  FakeResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

FakeResponse ControlError(int status, std::string_view message) {
  std::string body = "{\"ok\":false,\"error\":";
  AppendJsonString(&body, message);
  body.push_back('}');
  return JsonAnswer(status, std::move(body));
}

FakeResponse ApiError(int status, std::string_view message) {
  return JsonAnswer(status, ErrorBody(status, message));
}

bool StartsWithIgnoreCase(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && EqualsIgnoreCase(text.substr(0, prefix.size()), prefix);
}

}  // namespace

int64_t WallClockMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Handler::Handler(FakeState* state, const Options& options, uint64_t jitter_seed)
    : state_(state),
      keys_(options.keys),
      default_ok_(options.default_ok),
      latency_ms_(options.latency_ms),
      seed_(options.seed),
      log_requests_(options.log_requests),
      jitter_state_(jitter_seed) {}

FakeResponse Handler::Handle(const HttpRequest& request) {
  Target target = SplitTarget(request.target);
  if (target.path.substr(0, kControlPrefix.size()) == kControlPrefix) {
    return HandleControl(request, target);
  }

  LogEntry entry;
  entry.t_ms = WallClockMs();
  entry.method = request.method;
  entry.path = request.target;
  if (const std::string* auth = request.Header("Authorization")) entry.authorization = *auth;
  if (const std::string* agent = request.Header("User-Agent")) entry.user_agent = *agent;

  FakeResponse response;
  if (target.path == kGenerationPath) {
    response = HandleGeneration(request, target, &entry);
  } else {
    // The real site answers an unknown path with its HTML 404 page.
    response.status = 404;
    response.content_type = "text/html; charset=utf-8";
    response.body = HtmlNotFoundPage();
  }
  response.delay_ms += latency_ms_;

  entry.status = response.delivery == Delivery::kReset ? 0 : response.status;
  if (log_requests_) LogLine(entry);
  state_->Record(std::move(entry));
  return response;
}

FakeResponse Handler::HandleGeneration(const HttpRequest& request, const Target& target,
                                       LogEntry* entry) {
  if (request.method != "GET") {
    FakeResponse r = ApiError(405, "Method not allowed");
    r.SetHeader("Allow", "GET");
    return r;
  }
  if (std::optional<FakeResponse> denied = CheckAuth(request)) return std::move(*denied);

  std::optional<std::string_view> raw_id = FindQueryParam(target.query, "id");
  if (!raw_id || raw_id->empty()) return ApiError(400, "Missing required query parameter: id");
  StatusOr<std::string> id = PercentDecode(*raw_id);
  if (!id.ok()) return ApiError(400, "Invalid id: " + id.status().message());
  if (id->empty()) return ApiError(400, "Missing required query parameter: id");
  // openrouter.md section 7.16: an id encoded twice must not match anything.
  if (HasPercentEscape(*id)) return ApiError(400, "Invalid id: still percent-encoded");
  entry->id = *id;

  StepContext context{*id, seed_, entry->t_ms, nullptr};
  FakeState::Selection selection = state_->Next(*id);
  if (!selection.script) {
    return default_ok_ ? RespondToStep(Step{}, context) : NotFoundResponse();
  }
  entry->step = selection.index;
  context.script = selection.script.get();
  const Step& step = selection.script->StepFor(selection.index);
  FakeResponse response = RespondToStep(step, context);
  response.delay_ms += Jitter(step.jitter_ms);
  return response;
}

std::optional<FakeResponse> Handler::CheckAuth(const HttpRequest& request) const {
  if (keys_.empty()) return std::nullopt;
  const std::string* header = request.Header("Authorization");
  if (header == nullptr) return ApiError(401, "No auth credentials found");
  if (!StartsWithIgnoreCase(*header, "Bearer ")) {
    return ApiError(401, "Missing Authentication header");
  }
  std::string_view key = std::string_view(*header).substr(7);
  while (!key.empty() && key.front() == ' ') key.remove_prefix(1);
  for (const std::string& known : keys_) {
    if (key == known) return std::nullopt;
  }
  return ApiError(401, "User not found.");
}

FakeResponse Handler::HandleControl(const HttpRequest& request, const Target& target) {
  std::string_view what = target.path.substr(kControlPrefix.size());
  bool post = request.method == "POST";
  bool get = request.method == "GET";
  if (what == "script" && post) {
    StatusOr<Script> script = ParseScript(request.body);
    if (!script.ok()) return ControlError(400, script.status().message());
    size_t count = script->size();
    state_->AddScripts(std::move(*script));
    return JsonAnswer(200, "{\"ok\":true,\"ids\":" + std::to_string(count) + "}");
  }
  if (what == "reset" && post) {
    state_->Reset();
    return JsonAnswer(200, "{\"ok\":true}");
  }
  if (what == "requests" && get) {
    std::optional<std::string_view> raw_id = FindQueryParam(target.query, "id");
    if (!raw_id) return JsonAnswer(200, state_->RequestsJson(std::nullopt));
    StatusOr<std::string> id = PercentDecode(*raw_id);
    if (!id.ok()) return ControlError(400, id.status().message());
    return JsonAnswer(200, state_->RequestsJson(*id));
  }
  if (what == "stats" && get) return JsonAnswer(200, state_->StatsJson());
  if (what == "script" || what == "reset" || what == "requests" || what == "stats") {
    return ControlError(405, "wrong method for /_fake/" + std::string(what));
  }
  return ControlError(404, "unknown control endpoint /_fake/" + std::string(what));
}

uint32_t Handler::Jitter(uint32_t max_ms) {
  if (max_ms == 0) return 0;
  // splitmix64: seeded, so a run with the same --seed jitters the same way.
  uint64_t x = (jitter_state_ += 0x9e3779b97f4a7c15ULL);
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return static_cast<uint32_t>(x % (static_cast<uint64_t>(max_ms) + 1));
}

void Handler::LogLine(const LogEntry& entry) const {
  std::fprintf(stderr, "fake_openrouter: %s %s id=%s -> %d step=%lld\n", entry.method.c_str(),
               entry.path.c_str(), entry.id.c_str(), entry.status,
               static_cast<long long>(entry.step));
}

}  // namespace orauditd::fake
