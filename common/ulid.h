// ULIDs (https://github.com/ulid/spec): 26-character, Crockford base32,
// lexicographically sortable ids made of a 48-bit millisecond timestamp and
// 80 random bits. The daemon assigns one as request_id to every record whose
// client sent none.
//
// A generator is monotonic: within one millisecond, and when the clock steps
// back, each id is the previous one plus one, so ids sort in the order they
// were made. Thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

namespace orauditd {

class UlidGenerator {
 public:
  // Fills a buffer with random bytes; the default reads the kernel CSPRNG
  // (getrandom).
  using RandomSource = std::function<void(uint8_t* buffer, size_t size)>;

  UlidGenerator();
  explicit UlidGenerator(RandomSource random);

  // `now_ms` is Unix time in milliseconds, clamped to the 48 bits a ULID has.
  std::string Next(int64_t now_ms);

 private:
  std::mutex mu_;
  RandomSource random_;
  int64_t last_ms_ = -1;                   // guarded by mu_
  std::array<uint8_t, 10> last_random_{};  // guarded by mu_; big-endian 80 bits
};

// A ULID from one process-wide generator.
std::string NewUlid(int64_t now_ms);

}  // namespace orauditd
