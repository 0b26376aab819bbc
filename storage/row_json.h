// The JSON forms of a Row: the JSON lines object (what the JSON lines sink
// writes and the queue keeps in its outbox) and the canonical form that the
// hash chain covers. See docs/hash-chain.md for the exact definition.
//
// Both are RFC 8785 (JSON Canonicalization Scheme) text: members sorted,
// no whitespace, numbers in ECMAScript form, and empty optionals left out.
// Serializing, parsing and serializing again gives the same bytes, which is
// what lets `orauditctl verify` insist that a line is exactly canonical.
//
// Pure functions, any thread.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "storage/row.h"

namespace orauditd {

// The JSON lines object, without the trailing newline. `prev_hash` and
// `row_hash` are left out while still empty (a row not yet sealed).
//
// Special cases, chosen so that every sink and the hash agree:
//  - a non-finite double is unknown, hence left out;
//  - invalid UTF-8 in a string becomes U+FFFD;
//  - `metadata` is written as its canonical JSON object; text that is not a
//    JSON object (which intake never produces) is kept as a JSON string
//    rather than dropped.
std::string RowToJsonLine(const Row& row);

// The JSON lines object without `prev_hash` and `row_hash`: the bytes that
// `row_hash` covers.
std::string RowCanonicalForm(const Row& row);

// Both of the above from one serialization, for the verifier.
void RowToJsonLineAndCanonicalForm(const Row& row, std::string* line, std::string* canonical);

// The same for a row being sealed, whose row_hash is not known before its
// canonical form is: row.row_hash holds a stand-in of hex digits as long as
// the hash. Returns where that stand-in's value starts in `line`, for the
// caller to write the hash over it.
size_t RowToJsonLineForSealing(const Row& row, std::string* line, std::string* canonical);

// Parses a JSON lines object. Unknown members are ignored (a newer writer may
// add fields); a known member of the wrong type, or a missing `seq`,
// `timestamp`, `request_id`, `status`, `meta_status`, `attempts`, `key` or
// `source`, is an error naming the member. `metadata` is kept as the
// canonical text of its object.
StatusOr<Row> RowFromJsonLine(std::string_view line);

}  // namespace orauditd
