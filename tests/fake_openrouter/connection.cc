#include "tests/fake_openrouter/connection.h"

#include <sys/socket.h>

#include <algorithm>
#include <utility>

#include "tests/fake_openrouter/error_bodies.h"

namespace orauditd::fake {

Connection::Connection(uv_loop_t* loop, Handler* handler, std::function<void(Connection*)> on_gone)
    : loop_(loop), handler_(handler), on_gone_(std::move(on_gone)) {
  uv_tcp_init(loop_, &tcp_);
  uv_timer_init(loop_, &timer_);
  tcp_.data = this;
  timer_.data = this;
  shutdown_req_.data = this;
  open_handles_ = 2;
}

void Connection::Start() {
  // Answers are small and latency matters more than packet count.
  uv_tcp_nodelay(&tcp_, 1);
  UpdateReading();
}

void Connection::Abort() { CloseHandles(); }

void Connection::OnAlloc(uv_handle_t* handle, size_t, uv_buf_t* buf) {
  auto* self = static_cast<Connection*>(handle->data);
  *buf = uv_buf_init(self->read_buffer_, sizeof self->read_buffer_);
}

void Connection::OnRead(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
  auto* self = static_cast<Connection*>(stream->data);
  if (self->closing_) return;
  if (nread > 0) {
    if (self->lingering_ || self->input_done_) return;  // discarded: no more requests taken
    self->parser_.Feed(buf->base, static_cast<size_t>(nread));
    self->Drive();
  } else if (nread == UV_EOF) {
    if (self->lingering_) {
      self->CloseHandles();
      return;
    }
    self->peer_eof_ = true;
    self->Drive();
  } else if (nread < 0) {
    self->CloseHandles();
  }
}

void Connection::Drive() {
  if (finishing_ || closing_) return;
  for (;;) {
    size_t before = pending_.size();
    ParseRequests();
    bool stopped_full = pending_.size() >= kMaxPending && pending_.size() > before;
    Pump();
    if (finishing_ || closing_) return;
    // A full queue stopped parsing; go on if sending made room.
    if (!stopped_full || pending_.size() >= kMaxPending) break;
  }
  if (peer_eof_ && pending_.empty()) {
    FinishWithFin();
    return;
  }
  UpdateReading();
}

void Connection::ParseRequests() {
  while (!input_done_ && pending_.size() < kMaxPending) {
    HttpRequest request;
    HttpRequestParser::Result result = parser_.Next(&request);
    if (result == HttpRequestParser::Result::kNeedMore) {
      // libcurl waits up to a second for this before sending a large body.
      // An interim answer may not jump ahead of earlier answers, so it is
      // only sent when none is waiting.
      if (parser_.TakeContinueRequest() && pending_.empty()) {
        std::string interim = "HTTP/1.1 100 Continue\r\n\r\n";
        Flush(&interim);
      }
      return;
    }
    if (result == HttpRequestParser::Result::kError) {
      FakeResponse response;
      response.status = parser_.error_status();
      response.body = ErrorBody(response.status, parser_.error());
      input_done_ = true;
      Enqueue(response, false);
      return;
    }
    FakeResponse response = handler_->Handle(request);
    bool keep_alive = request.keep_alive && !response.close;
    bool continues = keep_alive && (response.delivery == Delivery::kNormal ||
                                    response.delivery == Delivery::kTrickle);
    if (!continues) input_done_ = true;
    Enqueue(response, keep_alive);
  }
}

void Connection::Enqueue(const FakeResponse& response, bool keep_alive) {
  Pending p;
  p.wire = BuildWire(response, keep_alive);
  p.delivery = response.delivery;
  p.ready_at = uv_now(loop_) + response.delay_ms;
  p.close_after = input_done_;
  p.partial_end =
      std::min(p.wire.head_size + response.partial_body_bytes.value_or(0), p.wire.bytes.size());
  p.hold_ms = response.hold_ms;
  p.rst = response.rst;
  p.interval_ms = response.trickle_interval_ms;
  p.trickle_bytes = std::max<size_t>(response.trickle_bytes, 1);
  pending_.push_back(std::move(p));
}

void Connection::Pump() {
  std::string batch;
  while (!pending_.empty() && !finishing_ && !closing_) {
    Pending& p = pending_.front();
    uint64_t now = uv_now(loop_);
    if (p.ready_at > now) break;
    switch (p.delivery) {
      case Delivery::kNormal: {
        if (batch.empty()) {
          batch = std::move(p.wire.bytes);
        } else {
          batch.append(p.wire.bytes);
        }
        bool close = p.close_after;
        pending_.pop_front();
        if (close) {
          Flush(&batch);
          FinishWithFin();
          return;
        }
        continue;
      }
      case Delivery::kReset:
        Flush(&batch);
        FinishWithReset();
        return;
      case Delivery::kTruncate:
        batch.append(p.wire.bytes, 0, p.partial_end);
        Flush(&batch);
        FinishWithFin();
        return;
      case Delivery::kCloseMidBody:
        if (!p.holding) {
          batch.append(p.wire.bytes, 0, p.partial_end);
          Flush(&batch);
          p.holding = true;
          p.ready_at = now + p.hold_ms;
          continue;
        }
        Flush(&batch);
        if (p.rst) {
          FinishWithReset();
        } else {
          FinishWithFin();
        }
        return;
      case Delivery::kTrickle: {
        size_t n = p.sent == 0 ? p.wire.head_size
                               : std::min(p.trickle_bytes, p.wire.bytes.size() - p.sent);
        batch.append(p.wire.bytes, p.sent, n);
        p.sent += n;
        if (p.sent < p.wire.bytes.size()) {
          p.ready_at = now + p.interval_ms;
          continue;
        }
        bool close = p.close_after;
        pending_.pop_front();
        if (close) {
          Flush(&batch);
          FinishWithFin();
          return;
        }
        continue;
      }
    }
  }
  Flush(&batch);
  if (finishing_ || closing_ || pending_.empty()) return;
  uint64_t now = uv_now(loop_);
  uint64_t ready_at = pending_.front().ready_at;
  uv_timer_start(&timer_, OnTimer, ready_at > now ? ready_at - now : 0, 0);
}

void Connection::Flush(std::string* batch) {
  if (batch->empty() || closing_) return;
  auto* write = new WriteRequest;
  write->data = std::move(*batch);
  batch->clear();
  write->req.data = this;
  uv_buf_t buf = uv_buf_init(write->data.data(), static_cast<unsigned>(write->data.size()));
  if (uv_write(&write->req, stream(), &buf, 1, OnWrite) != 0) {
    delete write;
    CloseHandles();
  }
}

void Connection::OnWrite(uv_write_t* req, int status) {
  auto* write = reinterpret_cast<WriteRequest*>(req);
  auto* self = static_cast<Connection*>(req->data);
  delete write;
  if (self->closing_) return;
  if (status < 0) {
    self->CloseHandles();
    return;
  }
  // Reading may have paused on a long write queue; see whether it can resume.
  if (!self->reading_ && !self->input_done_ && !self->finishing_) self->Drive();
}

void Connection::OnTimer(uv_timer_t* timer) {
  auto* self = static_cast<Connection*>(timer->data);
  if (self->lingering_) {
    self->CloseHandles();
    return;
  }
  self->Drive();
}

void Connection::UpdateReading() {
  bool want = !input_done_ && !peer_eof_ && !finishing_ && !closing_ &&
              pending_.size() < kMaxPending && tcp_.write_queue_size < kMaxQueuedWriteBytes;
  if (want && !reading_) {
    reading_ = uv_read_start(stream(), OnAlloc, OnRead) == 0;
  } else if (!want && reading_) {
    uv_read_stop(stream());
    reading_ = false;
  }
}

void Connection::FinishWithFin() {
  finishing_ = true;
  uv_timer_stop(&timer_);
  if (reading_) {
    uv_read_stop(stream());
    reading_ = false;
  }
  // uv_shutdown waits for queued writes, then sends FIN.
  if (uv_shutdown(&shutdown_req_, stream(), OnShutdown) != 0) CloseHandles();
}

void Connection::OnShutdown(uv_shutdown_t* req, int status) {
  auto* self = static_cast<Connection*>(req->data);
  if (self->closing_) return;
  if (status < 0 || self->peer_eof_) {
    self->CloseHandles();
    return;
  }
  // Closing a socket with unread input makes the kernel send RST, which can
  // destroy the answer just sent; so read and discard until the peer
  // closes, for a bounded time.
  self->lingering_ = true;
  if (uv_read_start(self->stream(), OnAlloc, OnRead) != 0) {
    self->CloseHandles();
    return;
  }
  self->reading_ = true;
  uv_timer_start(&self->timer_, OnTimer, kLingerMs, 0);
}

void Connection::FinishWithReset() {
  finishing_ = true;
  // SO_LINGER with a zero timeout turns close() into an RST.
  uv_os_fd_t fd;
  if (uv_fileno(reinterpret_cast<uv_handle_t*>(&tcp_), &fd) == 0) {
    struct linger linger = {1, 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, sizeof linger);
  }
  CloseHandles();
}

void Connection::CloseHandles() {
  if (closing_) return;
  closing_ = true;
  uv_close(reinterpret_cast<uv_handle_t*>(&tcp_), OnClosed);
  uv_close(reinterpret_cast<uv_handle_t*>(&timer_), OnClosed);
}

void Connection::OnClosed(uv_handle_t* handle) {
  auto* self = static_cast<Connection*>(handle->data);
  if (--self->open_handles_ > 0) return;
  if (self->on_gone_) self->on_gone_(self);
  delete self;
}

}  // namespace orauditd::fake
