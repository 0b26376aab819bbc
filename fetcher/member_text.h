// Finding a member's value in a JSON object as its bytes, not as a parsed
// value: generation_json keeps the `data` object exactly as OpenRouter sent
// it, and a DOM keeps no source positions.
//
// The text must already be valid JSON (the DOM parse of the same body said
// so); this only walks it. Pure functions, any thread.
#pragma once

#include <optional>
#include <string_view>

namespace orauditd {

// The text of the value of the first member of `object_json` (one JSON
// object, whitespace around it allowed) whose key, once unescaped, is
// `key`, which must be ASCII. Nullopt when there is none or `object_json`
// is not an object.
std::optional<std::string_view> FindMemberText(std::string_view object_json, std::string_view key);

}  // namespace orauditd
