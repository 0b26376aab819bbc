// Turns one script step into the answer the fake gives: status, headers,
// body and delivery. Pure functions of the step, the id, the seed and the
// time, so any thread can call them.
#pragma once

#include <cstdint>
#include <string_view>

#include "tests/fake_openrouter/fake_response.h"
#include "tests/fake_openrouter/script.h"

namespace orauditd::fake {

struct StepContext {
  std::string_view id;
  uint64_t seed = 0;
  int64_t now_ms = 0;                // wall clock, for Retry-After dates and resets
  const IdScript* script = nullptr;  // null for an unscripted id
};

FakeResponse RespondToStep(const Step& step, const StepContext& context);

// The answer for an unscripted id under --default 404.
FakeResponse NotFoundResponse();

}  // namespace orauditd::fake
