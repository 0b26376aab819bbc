// Canonical JSON per RFC 8785 (JSON Canonicalization Scheme): the one byte
// form of a JSON value that every client, in any language, can reproduce, so
// that hashes over it (prompt_hash, row_hash) agree everywhere.
//
// The output has no whitespace, object members sorted by the UTF-16 code
// units of their names, strings escaped minimally, and every number parsed
// as an IEEE double and printed in ECMAScript form. Input must be I-JSON:
// duplicate member names and lone surrogates are refused. Error messages
// never quote the input, since it may be a prompt.
//
// Pure functions, any thread.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace simdjson::dom {
class element;
}  // namespace simdjson::dom

namespace orauditd {

// Parses `json_text` (one JSON value, whitespace around it allowed) and
// returns its canonical form.
StatusOr<std::string> CanonicalJson(std::string_view json_text);

// Appends the canonical form of an already parsed value to `out`. On error
// `out` holds a partial value and must be discarded.
Status AppendCanonicalJson(const simdjson::dom::element& value, std::string* out);

// Orders two UTF-8 strings by their UTF-16 code units, as RFC 8785 sorts
// member names. Differs from byte order only when a character above U+FFFF
// meets one in U+E000..U+FFFF.
bool Utf16Less(std::string_view a, std::string_view b);

}  // namespace orauditd
