// FakeResponse: what the fake answers to one request, and how it delivers
// it: at once, after a delay, trickled, cut short, or not at all (a reset).
// Building the bytes is separate from sending them so that the connection
// code stays a small state machine. Value type, any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace orauditd::fake {

enum class Delivery {
  kNormal,        // head and body in one go
  kTrickle,       // head, then the body a few bytes per interval
  kTruncate,      // head announcing the full body, part of it, then FIN
  kCloseMidBody,  // head and part of the body, a pause, then FIN or RST
  kReset,         // nothing at all: RST right after the request was read
};

struct FakeResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;  // sent as given
  std::string body;

  uint32_t delay_ms = 0;  // before the first byte of the head
  Delivery delivery = Delivery::kNormal;
  bool close = false;    // send "Connection: close" and close afterwards
  bool chunked = false;  // Transfer-Encoding: chunked instead of Content-Length

  std::optional<size_t> partial_body_bytes;  // kTruncate, kCloseMidBody
  uint32_t hold_ms = 0;                      // kCloseMidBody: pause before closing
  bool rst = false;                          // kCloseMidBody: close with RST
  uint32_t trickle_interval_ms = 10;
  size_t trickle_bytes = 1;

  // Replaces the header value if the name is already there (any case).
  void SetHeader(std::string name, std::string value);
  bool HasHeader(std::string_view name) const;
};

// The bytes on the wire and where the body starts in them.
struct Wire {
  std::string bytes;
  size_t head_size = 0;
};

// Serializes status line, headers and body. `keep_alive` is whether the
// connection stays open after this response.
Wire BuildWire(const FakeResponse& response, bool keep_alive);

const char* ReasonPhrase(int status);

}  // namespace orauditd::fake
