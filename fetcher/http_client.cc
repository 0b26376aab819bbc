// The libuv side of HttpClient: curl's multi handle tells us which sockets to
// watch and when to wake it up; libuv watches and wakes. fetcher/README.md
// explains the rules this file keeps and why.
#include "fetcher/http_client.h"

#include <curl/curl.h>
#include <sys/stat.h>

#include <algorithm>
#include <deque>
#include <mutex>
#include <unordered_map>
#include <unordered_set>

#include "fetcher/curl_error.h"
#include "fetcher/transfer.h"

#ifndef ORAUDITD_VERSION
#define ORAUDITD_VERSION "dev"
#endif

namespace orauditd {
namespace {

constexpr char kClientClosed[] = "client closed";

// curl_global_init is not safe to race with other curl calls, so it runs once
// for the process before the first multi handle exists.
CURLcode GlobalInitOnce() {
  static std::once_flag once;
  static CURLcode result = CURLE_OK;
  std::call_once(once, [] { result = curl_global_init(CURL_GLOBAL_DEFAULT); });
  return result;
}

std::string DefaultUserAgent() {
  std::string agent = "orauditd/" ORAUDITD_VERSION;
  const curl_version_info_data* curl = curl_version_info(CURLVERSION_NOW);
  if (curl != nullptr && curl->version != nullptr) agent.append(" libcurl/").append(curl->version);
  return agent;
}

TransferSettings MakeSettings(const HttpClientOptions& options) {
  TransferSettings settings;
  settings.user_agent = options.user_agent.empty() ? DefaultUserAgent() : options.user_agent;
  if (!options.ca_path.empty()) {
    struct stat info {};
    bool is_dir = stat(options.ca_path.c_str(), &info) == 0 && S_ISDIR(info.st_mode);
    (is_dir ? settings.ca_dir : settings.ca_file) = options.ca_path;
  }
  return settings;
}

}  // namespace

const std::string* HttpResponse::Header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) return &value;
  }
  return nullptr;
}

class HttpClient::Impl {
 public:
  Impl(uv_loop_t* loop, HttpClientOptions options);
  ~Impl() = default;

  void Get(HttpRequest request, Callback done);
  void Close(std::function<void()> closed);
  // The HttpClient is going away. The Impl lives on until its last uv handle
  // is closed, because libuv still holds pointers into it until then.
  static void Abandon(Impl* impl);

  size_t in_flight() const { return in_flight_.size(); }
  size_t waiting() const { return waiting_.size(); }

 private:
  // One per socket curl asks us to watch, attached to it with
  // curl_multi_assign. Freed only in the uv_close callback, because libuv
  // may still hold it until then.
  struct Socket {
    uv_poll_t poll;
    Impl* impl;
    curl_socket_t fd;
    int events = 0;  // what libuv was last asked to watch for
    bool closing = false;
  };

  static int OnCurlSocket(CURL* easy, curl_socket_t fd, int what, void* userp, void* socketp);
  static int OnCurlTimer(CURLM* multi, long timeout_ms, void* userp);
  static void OnPoll(uv_poll_t* poll, int status, int events);
  static void OnCurlTimerFired(uv_timer_t* timer);
  static void OnNotifyTimerFired(uv_timer_t* timer);
  static void OnHandleClosed(uv_handle_t* handle);

  void SetUpMulti();
  void WatchSocket(CURL* easy, curl_socket_t fd, int what, Socket* socket);
  void ForgetSocket(Socket* socket);
  void SocketAction(curl_socket_t fd, int flags);
  void ReapDone();
  void FailBrokenSockets();
  void StartWaiting();
  void Start(std::unique_ptr<Transfer> transfer);
  std::unique_ptr<Transfer> TakeInFlight(CURL* easy);
  void FinishLater(std::unique_ptr<Transfer> transfer);
  void NotifyFinished();
  void HandleClosed();
  void ReportError(const std::string& message);
  StatusOr<CURL*> AcquireEasy();
  void ReleaseEasy(CURL* easy);

  uv_loop_t* loop_;
  HttpClientOptions options_;
  TransferSettings settings_;
  CURLM* multi_ = nullptr;
  std::string setup_error_;  // when set, every Get fails with it

  uv_timer_t curl_timer_;    // the one timeout curl asks for
  uv_timer_t notify_timer_;  // delivers results that did not come from curl
  int open_handles_ = 0;
  bool closing_ = false;
  bool closed_ = false;     // every handle is closed
  bool abandoned_ = false;  // delete this once closed_

  std::unordered_map<Transfer*, std::unique_ptr<Transfer>> in_flight_;
  std::deque<std::unique_ptr<Transfer>> waiting_;
  std::vector<std::unique_ptr<Transfer>> finished_;  // outcome known, callback not run yet
  std::vector<CURL*> idle_easy_;
  std::unordered_set<Socket*> sockets_;
  // Transfers whose socket libuv refused to watch, failed after the current
  // curl call returns (an easy handle may not be removed from inside curl).
  std::vector<std::pair<CURL*, std::string>> broken_;
  std::vector<std::function<void()>> closed_callbacks_;
};

HttpClient::Impl::Impl(uv_loop_t* loop, HttpClientOptions options)
    : loop_(loop), options_(std::move(options)), settings_(MakeSettings(options_)) {
  options_.max_in_flight = std::max<size_t>(1, options_.max_in_flight);

  // uv_timer_init cannot fail on a live loop; both timers exist from here on,
  // so Close() has the same handles to close whatever else went wrong.
  uv_timer_init(loop_, &curl_timer_);
  uv_timer_init(loop_, &notify_timer_);
  curl_timer_.data = this;
  notify_timer_.data = this;
  open_handles_ = 2;

  CURLcode init = GlobalInitOnce();
  if (init != CURLE_OK) {
    setup_error_ = std::string("curl_global_init: ") + CurlCodeName(init);
    ReportError(setup_error_);
    return;
  }
  SetUpMulti();
}

void HttpClient::Impl::SetUpMulti() {
  multi_ = curl_multi_init();
  if (multi_ == nullptr) {
    setup_error_ = "curl_multi_init failed";
    ReportError(setup_error_);
    return;
  }
  // One host, so the per-host cap is the real one. Keeping as many idle
  // connections as transfers can run lets every slot reuse its connection.
  const long max_connections = static_cast<long>(options_.max_in_flight);
  struct Step {
    const char* option;
    CURLMcode rc;
  };
  const Step steps[] = {
      {"CURLMOPT_SOCKETFUNCTION",
       curl_multi_setopt(multi_, CURLMOPT_SOCKETFUNCTION, &Impl::OnCurlSocket)},
      {"CURLMOPT_SOCKETDATA", curl_multi_setopt(multi_, CURLMOPT_SOCKETDATA, this)},
      {"CURLMOPT_TIMERFUNCTION",
       curl_multi_setopt(multi_, CURLMOPT_TIMERFUNCTION, &Impl::OnCurlTimer)},
      {"CURLMOPT_TIMERDATA", curl_multi_setopt(multi_, CURLMOPT_TIMERDATA, this)},
      {"CURLMOPT_PIPELINING", curl_multi_setopt(multi_, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX)},
      {"CURLMOPT_MAX_HOST_CONNECTIONS",
       curl_multi_setopt(multi_, CURLMOPT_MAX_HOST_CONNECTIONS, max_connections)},
      {"CURLMOPT_MAXCONNECTS", curl_multi_setopt(multi_, CURLMOPT_MAXCONNECTS, max_connections)},
  };
  for (const Step& step : steps) {
    if (step.rc != CURLM_OK) {
      setup_error_ = MultiError(std::string("curl_multi_setopt(") + step.option + ")", step.rc);
      ReportError(setup_error_);
      return;
    }
  }
}

void HttpClient::Impl::Get(HttpRequest request, Callback done) {
  auto transfer = std::make_unique<Transfer>(std::move(request), std::move(done));
  if (closing_) {
    transfer->Fail(kClientClosed);
    transfer->Notify();
    return;
  }
  if (waiting_.empty() && in_flight_.size() < options_.max_in_flight) {
    Start(std::move(transfer));
  } else {
    waiting_.push_back(std::move(transfer));
  }
}

void HttpClient::Impl::Start(std::unique_ptr<Transfer> transfer) {
  const std::string context = "GET " + UrlForLog(transfer->url()) + ": ";
  if (!setup_error_.empty()) {
    transfer->Fail(context + setup_error_);
    return FinishLater(std::move(transfer));
  }
  StatusOr<CURL*> easy = AcquireEasy();
  if (!easy.ok()) {
    transfer->Fail(context + easy.status().message());
    return FinishLater(std::move(transfer));
  }
  Status attached = transfer->Attach(*easy);
  if (!attached.ok()) {
    curl_easy_cleanup(transfer->Detach());
    transfer->Fail(context + attached.message());
    return FinishLater(std::move(transfer));
  }
  // Adding the handle makes curl ask for a 0 ms timeout; the transfer really
  // starts when that timer fires (the kickstart), outside this call.
  CURLMcode rc = curl_multi_add_handle(multi_, *easy);
  if (rc != CURLM_OK) {
    ReleaseEasy(transfer->Detach());
    transfer->Fail(context + MultiError("curl_multi_add_handle", rc));
    return FinishLater(std::move(transfer));
  }
  Transfer* key = transfer.get();
  in_flight_.emplace(key, std::move(transfer));
}

void HttpClient::Impl::StartWaiting() {
  while (!closing_ && !waiting_.empty() && in_flight_.size() < options_.max_in_flight) {
    std::unique_ptr<Transfer> next = std::move(waiting_.front());
    waiting_.pop_front();
    Start(std::move(next));
  }
}

StatusOr<CURL*> HttpClient::Impl::AcquireEasy() {
  if (!idle_easy_.empty()) {
    CURL* easy = idle_easy_.back();
    idle_easy_.pop_back();
    return easy;
  }
  CURL* easy = curl_easy_init();
  if (easy == nullptr) return Status::ResourceExhausted("curl_easy_init failed");
  Status configured = ConfigureEasy(easy, settings_);
  if (!configured.ok()) {
    curl_easy_cleanup(easy);
    return configured;
  }
  return easy;
}

void HttpClient::Impl::ReleaseEasy(CURL* easy) {
  if (idle_easy_.size() < options_.max_in_flight) {
    idle_easy_.push_back(easy);
  } else {
    curl_easy_cleanup(easy);
  }
}

int HttpClient::Impl::OnCurlSocket(CURL* easy, curl_socket_t fd, int what, void* userp,
                                   void* socketp) {
  auto* impl = static_cast<Impl*>(userp);
  auto* socket = static_cast<Socket*>(socketp);
  if (what == CURL_POLL_REMOVE) {
    // curl drops its record of the socket right after this call, so there is
    // no need to curl_multi_assign it back to null.
    if (socket != nullptr) impl->ForgetSocket(socket);
    return 0;
  }
  impl->WatchSocket(easy, fd, what, socket);
  return 0;
}

void HttpClient::Impl::WatchSocket(CURL* easy, curl_socket_t fd, int what, Socket* socket) {
  const std::string where = "(fd " + std::to_string(fd) + ")";
  if (socket == nullptr) {
    socket = new Socket{};
    socket->impl = this;
    socket->fd = fd;
    socket->poll.data = socket;
    int rc = uv_poll_init_socket(loop_, &socket->poll, fd);
    if (rc < 0) {
      delete socket;
      broken_.emplace_back(easy, UvError("uv_poll_init_socket" + where, rc));
      return ReportError(broken_.back().second);
    }
    ++open_handles_;
    sockets_.insert(socket);
    CURLMcode assigned = curl_multi_assign(multi_, fd, socket);
    if (assigned != CURLM_OK) {
      ForgetSocket(socket);
      broken_.emplace_back(easy, MultiError("curl_multi_assign" + where, assigned));
      return ReportError(broken_.back().second);
    }
  }
  int events = 0;
  if (what & CURL_POLL_IN) events |= UV_READABLE;
  if (what & CURL_POLL_OUT) events |= UV_WRITABLE;
  socket->events = events;
  int rc = uv_poll_start(&socket->poll, events, &Impl::OnPoll);
  if (rc < 0) {
    broken_.emplace_back(easy, UvError("uv_poll_start" + where, rc));
    ReportError(broken_.back().second);
  }
}

void HttpClient::Impl::ForgetSocket(Socket* socket) {
  if (socket->closing) return;
  socket->closing = true;
  sockets_.erase(socket);
  // Stopping first takes the fd out of epoll while it is still open; curl
  // closes it as soon as this callback returns.
  uv_poll_stop(&socket->poll);
  uv_close(reinterpret_cast<uv_handle_t*>(&socket->poll), &Impl::OnHandleClosed);
}

int HttpClient::Impl::OnCurlTimer(CURLM* multi, long timeout_ms, void* userp) {
  auto* impl = static_cast<Impl*>(userp);
  if (impl->closing_) return 0;
  int rc = 0;
  if (timeout_ms < 0) {
    rc = uv_timer_stop(&impl->curl_timer_);
  } else {
    // 0 means "now", but calling curl back from inside its own callback is
    // not allowed; 1 ms later, from the loop, is.
    uint64_t delay = timeout_ms == 0 ? 1 : static_cast<uint64_t>(timeout_ms);
    rc = uv_timer_start(&impl->curl_timer_, &Impl::OnCurlTimerFired, delay, 0);
  }
  if (rc < 0) impl->ReportError(UvError("curl timer", rc));
  return 0;
}

void HttpClient::Impl::OnCurlTimerFired(uv_timer_t* timer) {
  static_cast<Impl*>(timer->data)->SocketAction(CURL_SOCKET_TIMEOUT, 0);
}

void HttpClient::Impl::OnPoll(uv_poll_t* poll, int status, int events) {
  auto* socket = static_cast<Socket*>(poll->data);
  int flags = 0;
  if (events & UV_READABLE) flags |= CURL_CSELECT_IN;
  if (events & UV_WRITABLE) flags |= CURL_CSELECT_OUT;
  // libuv turns POLLERR (a reset, say) into UV_EBADF and stops the handle.
  // Telling curl CURL_CSELECT_ERR would make it fail with a bare "select/poll
  // returned error"; letting it read and write finds the real cause
  // (ECONNRESET) for the error text.
  if (status < 0) flags = CURL_CSELECT_IN | CURL_CSELECT_OUT;
  socket->impl->SocketAction(socket->fd, flags);

  // The socket's memory lives until its close callback, which cannot run
  // before this one returns. If curl still wants it, watch it again: curl
  // does not repeat a request it has already made.
  if (status < 0 && !socket->closing && !socket->impl->closing_) {
    int rc = uv_poll_start(&socket->poll, socket->events, &Impl::OnPoll);
    if (rc < 0) socket->impl->ReportError(UvError("uv_poll_start", rc));
  }
}

void HttpClient::Impl::SocketAction(curl_socket_t fd, int flags) {
  if (closing_ || multi_ == nullptr) return;
  int running = 0;
  CURLMcode rc = curl_multi_socket_action(multi_, fd, flags, &running);
  if (rc != CURLM_OK) ReportError(MultiError("curl_multi_socket_action", rc));

  // Drained after every call, whatever woke us: a transfer can finish on any
  // socket event or timeout, and curl announces it only through this queue.
  ReapDone();
  FailBrokenSockets();
  StartWaiting();
  NotifyFinished();
}

void HttpClient::Impl::ReapDone() {
  int left = 0;
  while (CURLMsg* message = curl_multi_info_read(multi_, &left)) {
    if (message->msg != CURLMSG_DONE) continue;
    // `message` is invalid once the handle is removed: copy what we need.
    CURL* easy = message->easy_handle;
    CURLcode result = message->data.result;
    std::unique_ptr<Transfer> transfer = TakeInFlight(easy);
    if (transfer == nullptr) {
      ReportError("curl reported a transfer the client does not know");
      continue;
    }
    transfer->Finish(result);
    CURLMcode rc = curl_multi_remove_handle(multi_, easy);
    if (rc == CURLM_OK) {
      ReleaseEasy(transfer->Detach());
    } else {
      ReportError(MultiError("curl_multi_remove_handle", rc));
      transfer->Detach();  // still in the multi: leave it to curl_multi_cleanup
    }
    finished_.push_back(std::move(transfer));
  }
}

std::unique_ptr<Transfer> HttpClient::Impl::TakeInFlight(CURL* easy) {
  char* owner = nullptr;
  if (curl_easy_getinfo(easy, CURLINFO_PRIVATE, &owner) != CURLE_OK) return nullptr;
  auto it = in_flight_.find(reinterpret_cast<Transfer*>(owner));
  if (it == in_flight_.end()) return nullptr;
  std::unique_ptr<Transfer> transfer = std::move(it->second);
  in_flight_.erase(it);
  return transfer;
}

void HttpClient::Impl::FailBrokenSockets() {
  std::vector<std::pair<CURL*, std::string>> broken;
  broken.swap(broken_);
  for (auto& [easy, error] : broken) {
    // Gone already if it finished in the same call.
    std::unique_ptr<Transfer> transfer = TakeInFlight(easy);
    if (transfer == nullptr) continue;
    CURLMcode rc = curl_multi_remove_handle(multi_, easy);
    if (rc == CURLM_OK) {
      ReleaseEasy(transfer->Detach());
    } else {
      ReportError(MultiError("curl_multi_remove_handle", rc));
      transfer->Detach();
    }
    transfer->Fail("GET " + UrlForLog(transfer->url()) + ": " + error);
    finished_.push_back(std::move(transfer));
  }
}

void HttpClient::Impl::FinishLater(std::unique_ptr<Transfer> transfer) {
  finished_.push_back(std::move(transfer));
  if (closing_) return;
  int rc = uv_timer_start(&notify_timer_, &Impl::OnNotifyTimerFired, 0, 0);
  if (rc < 0) ReportError(UvError("notify timer", rc));
}

void HttpClient::Impl::OnNotifyTimerFired(uv_timer_t* timer) {
  static_cast<Impl*>(timer->data)->NotifyFinished();
}

void HttpClient::Impl::NotifyFinished() {
  // Callbacks may call Get() or Close(), which touch finished_: run them from
  // a list of our own.
  std::vector<std::unique_ptr<Transfer>> done;
  done.swap(finished_);
  for (auto& transfer : done) transfer->Notify();
}

void HttpClient::Impl::Close(std::function<void()> closed) {
  if (closed) closed_callbacks_.push_back(std::move(closed));
  if (closed_) {
    std::vector<std::function<void()>> callbacks;
    callbacks.swap(closed_callbacks_);
    for (auto& callback : callbacks) callback();
    return;
  }
  if (closing_) return;
  closing_ = true;

  // Results already known keep them; everything else is aborted.
  std::vector<std::unique_ptr<Transfer>> done;
  done.swap(finished_);
  for (auto& [key, transfer] : in_flight_) {
    CURLMcode rc = curl_multi_remove_handle(multi_, transfer->easy());
    if (rc != CURLM_OK) ReportError(MultiError("curl_multi_remove_handle", rc));
    curl_easy_cleanup(transfer->Detach());
    transfer->Fail(kClientClosed);
    done.push_back(std::move(transfer));
  }
  in_flight_.clear();
  for (auto& transfer : waiting_) {
    transfer->Fail(kClientClosed);
    done.push_back(std::move(transfer));
  }
  waiting_.clear();
  for (CURL* easy : idle_easy_) curl_easy_cleanup(easy);
  idle_easy_.clear();

  // Cleanup closes the cached connections and reports each socket through
  // OnCurlSocket(CURL_POLL_REMOVE); any socket it leaves is closed after it.
  if (multi_ != nullptr) {
    CURLMcode rc = curl_multi_cleanup(multi_);
    if (rc != CURLM_OK) ReportError(MultiError("curl_multi_cleanup", rc));
    multi_ = nullptr;
  }
  std::vector<Socket*> left(sockets_.begin(), sockets_.end());
  for (Socket* socket : left) ForgetSocket(socket);
  uv_close(reinterpret_cast<uv_handle_t*>(&curl_timer_), &Impl::OnHandleClosed);
  uv_close(reinterpret_cast<uv_handle_t*>(&notify_timer_), &Impl::OnHandleClosed);

  for (auto& transfer : done) transfer->Notify();
}

void HttpClient::Impl::OnHandleClosed(uv_handle_t* handle) {
  Impl* impl = nullptr;
  if (handle->type == UV_POLL) {
    auto* socket = static_cast<Socket*>(handle->data);
    impl = socket->impl;
    delete socket;
  } else {
    impl = static_cast<Impl*>(handle->data);
  }
  impl->HandleClosed();
}

void HttpClient::Impl::HandleClosed() {
  if (--open_handles_ > 0 || !closing_) return;
  closed_ = true;
  std::vector<std::function<void()>> callbacks;
  callbacks.swap(closed_callbacks_);
  // A callback may destroy the HttpClient, and with it this Impl: nothing
  // below touches `this`.
  if (abandoned_) delete this;
  for (auto& callback : callbacks) callback();
}

void HttpClient::Impl::Abandon(Impl* impl) {
  if (impl->closed_) {
    delete impl;
    return;
  }
  impl->abandoned_ = true;
  impl->Close(nullptr);
}

void HttpClient::Impl::ReportError(const std::string& message) {
  if (options_.on_error) options_.on_error(Status::Internal(message));
}

HttpClient::HttpClient(uv_loop_t* loop, HttpClientOptions options)
    : impl_(std::make_unique<Impl>(loop, std::move(options))) {}

HttpClient::~HttpClient() { Impl::Abandon(impl_.release()); }

void HttpClient::Get(HttpRequest request, Callback done) {
  impl_->Get(std::move(request), std::move(done));
}

size_t HttpClient::in_flight() const { return impl_->in_flight(); }

size_t HttpClient::waiting() const { return impl_->waiting(); }

void HttpClient::Close(std::function<void()> closed) { impl_->Close(std::move(closed)); }

}  // namespace orauditd
