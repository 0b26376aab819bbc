// Request-target helpers: splitting path from query, finding a query
// parameter and percent-decoding it. Pure functions, any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace orauditd::fake {

struct Target {
  std::string_view path;
  std::string_view query;  // without the '?'; empty when there is none
};

Target SplitTarget(std::string_view target);

// The raw (still encoded) value of the first `name=` parameter, or nothing.
// A bare `name` without '=' yields an empty value.
std::optional<std::string_view> FindQueryParam(std::string_view query, std::string_view name);

// RFC 3986 percent-decoding. '+' stays '+': ids are not form-encoded.
// A '%' not followed by two hex digits is an error.
StatusOr<std::string> PercentDecode(std::string_view encoded);

// True when `decoded` still holds a %XX escape, the mark of an id that a
// client encoded twice.
bool HasPercentEscape(std::string_view decoded);

}  // namespace orauditd::fake
