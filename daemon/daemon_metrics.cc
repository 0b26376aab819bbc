#include "daemon/daemon_metrics.h"

#include <algorithm>

#include "daemon/pipeline.h"
#include "fetcher/lookup.h"
#include "intake/commit_batcher.h"
#include "intake/socket_server.h"
#include "intake/spool_watcher.h"
#include "queue/durable_queue.h"

namespace orauditd {
namespace {

constexpr char kBuildInfo[] = "orauditd_build_info";
constexpr char kStartTime[] = "orauditd_start_time_seconds";
constexpr char kReceived[] = "orauditd_records_received_total";
constexpr char kUnknownFields[] = "orauditd_records_unknown_fields_total";
constexpr char kConnectionsTotal[] = "orauditd_intake_connections_total";
constexpr char kConnectionsOpen[] = "orauditd_intake_open_connections";
constexpr char kRefusedForSpace[] = "orauditd_intake_refused_for_space_total";
constexpr char kIntakeCommits[] = "orauditd_intake_commits_total";
constexpr char kSpoolFiles[] = "orauditd_spool_files_total";
constexpr char kQueueDepth[] = "orauditd_queue_depth";
constexpr char kOldestAge[] = "orauditd_queue_oldest_pending_age_seconds";
constexpr char kQueueHealthy[] = "orauditd_queue_healthy";
constexpr char kFetchAttempts[] = "orauditd_fetch_attempts_total";
constexpr char kFetchSeconds[] = "orauditd_fetch_duration_seconds";
constexpr char kInFlight[] = "orauditd_fetch_in_flight";
constexpr char kRowsFinalized[] = "orauditd_rows_finalized_total";
constexpr char kRowsWritten[] = "orauditd_rows_written_total";
constexpr char kSinkErrors[] = "orauditd_sink_errors_total";
constexpr char kSinkLag[] = "orauditd_sink_lag_rows";
constexpr char kLastSeq[] = "orauditd_last_row_seq";
constexpr char kParkedTotal[] = "orauditd_records_parked_total";
constexpr char kKeysParked[] = "orauditd_keys_parked";
constexpr char kKeyParked[] = "orauditd_key_parked";

// Every class and status is listed, so that each series exists (at 0) from
// the first scrape and a rate() over it never starts from nothing.
constexpr LookupClass kLookupClasses[] = {
    LookupClass::kResolved,    LookupClass::kCostMissing,   LookupClass::kNotYet,
    LookupClass::kRateLimited, LookupClass::kTransient,     LookupClass::kAuthFailed,
    LookupClass::kNoCredits,   LookupClass::kMisconfigured, LookupClass::kFailed,
};
constexpr const char* kMetaStatuses[] = {"resolved", "unresolved", "auth_failed", "failed",
                                         "not_applicable"};

// Seconds: most lookups answer in well under a second; the top buckets
// catch a slow or stalled generation endpoint up to the request timeout.
const std::vector<double> kFetchBuckets = {0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};

uint64_t Lookup(const std::map<std::string, uint64_t>& counts, const std::string& name) {
  auto it = counts.find(name);
  return it == counts.end() ? 0 : it->second;
}

void SetReceived(MetricsRegistry* registry, const std::string& source, uint64_t accepted,
                 uint64_t duplicates, uint64_t refused, uint64_t unknown_fields) {
  registry->Set(kReceived, {{"source", source}, {"outcome", "accepted"}},
                static_cast<double>(accepted));
  registry->Set(kReceived, {{"source", source}, {"outcome", "duplicate"}},
                static_cast<double>(duplicates));
  registry->Set(kReceived, {{"source", source}, {"outcome", "refused"}},
                static_cast<double>(refused));
  registry->Set(kUnknownFields, {{"source", source}}, static_cast<double>(unknown_fields));
}

}  // namespace

QueueFigures ReadQueueFigures(DurableQueue* queue, const Clock* clock) {
  QueueFigures figures;
  PendingStats::Snapshot pending = queue->Pending();
  figures.depth = pending.records;
  if (pending.oldest_received_ms) {
    int64_t age_ms = std::max<int64_t>(0, clock->NowMs() - *pending.oldest_received_ms);
    figures.oldest_pending_age_seconds = static_cast<double>(age_ms) / 1000.0;
  }
  return figures;
}

DaemonMetrics::DaemonMetrics(int64_t start_time_ms) {
  MetricsRegistry& r = registry_;
  r.AddGauge(kBuildInfo, "Always 1; the version label names the running build.");
  r.AddGauge(kStartTime, "When the daemon started, in Unix seconds.");
  r.AddCounter(kReceived,
               "Records that reached intake, by source (socket, spool) and outcome "
               "(accepted, duplicate, refused).");
  r.AddCounter(kUnknownFields, "Unknown record fields that intake ignored, by source.");
  r.AddCounter(kConnectionsTotal, "Connections accepted on the intake socket.");
  r.AddGauge(kConnectionsOpen, "Connections open on the intake socket now.");
  r.AddCounter(kRefusedForSpace, "Records refused because data_dir was below intake.min_free.");
  r.AddCounter(kIntakeCommits,
               "Synced intake batches (group commits); accepted records / this is the "
               "records per fsync.");
  r.AddCounter(kSpoolFiles, "Spool files finished (moved to done/ or deleted).");
  r.AddGauge(kQueueDepth, "Records stored and not yet turned into a row.");
  r.AddGauge(kOldestAge, "Seconds since the oldest pending record came in; 0 when none is.");
  r.AddGauge(kQueueHealthy, "1 while the queue takes writes, 0 after a storage failure.");
  r.AddCounter(kFetchAttempts,
               "Answers from the generation endpoint, by result class (resolved, not_yet, "
               "rate_limited, transient, auth_failed, ...).");
  fetch_seconds_ =
      r.AddHistogram(kFetchSeconds, "How long generation lookups took, in seconds.", kFetchBuckets);
  r.AddGauge(kInFlight, "Generation lookups in flight now.");
  r.AddCounter(kRowsFinalized, "Rows sealed into the hash chain, by meta_status.");
  r.AddCounter(kRowsWritten, "Rows written, by sink.");
  r.AddCounter(kSinkErrors, "Failed sink writes (each is retried).");
  r.AddGauge(kSinkLag, "Rows sealed but not yet written to every sink.");
  r.AddGauge(kLastSeq, "seq of the newest sealed row.");
  r.AddCounter(kParkedTotal,
               "Times a record was parked because its key was refused or missing, or the "
               "endpoint looked misconfigured.");
  r.AddGauge(kKeysParked, "Configured keys whose lookups are parked until a reload.");
  r.AddGauge(kKeyParked, "1 when lookups with this configured key are parked, else 0.");

  r.Set(kBuildInfo, {{"version", ORAUDITD_VERSION}}, 1);
  r.Set(kStartTime, static_cast<double>(start_time_ms / 1000));
}

void DaemonMetrics::Attach(MetricSources sources) {
  sources_ = std::move(sources);
  registry_.AddCollector([this](MetricsRegistry* registry) { Collect(registry); });
}

void DaemonMetrics::Collect(MetricsRegistry* registry) const {
  CollectIntake(registry);
  CollectQueue(registry);
  CollectPipeline(registry);
}

void DaemonMetrics::CollectIntake(MetricsRegistry* registry) const {
  if (sources_.socket != nullptr) {
    const IntakeCounters& c = sources_.socket->counters();
    SetReceived(registry, "socket", c.accepted, c.duplicates, c.refused, c.unknown_fields);
    registry->Set(kConnectionsTotal, static_cast<double>(c.connections));
    registry->Set(kConnectionsOpen, static_cast<double>(sources_.socket->connections()));
  }
  if (sources_.spool != nullptr) {
    const SpoolCounters& c = sources_.spool->counters();
    SetReceived(registry, "spool", c.accepted, c.duplicates, c.refused, c.unknown_fields);
    registry->Set(kSpoolFiles, static_cast<double>(c.files));
  }
  if (sources_.batcher != nullptr) {
    registry->Set(kRefusedForSpace, static_cast<double>(sources_.batcher->refused_for_space()));
    registry->Set(kIntakeCommits, static_cast<double>(sources_.batcher->commits()));
  }
}

void DaemonMetrics::CollectQueue(MetricsRegistry* registry) const {
  if (sources_.queue == nullptr) return;
  QueueFigures figures = ReadQueueFigures(sources_.queue, sources_.clock);
  registry->Set(kQueueDepth, static_cast<double>(figures.depth));
  registry->Set(kOldestAge, figures.oldest_pending_age_seconds);
  registry->Set(kQueueHealthy, sources_.queue->Health().ok() ? 1 : 0);
  registry->Set(kLastSeq, static_cast<double>(sources_.queue->last_seq()));
}

void DaemonMetrics::CollectPipeline(MetricsRegistry* registry) const {
  if (sources_.pipeline == nullptr) return;
  const Pipeline& pipeline = *sources_.pipeline;
  const PipelineCounters& c = pipeline.counters();
  for (LookupClass cls : kLookupClasses) {
    std::string name = LookupClassName(cls);
    registry->Set(kFetchAttempts, {{"class", name}},
                  static_cast<double>(Lookup(c.lookups_by_class, name)));
  }
  registry->Set(kInFlight, static_cast<double>(pipeline.in_flight()));
  for (const char* status : kMetaStatuses) {
    registry->Set(kRowsFinalized, {{"meta_status", status}},
                  static_cast<double>(Lookup(c.rows_by_meta_status, status)));
  }
  for (const std::string& sink : sources_.sink_names) {
    registry->Set(kRowsWritten, {{"sink", sink}},
                  static_cast<double>(Lookup(c.rows_by_sink, sink)));
  }
  registry->Set(kSinkErrors, static_cast<double>(c.sink_errors));
  if (sources_.queue != nullptr) {
    int64_t lag = sources_.queue->last_seq() - pipeline.sinks_written_through();
    registry->Set(kSinkLag, static_cast<double>(std::max<int64_t>(0, lag)));
  }
  registry->Set(kParkedTotal, static_cast<double>(c.parked));

  size_t parked = 0;
  std::vector<std::string> keys;
  if (sources_.key_names) keys = sources_.key_names();
  registry->ClearSeries(kKeyParked);  // a key the last reload removed is gone
  for (const std::string& key : keys) {
    bool is_parked = pipeline.parked_keys().count(key) > 0;
    parked += is_parked ? 1 : 0;
    registry->Set(kKeyParked, {{"key", key}}, is_parked ? 1 : 0);
  }
  registry->Set(kKeysParked, static_cast<double>(parked));
}

}  // namespace orauditd
