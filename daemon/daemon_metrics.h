// DaemonMetrics: the orauditd_* metrics of the design (intake outcomes,
// queue depth and age, lookups by result class and their latency, rows by
// outcome and sink, sink errors and lag, parked keys), read from the stages
// at every scrape.
//
// Every label value comes from a fixed set: sources, outcomes, lookup
// classes, meta_status values, sink names and configured key names. Record
// data (user ids, request ids, models) never becomes a label.
//
// Loop thread only.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "daemon/metrics.h"

namespace orauditd {

class CommitBatcher;
class DurableQueue;
class Pipeline;
class SocketServer;
class SpoolWatcher;

// What the collector reads; a null stage is skipped.
struct MetricSources {
  const Clock* clock = nullptr;
  DurableQueue* queue = nullptr;
  const Pipeline* pipeline = nullptr;
  const SocketServer* socket = nullptr;
  const SpoolWatcher* spool = nullptr;
  const CommitBatcher* batcher = nullptr;
  std::vector<std::string> sink_names;
  // The configured key names now (a reload may change them), for
  // orauditd_key_parked.
  std::function<std::vector<std::string>()> key_names;
};

// The figures a person wants first; what systemd's STATUS= line and the
// periodic log line show.
struct QueueFigures {
  uint64_t depth = 0;
  double oldest_pending_age_seconds = 0;  // 0 when nothing is pending
};
QueueFigures ReadQueueFigures(DurableQueue* queue, const Clock* clock);

class DaemonMetrics {
 public:
  // Declares every family; nothing is read until Attach().
  explicit DaemonMetrics(int64_t start_time_ms);
  DaemonMetrics(const DaemonMetrics&) = delete;
  DaemonMetrics& operator=(const DaemonMetrics&) = delete;

  // Observed by the pipeline as each lookup answers.
  Histogram* fetch_seconds() { return fetch_seconds_; }

  // Reads from these stages at every Render() from now on.
  void Attach(MetricSources sources);

  std::string Render() { return registry_.Render(); }

 private:
  void Collect(MetricsRegistry* registry) const;
  void CollectIntake(MetricsRegistry* registry) const;
  void CollectQueue(MetricsRegistry* registry) const;
  void CollectPipeline(MetricsRegistry* registry) const;

  MetricsRegistry registry_;
  Histogram* fetch_seconds_ = nullptr;
  MetricSources sources_;
};

}  // namespace orauditd
