#include "intake/socket_server.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <deque>
#include <filesystem>

#include <spdlog/spdlog.h>

#include "common/json_writer.h"
#include "common/ulid.h"
#include "common/unix_socket_probe.h"

namespace orauditd {
namespace {

constexpr uint64_t kShutdownLingerMs = 2000;

}  // namespace

std::string ReplyLine(const EnqueueResult& result) {
  if (!result.status.ok()) return ErrorReplyLine(result.status.message());
  std::string line = "{\"ok\":true,\"id\":";
  AppendJsonString(&line, result.request_id);
  if (result.duplicate) line += ",\"duplicate\":true";
  line += "}\n";
  return line;
}

std::string ErrorReplyLine(const std::string& error) {
  std::string line = "{\"ok\":false,\"error\":";
  AppendJsonString(&line, error);
  line += "}\n";
  return line;
}

class SocketServer::Connection : public std::enable_shared_from_this<Connection> {
 public:
  explicit Connection(SocketServer* server) : server_(server) { pipe_.data = this; }

  uv_pipe_t pipe_;

  void Begin() {
    ReadPeerCredentials();
    StartReading();
  }

  void Shutdown() {
    eof_ = true;
    StopReading();
    MaybeClose();
  }

  void Detach() { server_ = nullptr; }

  // For shutdown: a client that does not read its replies must not hold
  // the daemon; its records are durable already.
  void ForceClose() { Close(); }

 private:
  struct Slot {
    bool ready = false;
    std::string text;
    uint64_t batch = 0;  // the commit batch of an accepted line
  };

  struct WriteRequest {
    uv_write_t req;
    std::string data;
    std::shared_ptr<Connection> connection;
  };

  static void OnAlloc(uv_handle_t*, size_t suggested, uv_buf_t* buf) {
    buf->base = new char[suggested];
    buf->len = suggested;
  }

  static void OnRead(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
    auto* self = static_cast<Connection*>(stream->data);
    std::unique_ptr<char[]> owned(buf->base);
    if (nread > 0) {
      self->Consume(std::string_view(buf->base, static_cast<size_t>(nread)));
    } else if (nread < 0) {
      self->OnEnd(nread);
    }
  }

  void ReadPeerCredentials() {
    uv_os_fd_t fd;
    if (uv_fileno(reinterpret_cast<uv_handle_t*>(&pipe_), &fd) != 0) return;
    struct ucred cred;
    socklen_t len = sizeof cred;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0) {
      uid_ = cred.uid;
      pid_ = cred.pid;
    }
  }

  void StartReading() {
    if (reading_ || eof_ || closing_) return;
    if (uv_read_start(reinterpret_cast<uv_stream_t*>(&pipe_), OnAlloc, OnRead) == 0) {
      reading_ = true;
    }
  }

  void StopReading() {
    if (!reading_) return;
    uv_read_stop(reinterpret_cast<uv_stream_t*>(&pipe_));
    reading_ = false;
  }

  void Consume(std::string_view data) {
    const RecordLimits& limits = server_->options_.limits;
    while (!data.empty()) {
      size_t newline = data.find('\n');
      std::string_view chunk = data.substr(0, newline);
      if (!discarding_) {
        if (inbox_.size() + chunk.size() > limits.max_line_bytes) {
          discarding_ = true;  // keep reading to the end of this line, then refuse it
          discarded_bytes_ = inbox_.size();
          inbox_.clear();
        } else {
          inbox_.append(chunk);
        }
      }
      if (discarding_) discarded_bytes_ += chunk.size();
      if (newline == std::string_view::npos) break;
      data.remove_prefix(newline + 1);

      if (discarding_) {
        Refuse("line: " + std::to_string(discarded_bytes_) +
               " bytes exceeds intake.max_line_bytes (" + std::to_string(limits.max_line_bytes) +
               ")");
        discarding_ = false;
      } else {
        std::string line = std::move(inbox_);
        inbox_.clear();
        if (!line.empty() && line.back() == '\r') line.pop_back();
        HandleLine(line);
      }
    }
    ApplyBackpressure();
  }

  void HandleLine(std::string_view line) {
    SocketServer* server = server_;
    ParseContext ctx;
    ctx.now_ms = server->clock_->NowMs();
    ctx.hasher = server->hasher_;
    ctx.limits = server->options_.limits;
    auto parsed = ParseRecordLine(line, ctx);
    if (!parsed.ok()) {
      Refuse(parsed.status().message());
      return;
    }
    server->counters_.unknown_fields += static_cast<uint64_t>(parsed->unknown_fields);
    Record record = std::move(parsed->record);
    if (record.request_id.empty()) {
      record.request_id = NewUlid(ctx.now_ms);
      record.request_id_assigned = true;
    }
    record.source = "socket";
    record.peer_uid = uid_;
    record.peer_pid = pid_;
    // Logged at warn, as the record format promises; a client that sends
    // the same mistake in every record gets one line per window (LogSink).
    for (const std::string& warning : parsed->warnings) {
      spdlog::warn("intake: record {}: {}", record.request_id, warning);
    }

    uint64_t serial = next_serial_++;
    slots_.push_back({false, {}, server->batcher_->open_batch()});
    ++unanswered_;
    auto self = shared_from_this();
    server->batcher_->Add(std::move(record), [self, serial](const EnqueueResult& result) {
      self->Answer(serial, result);
    });
  }

  void Refuse(const std::string& error) {
    if (server_) ++server_->counters_.refused;
    // The client has the reason in its reply; the operator gets it here, by
    // peer, so that a refusal counted in the metrics can be traced. A client
    // that repeats one mistake gets one line per window (LogSink).
    spdlog::warn("intake: pid {} uid {}: line refused: {}", pid_.value_or(-1),
                 uid_.value_or(-1), error);
    slots_.push_back({true, ErrorReplyLine(error)});
    ++next_serial_;
    FlushReplies();
  }

  void Answer(uint64_t serial, const EnqueueResult& result) {
    --unanswered_;
    if (server_) {
      if (!result.status.ok()) ++server_->counters_.refused;
      else if (result.duplicate) ++server_->counters_.duplicates;
      else ++server_->counters_.accepted;
    }
    if (closing_) return;  // the client is gone; the record is stored all the same
    Slot& slot = slots_[serial - first_serial_];
    slot.ready = true;
    slot.text = ReplyLine(result);
    // One write per commit, not per line: the rest of this batch's answers
    // for this connection come right after this one, in order.
    if (!BatchContinues(serial)) FlushReplies();
    ApplyBackpressure();
    MaybeClose();
  }

  // True when a later line of this connection awaits an answer from the
  // same commit batch as line `serial`.
  bool BatchContinues(uint64_t serial) const {
    size_t at = static_cast<size_t>(serial - first_serial_);
    for (size_t i = at + 1; i < slots_.size(); ++i) {
      if (!slots_[i].ready) return slots_[i].batch == slots_[at].batch;
    }
    return false;
  }

  void FlushReplies() {
    if (closing_) return;
    std::string out;
    while (!slots_.empty() && slots_.front().ready) {
      out += slots_.front().text;
      slots_.pop_front();
      ++first_serial_;
    }
    if (out.empty()) return;

    auto* write = new WriteRequest{{}, std::move(out), shared_from_this()};
    write->req.data = write;
    uv_buf_t buf = uv_buf_init(write->data.data(), static_cast<unsigned>(write->data.size()));
    ++writes_in_flight_;
    int rc = uv_write(&write->req, reinterpret_cast<uv_stream_t*>(&pipe_), &buf, 1,
                      [](uv_write_t* req, int status) {
                        auto* w = static_cast<WriteRequest*>(req->data);
                        auto connection = w->connection;
                        delete w;
                        connection->OnWritten(status);
                      });
    if (rc != 0) {
      --writes_in_flight_;
      delete write;
      Close();
    }
  }

  void OnWritten(int status) {
    --writes_in_flight_;
    if (status != 0) {
      // The client stopped reading and went away; its records are kept.
      Close();
      return;
    }
    ApplyBackpressure();
    MaybeClose();
  }

  void ApplyBackpressure() {
    if (closing_ || !server_) return;
    size_t queued = uv_stream_get_write_queue_size(reinterpret_cast<uv_stream_t*>(&pipe_));
    bool full = unanswered_ >= server_->options_.max_unanswered_lines ||
                slots_.size() >= server_->options_.max_unanswered_lines ||
                queued >= server_->options_.max_reply_bytes;
    if (full) {
      StopReading();
    } else {
      StartReading();
    }
  }

  void OnEnd(ssize_t code) {
    StopReading();
    eof_ = true;
    if (code != UV_EOF) {
      Close();
      return;
    }
    if (!inbox_.empty() || discarding_) {
      size_t bytes = discarding_ ? discarded_bytes_ : inbox_.size();
      spdlog::warn("intake: pid {} closed its connection inside a line; refused the "
                   "{} byte partial line",
                   pid_.value_or(-1), bytes);
      inbox_.clear();
      std::string why = "line: incomplete (no newline before the connection was closed)";
      if (discarding_) {
        // Both are true; the size is the one that a resend cannot cure.
        why = "line: " + std::to_string(bytes) + " bytes exceeds intake.max_line_bytes (" +
              std::to_string(server_->options_.limits.max_line_bytes) + ") and is incomplete";
      }
      discarding_ = false;
      Refuse(why);
    }
    MaybeClose();
  }

  void MaybeClose() {
    if (eof_ && unanswered_ == 0 && slots_.empty() && writes_in_flight_ == 0) Close();
  }

  void Close() {
    if (closing_) return;
    closing_ = true;
    StopReading();
    self_ = shared_from_this();
    uv_close(reinterpret_cast<uv_handle_t*>(&pipe_), [](uv_handle_t* handle) {
      auto* self = static_cast<Connection*>(handle->data);
      auto keep = std::move(self->self_);
      if (self->server_) self->server_->Forget(self);
    });
  }

  SocketServer* server_;
  std::shared_ptr<Connection> self_;  // alive until the uv close callback
  std::string inbox_;
  bool discarding_ = false;
  size_t discarded_bytes_ = 0;
  std::deque<Slot> slots_;
  uint64_t first_serial_ = 0;
  uint64_t next_serial_ = 0;
  size_t unanswered_ = 0;
  int writes_in_flight_ = 0;
  bool reading_ = false;
  bool eof_ = false;
  bool closing_ = false;
  std::optional<int64_t> uid_;
  std::optional<int64_t> pid_;
};

SocketServer::SocketServer(uv_loop_t* loop, Clock* clock, CommitBatcher* batcher,
                           const PromptHasher* hasher, SocketServerOptions options)
    : loop_(loop), clock_(clock), batcher_(batcher), hasher_(hasher), options_(options) {}

SocketServer::~SocketServer() {
  for (const auto& connection : connections_) connection->Detach();
}

Status SocketServer::Listen() {
  const std::string& path = options_.path;
  if (path.size() >= sizeof(sockaddr_un::sun_path)) {
    return Status::InvalidArgument("intake.socket.path: " + path + " is longer than " +
                                   std::to_string(sizeof(sockaddr_un::sun_path) - 1) +
                                   " bytes");
  }
  std::error_code ec;
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);

  struct stat st;
  if (lstat(path.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode)) {
      return Status::FailedPrecondition("socket " + path + ": exists and is not a socket");
    }
    if (ProbeUnixSocket(path).ok()) {
      return Status::FailedPrecondition("socket " + path +
                                        ": another process is listening on it");
    }
    unlink(path.c_str());  // stale, from a run that did not clean up
  }

  uv_pipe_init(loop_, &server_, 0);
  server_.data = this;
  listening_ = true;
  int rc = uv_pipe_bind(&server_, path.c_str());
  if (rc == 0) rc = chmod(path.c_str(), options_.mode) == 0 ? 0 : uv_translate_sys_error(errno);
  if (rc == 0) {
    rc = uv_listen(reinterpret_cast<uv_stream_t*>(&server_), 1024, &SocketServer::OnConnection);
  }
  if (rc != 0) {
    return Status::IoError("listen on " + path + ": " + uv_err_name(rc) + ": " + uv_strerror(rc));
  }
  spdlog::info("intake: listening on {}", path);
  return Status::Ok();
}

Status SocketServer::ListenOnFd(int fd) {
  uv_pipe_init(loop_, &server_, 0);
  server_.data = this;
  listening_ = true;
  owns_path_ = false;
  int rc = uv_pipe_open(&server_, fd);
  if (rc == 0) {
    rc = uv_listen(reinterpret_cast<uv_stream_t*>(&server_), 1024, &SocketServer::OnConnection);
  }
  if (rc != 0) {
    return Status::IoError("listen on the socket passed by systemd (fd " + std::to_string(fd) +
                           "): " + uv_err_name(rc) + ": " + uv_strerror(rc));
  }
  char name[sizeof(sockaddr_un::sun_path) + 1] = {0};
  size_t length = sizeof name - 1;
  uv_pipe_getsockname(&server_, name, &length);
  spdlog::info("intake: listening on {} (socket passed by systemd)", std::string(name, length));
  return Status::Ok();
}

void SocketServer::OnConnection(uv_stream_t* stream, int status) {
  auto* self = static_cast<SocketServer*>(stream->data);
  if (status != 0) {
    spdlog::warn("intake: accept failed: {}", uv_strerror(status));
    return;
  }
  auto connection = std::make_shared<Connection>(self);
  uv_pipe_init(self->loop_, &connection->pipe_, 0);
  self->connections_.insert(connection);
  if (uv_accept(stream, reinterpret_cast<uv_stream_t*>(&connection->pipe_)) != 0) {
    connection->Shutdown();
    return;
  }
  ++self->counters_.connections;
  if (self->closing_) {
    connection->Shutdown();
    return;
  }
  connection->Begin();
}

void SocketServer::Forget(Connection* connection) {
  for (auto it = connections_.begin(); it != connections_.end(); ++it) {
    if (it->get() == connection) {
      connections_.erase(it);
      break;
    }
  }
  MaybeClosed();
}

size_t SocketServer::connections() const { return connections_.size(); }

void SocketServer::Close(std::function<void()> closed) {
  closing_ = true;
  closed_ = std::move(closed);
  if (!listening_) {
    server_closed_ = true;
    MaybeClosed();
    return;
  }
  uv_close(reinterpret_cast<uv_handle_t*>(&server_), [](uv_handle_t* handle) {
    auto* self = static_cast<SocketServer*>(handle->data);
    self->server_closed_ = true;
    if (self->owns_path_) unlink(self->options_.path.c_str());
    self->MaybeClosed();
  });
  auto open = connections_;
  for (const auto& connection : open) connection->Shutdown();
  if (!connections_.empty()) {
    uv_timer_init(loop_, &linger_timer_);
    linger_timer_.data = this;
    linger_timer_open_ = true;
    uv_timer_start(&linger_timer_, &SocketServer::OnLingerTimeout, kShutdownLingerMs, 0);
  }
}

void SocketServer::OnLingerTimeout(uv_timer_t* timer) {
  auto* self = static_cast<SocketServer*>(timer->data);
  spdlog::warn("shutdown: closing {} connections whose clients did not read their replies",
               self->connections_.size());
  auto open = self->connections_;
  for (const auto& connection : open) connection->ForceClose();
}

void SocketServer::MaybeClosed() {
  if (closing_ && server_closed_ && connections_.empty() && closed_ && linger_timer_open_) {
    linger_timer_open_ = false;
    uv_close(reinterpret_cast<uv_handle_t*>(&linger_timer_), [](uv_handle_t* handle) {
      static_cast<SocketServer*>(handle->data)->MaybeClosed();
    });
    return;
  }
  if (closing_ && server_closed_ && connections_.empty() && closed_) {
    auto done = std::move(closed_);
    closed_ = nullptr;
    done();
  }
}

}  // namespace orauditd
