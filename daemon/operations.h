// Operations: how the running daemon shows itself to the outside.
//
// - The Prometheus endpoint at metrics.listen (MetricsServer, DaemonMetrics).
// - systemd's notify protocol (SystemdNotifier): READY=1 once intake
//   listens, a STATUS= line with queue depth and oldest pending age every
//   few seconds, WATCHDOG=1 pings sent by a timer on the event loop itself,
//   so that a stalled loop stops the pings and systemd restarts the daemon,
//   and STOPPING=1 when shutdown begins.
//
// Loop thread only.
#pragma once

#include <uv.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/status.h"
#include "daemon/daemon_metrics.h"
#include "daemon/metrics_server.h"
#include "daemon/systemd_notify.h"

namespace orauditd {

struct OperationsOptions {
  std::string metrics_listen;          // empty: no metrics endpoint
  uint64_t status_interval_ms = 5000;  // how often STATUS= is sent to systemd
};

class Operations {
 public:
  Operations(uv_loop_t* loop, Clock* clock, SystemdNotifier notifier, OperationsOptions options);
  ~Operations();
  Operations(const Operations&) = delete;
  Operations& operator=(const Operations&) = delete;

  // For PipelineOptions::on_lookup_seconds: feeds the latency histogram.
  std::function<void(double)> LookupObserver();

  // Reads these stages from now on and opens the metrics endpoint.
  Status Start(MetricSources sources);

  // Tells systemd the daemon is ready and starts the STATUS and watchdog
  // timers. Call once intake listens and the signal handlers are in place.
  void Ready();

  // Sends STOPPING=1, closes the endpoint and the timers, then runs `closed`.
  // Safe whether or not Start() ran or succeeded.
  void Close(std::function<void()> closed);

  // The metrics address actually bound ("127.0.0.1:9464"); empty when off.
  std::string metrics_address() const;

  // The text of the STATUS= line, e.g. "3 pending, oldest 1.2s; 2 lookups in
  // flight; 0 rows behind; no key parked".
  std::string StatusText() const;

 private:
  static void OnStatusTimer(uv_timer_t* timer);
  static void OnWatchdogTimer(uv_timer_t* timer);
  void Notify(std::string_view state);
  void HandleClosed();

  uv_loop_t* loop_;
  Clock* clock_;
  SystemdNotifier notifier_;
  OperationsOptions options_;
  DaemonMetrics metrics_;
  MetricSources sources_;
  std::unique_ptr<MetricsServer> server_;
  uv_timer_t status_timer_;
  uv_timer_t watchdog_timer_;
  bool timers_started_ = false;
  bool closing_ = false;
  bool notify_failed_ = false;
  int open_parts_ = 0;
  std::function<void()> closed_;
};

}  // namespace orauditd
