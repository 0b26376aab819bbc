// The prompt hash: lowercase hex SHA-256 of the RFC 8785 canonical form of a
// call's `messages`, or HMAC-SHA-256 with a configured secret, so that equal
// prompts can be grouped without the prompt itself ever being stored, and
// with a secret, so that a short prompt cannot be found by guessing.
//
// PromptHasher is immutable after construction: any thread.
#pragma once

#include <string>
#include <string_view>

namespace orauditd {

// Lowercase hex SHA-256 of `data`.
std::string Sha256Hex(std::string_view data);

// Lowercase hex HMAC-SHA-256 of `data` under `key`.
std::string HmacSha256Hex(std::string_view key, std::string_view data);

class PromptHasher {
 public:
  // An empty secret gives plain SHA-256, which any client can reproduce.
  explicit PromptHasher(std::string secret);
  ~PromptHasher();

  PromptHasher(const PromptHasher&) = delete;
  PromptHasher& operator=(const PromptHasher&) = delete;

  // `canonical_json` is the canonical form of the messages array; see
  // common/canonical_json.h.
  std::string Hash(std::string_view canonical_json) const;

  bool keyed() const { return !secret_.empty(); }

 private:
  std::string secret_;
};

}  // namespace orauditd
