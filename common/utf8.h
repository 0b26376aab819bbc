// UTF-8 repair for text that is about to become JSON. Rows are serialized
// twice (JSON lines, and the canonical form the hash chain covers) and must
// read back as they were written; a stray invalid byte would make the line
// unparseable, so such bytes become U+FFFD the same way on every path.
//
// Pure functions, any thread.
#pragma once

#include <string>
#include <string_view>

namespace orauditd {

// True when `text` is well-formed UTF-8 (no overlong forms, no surrogates,
// nothing above U+10FFFF).
bool IsValidUtf8(std::string_view text);

// Offset of the first byte of the first ill-formed sequence, or
// std::string_view::npos when `text` is well-formed.
size_t FirstInvalidUtf8(std::string_view text);

// Copies `text`, replacing each maximal ill-formed subsequence with U+FFFD
// (the "substitution of maximal subparts" practice of Unicode chapter 3).
std::string ReplaceInvalidUtf8(std::string_view text);

}  // namespace orauditd
