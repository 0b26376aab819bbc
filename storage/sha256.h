// SHA-256 over several pieces without joining them first, for the hash
// chain: the verifier hashes millions of rows, and building "prev_hash\n" +
// canonical form as one string per row showed in its profile. The result is
// the same as common/prompt_hash.h's Sha256Hex over the joined text.
//
// Any thread (each thread keeps its own digest context).
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

namespace orauditd {

// Lowercase hex SHA-256 of the concatenation of `parts`.
std::string Sha256HexOfParts(std::initializer_list<std::string_view> parts);

}  // namespace orauditd
