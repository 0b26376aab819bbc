#include "common/ulid.h"

#include <sys/random.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <utility>

namespace orauditd {
namespace {

constexpr char kCrockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
constexpr int64_t kMaxTimeMs = (int64_t{1} << 48) - 1;

void KernelRandom(uint8_t* buffer, size_t size) {
  while (size > 0) {
    ssize_t got = getrandom(buffer, size, 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      // Without the kernel CSPRNG, ids could collide across restarts;
      // better to stop than to hand out guessable keys.
      std::abort();
    }
    buffer += got;
    size -= static_cast<size_t>(got);
  }
}

// Adds one to a big-endian number; returns false when it wrapped to zero.
bool Increment(std::array<uint8_t, 10>* bytes) {
  for (size_t i = bytes->size(); i-- > 0;) {
    if (++(*bytes)[i] != 0) return true;
  }
  return false;
}

// 48 time bits then 80 random bits, five bits per character from the top;
// 128 bits fill 26 characters with two spare leading bits.
std::string Encode(int64_t time_ms, const std::array<uint8_t, 10>& random) {
  std::array<uint8_t, 16> bits{};
  for (int i = 0; i < 6; ++i) bits[i] = static_cast<uint8_t>(time_ms >> (8 * (5 - i)));
  std::copy(random.begin(), random.end(), bits.begin() + 6);

  std::string out(26, '0');
  for (int c = 0; c < 26; ++c) {
    int first_bit = c * 5 - 2;  // position in the 128-bit number, may start at -2
    int value = 0;
    for (int b = first_bit; b < first_bit + 5; ++b) {
      int bit = b < 0 ? 0 : (bits[b / 8] >> (7 - b % 8)) & 1;
      value = (value << 1) | bit;
    }
    out[c] = kCrockford[value];
  }
  return out;
}

}  // namespace

UlidGenerator::UlidGenerator() : UlidGenerator(KernelRandom) {}

UlidGenerator::UlidGenerator(RandomSource random) : random_(std::move(random)) {}

std::string UlidGenerator::Next(int64_t now_ms) {
  now_ms = std::clamp<int64_t>(now_ms, 0, kMaxTimeMs);
  std::lock_guard<std::mutex> lock(mu_);
  if (now_ms > last_ms_) {
    last_ms_ = now_ms;
    random_(last_random_.data(), last_random_.size());
  } else if (!Increment(&last_random_)) {
    // 2^80 ids in one millisecond cannot happen by counting; it means the
    // random part started near its top. Borrow the next millisecond.
    last_ms_ = std::min(last_ms_ + 1, kMaxTimeMs);
  }
  return Encode(last_ms_, last_random_);
}

std::string NewUlid(int64_t now_ms) {
  static UlidGenerator* generator = new UlidGenerator();  // never destroyed: used at exit
  return generator->Next(now_ms);
}

}  // namespace orauditd
