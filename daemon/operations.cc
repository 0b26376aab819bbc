#include "daemon/operations.h"

#include <spdlog/spdlog.h>

#include <cstdio>

#include "daemon/pipeline.h"
#include "queue/durable_queue.h"

namespace orauditd {

Operations::Operations(uv_loop_t* loop, Clock* clock, SystemdNotifier notifier,
                       OperationsOptions options)
    : loop_(loop),
      clock_(clock),
      notifier_(std::move(notifier)),
      options_(std::move(options)),
      metrics_(clock->NowMs()) {
  status_timer_.data = this;
  watchdog_timer_.data = this;
}

Operations::~Operations() = default;

std::function<void(double)> Operations::LookupObserver() {
  Histogram* histogram = metrics_.fetch_seconds();
  return [histogram](double seconds) { histogram->Observe(seconds); };
}

Status Operations::Start(MetricSources sources) {
  sources_ = sources;
  metrics_.Attach(std::move(sources));

  if (!options_.metrics_listen.empty()) {
    server_ = std::make_unique<MetricsServer>(
        loop_, [this] { return metrics_.Render(); }, MetricsServerOptions{options_.metrics_listen});
    Status listening = server_->Listen();
    if (!listening.ok()) return listening;
  }
  return Status::Ok();
}

void Operations::Ready() {
  uv_timer_init(loop_, &status_timer_);
  uv_timer_init(loop_, &watchdog_timer_);
  timers_started_ = true;
  // STATUS and the watchdog exist for systemd; without it the timers stay
  // idle, and they never keep the loop alive on their own.
  uv_unref(reinterpret_cast<uv_handle_t*>(&status_timer_));
  uv_unref(reinterpret_cast<uv_handle_t*>(&watchdog_timer_));
  if (notifier_.enabled()) {
    Notify("READY=1\nSTATUS=" + StatusText());
    uv_timer_start(&status_timer_, &Operations::OnStatusTimer, options_.status_interval_ms,
                   options_.status_interval_ms);
    uint64_t ping_ms = notifier_.watchdog_ping_interval_ms();
    if (ping_ms > 0) {
      Notify("WATCHDOG=1");
      uv_timer_start(&watchdog_timer_, &Operations::OnWatchdogTimer, ping_ms, ping_ms);
      spdlog::info("systemd: watchdog pings every {} ms", ping_ms);
    }
  }
}

std::string Operations::metrics_address() const {
  return server_ ? server_->bound_address() : std::string();
}

std::string Operations::StatusText() const {
  if (sources_.queue == nullptr) return "starting";
  QueueFigures figures = ReadQueueFigures(sources_.queue, clock_);
  char age[32];
  std::snprintf(age, sizeof age, "%.1fs", figures.oldest_pending_age_seconds);
  std::string text = std::to_string(figures.depth) + " pending";
  if (figures.depth > 0) text += ", oldest " + std::string(age);
  if (sources_.pipeline != nullptr) {
    const Pipeline& pipeline = *sources_.pipeline;
    int64_t behind = sources_.queue->last_seq() - pipeline.sinks_written_through();
    text += "; " + std::to_string(pipeline.in_flight()) + " lookups in flight; " +
            std::to_string(behind > 0 ? behind : 0) + " rows behind";
    size_t parked = pipeline.parked_keys().size();
    if (parked > 0) text += "; " + std::to_string(parked) + " keys parked";
  }
  return text;
}

void Operations::OnStatusTimer(uv_timer_t* timer) {
  auto* self = static_cast<Operations*>(timer->data);
  self->Notify("STATUS=" + self->StatusText());
}

void Operations::OnWatchdogTimer(uv_timer_t* timer) {
  static_cast<Operations*>(timer->data)->Notify("WATCHDOG=1");
}

void Operations::Notify(std::string_view state) {
  Status sent = notifier_.Notify(state);
  if (sent.ok()) {
    notify_failed_ = false;
    return;
  }
  // One line per run of failures, not one per ping.
  if (!notify_failed_) spdlog::warn("systemd: {}", sent.message());
  notify_failed_ = true;
}

void Operations::Close(std::function<void()> closed) {
  if (closing_) return;
  closing_ = true;
  closed_ = std::move(closed);
  Notify("STOPPING=1\nSTATUS=draining: " + StatusText());

  open_parts_ = 1;  // released at the end of this function
  if (timers_started_) {
    open_parts_ += 2;
    auto on_close = [](uv_handle_t* handle) {
      static_cast<Operations*>(handle->data)->HandleClosed();
    };
    uv_close(reinterpret_cast<uv_handle_t*>(&status_timer_), on_close);
    uv_close(reinterpret_cast<uv_handle_t*>(&watchdog_timer_), on_close);
  }
  if (server_) {
    ++open_parts_;
    server_->Close([this] { HandleClosed(); });
  }
  HandleClosed();
}

void Operations::HandleClosed() {
  if (--open_parts_ > 0 || !closed_) return;
  auto done = std::move(closed_);
  closed_ = nullptr;
  done();
}

}  // namespace orauditd
