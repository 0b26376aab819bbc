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
// is not an object. `members` is the object's member count when the caller
// knows it (from its DOM), 0 when not: with exactly one, the value ends at
// the object's closing brace and is not walked, which for OpenRouter's usual
// `{"data":{...}}` is the whole body.
std::optional<std::string_view> FindMemberText(std::string_view object_json, std::string_view key,
                                               size_t members = 0);

}  // namespace orauditd
