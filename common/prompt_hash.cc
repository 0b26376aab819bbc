#include "common/prompt_hash.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdlib>
#include <utility>

namespace orauditd {
namespace {

std::string ToHex(const unsigned char* bytes, size_t size) {
  static const char kHex[] = "0123456789abcdef";
  std::string out(size * 2, '0');
  for (size_t i = 0; i < size; ++i) {
    out[2 * i] = kHex[bytes[i] >> 4];
    out[2 * i + 1] = kHex[bytes[i] & 0xf];
  }
  return out;
}

}  // namespace

std::string Sha256Hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  // SHA-256 over an in-memory buffer fails only when libcrypto itself is
  // broken (no memory, no provider); nothing sensible can go on then.
  if (EVP_Digest(data.data(), data.size(), digest, &size, EVP_sha256(), nullptr) != 1) {
    std::abort();
  }
  return ToHex(digest, size);
}

std::string HmacSha256Hex(std::string_view key, std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  // HMAC() dereferences the key even when its length is 0.
  static const unsigned char kEmpty = 0;
  const void* key_bytes = key.empty() ? &kEmpty : static_cast<const void*>(key.data());
  if (HMAC(EVP_sha256(), key_bytes, static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest,
           &size) == nullptr) {
    std::abort();
  }
  return ToHex(digest, size);
}

PromptHasher::PromptHasher(std::string secret) : secret_(std::move(secret)) {}

PromptHasher::~PromptHasher() {
  // The secret should not linger in freed memory.
  if (!secret_.empty()) OPENSSL_cleanse(secret_.data(), secret_.size());
}

std::string PromptHasher::Hash(std::string_view canonical_json) const {
  return secret_.empty() ? Sha256Hex(canonical_json) : HmacSha256Hex(secret_, canonical_json);
}

}  // namespace orauditd
