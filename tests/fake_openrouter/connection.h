// Connection: one accepted TCP connection. It parses requests as bytes
// arrive, asks the handler for each answer at once (so script steps and the
// request log follow arrival order), and sends the answers strictly in
// request order, each when its delay has passed. Faults (trickle, cut-off
// bodies, resets) are steps of the same small state machine.
//
// Loop thread only. A Connection deletes itself once its handles are
// closed; the owner learns of it through the `on_gone` callback.
#pragma once

#include <uv.h>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>

#include "tests/fake_openrouter/fake_response.h"
#include "tests/fake_openrouter/handler.h"
#include "tests/fake_openrouter/http_request_parser.h"

namespace orauditd::fake {

class Connection {
 public:
  Connection(uv_loop_t* loop, Handler* handler, std::function<void(Connection*)> on_gone);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  uv_stream_t* stream() { return reinterpret_cast<uv_stream_t*>(&tcp_); }

  // Starts reading after uv_accept succeeded on stream().
  void Start();

  // Drops the connection at once, answered or not.
  void Abort();

 private:
  struct Pending {
    Wire wire;
    Delivery delivery = Delivery::kNormal;
    uint64_t ready_at = 0;   // loop time in ms
    size_t sent = 0;         // bytes of wire already queued for writing
    size_t partial_end = 0;  // kTruncate, kCloseMidBody: wire bytes to send
    uint32_t hold_ms = 0;
    bool rst = false;
    bool close_after = false;
    bool holding = false;  // kCloseMidBody: the partial bytes are out
    uint32_t interval_ms = 0;
    size_t trickle_bytes = 1;
  };
  struct WriteRequest {
    uv_write_t req;
    std::string data;
  };

  static constexpr size_t kMaxPending = 1024;
  static constexpr size_t kMaxQueuedWriteBytes = 16 * 1024 * 1024;
  static constexpr size_t kReadBufferSize = 64 * 1024;
  static constexpr uint64_t kLingerMs = 2000;

  static void OnAlloc(uv_handle_t* handle, size_t suggested, uv_buf_t* buf);
  static void OnRead(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf);
  static void OnWrite(uv_write_t* req, int status);
  static void OnTimer(uv_timer_t* timer);
  static void OnShutdown(uv_shutdown_t* req, int status);
  static void OnClosed(uv_handle_t* handle);

  // Parses what it can, sends what is due, and adjusts reading.
  void Drive();
  void ParseRequests();
  void Enqueue(const FakeResponse& response, bool keep_alive);
  void Pump();
  void Flush(std::string* batch);
  void UpdateReading();

  void FinishWithFin();
  void FinishWithReset();
  void CloseHandles();

  uv_loop_t* loop_;
  Handler* handler_;
  std::function<void(Connection*)> on_gone_;
  uv_tcp_t tcp_;
  uv_timer_t timer_;
  uv_shutdown_t shutdown_req_;
  HttpRequestParser parser_;
  std::deque<Pending> pending_;
  char read_buffer_[kReadBufferSize];

  bool reading_ = false;
  bool input_done_ = false;  // no more requests will be taken
  bool peer_eof_ = false;
  bool finishing_ = false;  // FIN or RST decided; only closing remains
  bool lingering_ = false;  // FIN sent; reading and discarding until the peer closes
  bool closing_ = false;    // uv_close called
  int open_handles_ = 0;
};

}  // namespace orauditd::fake
