#include "daemon/pipeline.h"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "queue/row_builder.h"
#include "storage/redactor.h"

namespace orauditd {
namespace {

constexpr size_t kSinkBatchRows = 1000;
constexpr int64_t kSinkRetryMs = 1000;

std::optional<Generation> PartialGeneration(const QueuedRecord& queued) {
  if (!queued.partial_generation_json) return std::nullopt;
  auto parsed = ParseGenerationBody("{\"data\":" + *queued.partial_generation_json + "}");
  if (!parsed.ok()) return std::nullopt;
  return std::move(*parsed);
}

std::string NoSecret(const std::string& key) {
  return "key " + key + " is not configured or has no secret";
}

}  // namespace

Pipeline::Pipeline(uv_loop_t* loop, Clock* clock, DurableQueue* queue, HttpClient* http,
                   KeyStore* keys, RetryPolicy* policy, std::vector<Sink*> sinks,
                   PipelineOptions options)
    : loop_(loop),
      clock_(clock),
      queue_(queue),
      http_(http),
      keys_(keys),
      policy_(policy),
      sinks_(std::move(sinks)),
      sink_progress_(sinks_.size(), -1),
      options_(std::move(options)),
      writer_(loop, "oraudit-writer") {}

Pipeline::~Pipeline() = default;

Status Pipeline::Start() {
  for (size_t i = 0; i < sinks_.size(); ++i) {
    auto last = sinks_[i]->LastSeq();
    if (!last.ok()) return last.status().WithContext("sink " + sinks_[i]->name());
    sink_progress_[i] = *last;
    // An empty sink takes the next row it is given as its first, so its
    // chain will not start at seq 1. Said once here, because it may mean
    // audit rows were removed (or the sink was added later).
    if (*last == 0 && queue_->last_seq() > 0) {
      spdlog::warn(
          "sink {}: holds no rows although {} were sealed before; its hash chain will start "
          "after seq 1 (a sink added later, or its rows removed)",
          sinks_[i]->name(), queue_->last_seq());
    }
  }

  uv_timer_init(loop_, &timer_);
  uv_timer_init(loop_, &sink_retry_timer_);
  uv_timer_init(loop_, &drain_timer_);
  uv_check_init(loop_, &check_);
  uv_idle_init(loop_, &no_wait_);
  timer_.data = sink_retry_timer_.data = drain_timer_.data = this;
  check_.data = no_wait_.data = this;
  open_handles_ = 6;  // five uv handles and the writer thread
  uv_check_start(&check_, &Pipeline::OnCheck);
  // The check handle must not keep the loop alive on its own.
  uv_unref(reinterpret_cast<uv_handle_t*>(&check_));

  // Rows finalized before a crash may not have reached every sink yet.
  SinkWrite caught_up = WriteSinks(sink_progress_);
  sink_progress_ = caught_up.progress;
  if (caught_up.failed) {
    sink_retry_armed_ = true;
    uv_timer_start(&sink_retry_timer_, &Pipeline::OnSinkRetry, kSinkRetryMs, 0);
  }
  writer_.Start();
  // A restart is how many operators apply a fixed key: what was parked on
  // the old one is looked up again, as after a reload.
  auto unparked = queue_->UnparkAll(clock_->NowMs());
  if (!unparked.ok()) {
    spdlog::error("start: parked records stay parked: {}", unparked.status().ToString());
  } else if (*unparked > 0) {
    spdlog::info("start: {} parked records will be looked up again", *unparked);
  }
  ArmTimer();
  return Status::Ok();
}

void Pipeline::Wake() {
  if (!stopping_) ArmTimer();
}

void Pipeline::KeysReloaded() {
  parked_keys_.clear();
  paused_until_.clear();
  misconfigured_ = false;
  auto unparked =
      queue_->UnparkAll(clock_->NowMs(), [this](const std::string& id) { return Busy(id); });
  if (!unparked.ok()) {
    spdlog::error("unpark after reload failed: {}", unparked.status().ToString());
  } else if (*unparked > 0) {
    spdlog::info("keys reloaded: {} parked records will be looked up again", *unparked);
  }
  Wake();
}

void Pipeline::OnTimer(uv_timer_t* timer) { static_cast<Pipeline*>(timer->data)->RunDue(); }

void Pipeline::CheckSoon() {
  // An answer or a finished row can arrive in the timer phase (curl's timer
  // ran the transfer). Without an active idle handle the loop would then
  // block in its poll, possibly for seconds, before the check runs.
  if (!stopping_) uv_idle_start(&no_wait_, [](uv_idle_t*) {});
}

void Pipeline::OnCheck(uv_check_t* check) {
  auto* self = static_cast<Pipeline*>(check->data);
  uv_idle_stop(&self->no_wait_);
  if (self->slots_freed_) {
    self->slots_freed_ = false;
    self->RunDue();
  }
  self->FlushFinished();
}

void Pipeline::OnSinkRetry(uv_timer_t* timer) {
  auto* self = static_cast<Pipeline*>(timer->data);
  self->sink_retry_armed_ = false;
  if (!self->writing_) self->StartWrite({});
}

void Pipeline::OnDrainTimeout(uv_timer_t* timer) {
  auto* self = static_cast<Pipeline*>(timer->data);
  spdlog::warn("shutdown: {} lookups still in flight after {} ms; aborting them",
               self->in_flight_, self->options_.drain_timeout_ms);
  // Aborted lookups come back as transport errors and are rescheduled; the
  // next start looks them up again.
  self->http_->Close([] {});
}

void Pipeline::ArmTimer(int64_t min_wait_ms) {
  if (stopping_ || in_flight_ >= options_.concurrency) return;
  std::optional<int64_t> next =
      queue_->NextDueMs([this](const std::string& id) { return Busy(id); });
  if (!next) {
    uv_timer_stop(&timer_);
    return;
  }
  int64_t wait = std::max<int64_t>(min_wait_ms, *next - clock_->NowMs());
  uv_timer_start(&timer_, &Pipeline::OnTimer, static_cast<uint64_t>(wait), 0);
}

void Pipeline::RunDue() {
  if (stopping_) return;
  int64_t now = clock_->NowMs();
  size_t free_slots = options_.concurrency - std::min(options_.concurrency, in_flight_);
  bool took_any = false;
  if (free_slots > 0) {
    auto due = queue_->TakeDue(now, free_slots, [this](const std::string& id) { return Busy(id); });
    if (!due.ok()) {
      spdlog::error("queue: cannot take due records: {}", due.status().ToString());
      uv_timer_start(&timer_, &Pipeline::OnTimer, 1000, 0);
      return;
    }
    took_any = !due->empty();
    for (QueuedRecord& queued : *due) Dispatch(std::move(queued), now);
  }
  // libuv runs a 0 ms timer started inside a timer callback again in the
  // same pass, before any I/O or signal: after a pass that made no progress
  // that could spin the loop forever, so the next try waits 1 ms at least.
  ArmTimer(took_any ? 0 : 1);
}

void Pipeline::Dispatch(QueuedRecord queued, int64_t now_ms) {
  const Record& record = queued.record;
  if (!record.generation_id) {
    Finish(std::move(queued), std::nullopt, "not_applicable", "");
    return;
  }

  const std::string* secret = keys_->Secret(record.key);
  if (secret == nullptr && parked_keys_.insert(record.key).second) {
    // A key the config does not name, or whose secret could not be read,
    // is parked like a refused one: status and the key metrics show it.
    spdlog::error("key {}: not configured or its secret is not set; parking its lookups "
                  "until a reload (SIGHUP), record {}",
                  record.key, record.request_id);
  }
  bool key_blocked = misconfigured_ || parked_keys_.count(record.key) > 0;
  if (key_blocked && now_ms < policy_->Deadline(queued)) {
    std::string why = secret == nullptr ? NoSecret(record.key)
                                        : "lookups with key " + record.key + " are parked";
    if (misconfigured_) why = "generation endpoint misconfigured (HTML 404)";
    Park(std::move(queued), now_ms, why);
    return;
  }
  if (secret == nullptr) {
    Finish(std::move(queued), std::nullopt, "auth_failed", NoSecret(record.key));
    return;
  }

  if (auto paused = paused_until_.find(record.key);
      paused != paused_until_.end() && paused->second > now_ms) {
    Retry(std::move(queued), paused->second);
    return;
  }
  TokenBucket& bucket =
      buckets_.try_emplace(record.key, options_.rate_per_second).first->second;
  if (!bucket.TryTake(now_ms)) {
    Retry(std::move(queued), bucket.NextTokenMs(now_ms));
    return;
  }

  HttpRequest request;
  request.url = GenerationUrl(options_.base_url, *record.generation_id);
  request.headers = {"Authorization: Bearer " + *secret, "Accept: application/json"};
  request.timeout_ms = options_.request_timeout_ms;
  request.max_body_bytes = options_.max_body_bytes;
  busy_ids_.insert(record.request_id);
  ++queued.attempts;
  ++in_flight_;
  ++counters_.lookups;
  http_->Get(std::move(request), [this, queued = std::move(queued)](
                                     HttpResponse response) mutable {
    --in_flight_;
    if (options_.on_lookup_seconds) options_.on_lookup_seconds(response.total_seconds);
    OnAnswer(std::move(queued), response);
    if (stopping_) {
      MaybeFinishStop();
    } else {
      slots_freed_ = true;
      CheckSoon();
    }
  });
}

void Pipeline::NoteKeyEffects(const QueuedRecord& queued, const LookupResult& result,
                              int64_t now_ms) {
  const std::string& key = queued.record.key;
  switch (result.cls) {
    case LookupClass::kAuthFailed:
      if (result.http_status == 403) {
        // OpenRouter answers 403 for a generation that belongs to another
        // account (openrouter.md, 15): the key works, so only this record
        // waits, for a reload or for the end of its window.
        spdlog::warn("record {}: generation endpoint refused this generation ({}); it waits "
                     "for a reload (SIGHUP) or the end of its window",
                     queued.record.request_id, Redacted(result.detail));
        break;
      }
      if (parked_keys_.insert(key).second) {
        spdlog::error("key {}: generation endpoint refused it ({}); parking its lookups "
                      "until a reload (SIGHUP), record {}",
                      key, Redacted(result.detail), queued.record.request_id);
      }
      break;
    case LookupClass::kNoCredits:
      if (paused_until_[key] <= now_ms) {
        spdlog::error("key {}: out of credits ({}); pausing its lookups for {} ms",
                      key, Redacted(result.detail), policy_->config().backoff_max_ms);
      }
      paused_until_[key] = now_ms + policy_->config().backoff_max_ms;
      break;
    case LookupClass::kMisconfigured:
      if (!misconfigured_) {
        spdlog::error("generation endpoint answered an HTML 404 ({}): check "
                      "openrouter.base_url; parking lookups until a reload, record {}",
                      Redacted(result.detail), queued.record.request_id);
      }
      misconfigured_ = true;
      break;
    case LookupClass::kRateLimited:
      buckets_.try_emplace(key, options_.rate_per_second).first->second.SlowDown();
      break;
    case LookupClass::kResolved:
      buckets_.try_emplace(key, options_.rate_per_second).first->second.Recover();
      break;
    default:
      break;
  }
}

void Pipeline::OnAnswer(QueuedRecord queued, const HttpResponse& response) {
  int64_t now = clock_->NowMs();
  const std::string& id = queued.record.request_id;
  LookupResult result = Classify(response, *queued.record.generation_id, now);
  ++counters_.lookups_by_class[LookupClassName(result.cls)];
  NoteKeyEffects(queued, result, now);

  RetryDecision decision = policy_->Decide(queued, result, now);
  switch (decision.action) {
    case RetryDecision::Action::kFinalize: {
      std::optional<Generation> generation = std::move(result.generation);
      if (!generation) generation = PartialGeneration(queued);
      Finish(std::move(queued), std::move(generation), decision.meta_status, decision.meta_error);
      return;
    }
    case RetryDecision::Action::kPark:
      queued.last_error = result.detail;
      Park(std::move(queued), now, result.detail);
      return;
    case RetryDecision::Action::kRetry:
      if (spdlog::should_log(spdlog::level::debug)) {
        spdlog::debug("record {}: {} (attempt {}), next lookup in {} ms", id,
                      Redacted(result.detail), queued.attempts, decision.due_ms - now);
      }
      queued.last_error = result.detail;
      if (result.cls == LookupClass::kCostMissing && result.generation) {
        queued.partial_generation_json = result.generation->data_json;
      }
      Retry(std::move(queued), decision.due_ms);
      return;
  }
}

void Pipeline::Park(QueuedRecord queued, int64_t now_ms, const std::string& why) {
  queued.parked = true;
  ++counters_.parked;
  if (queued.last_error.empty()) queued.last_error = why;
  int64_t deadline = policy_->Deadline(queued);
  Retry(std::move(queued), std::max(deadline, now_ms + 1));
}

void Pipeline::Retry(QueuedRecord queued, int64_t due_ms) {
  int64_t taken_at = queued.due_ms;
  queued.due_ms = due_ms;
  Status s = queue_->Reschedule(queued, taken_at);
  busy_ids_.erase(queued.record.request_id);
  if (s.code() == Status::Code::kFailedPrecondition) {
    // Moved or finished since it was taken; that state stands.
    spdlog::debug("record {}: late answer ignored: {}", queued.record.request_id, s.message());
  } else if (!s.ok()) {
    // Still where it was, due: looked up again once the queue takes writes.
    spdlog::error("record {}: reschedule failed: {}", queued.record.request_id, s.ToString());
    queue_->Untake(queued.record.request_id, taken_at);
  }
}

void Pipeline::Finish(QueuedRecord queued, std::optional<Generation> generation,
                      const std::string& meta_status, const std::string& meta_error) {
  int64_t now = clock_->NowMs();
  Row row = BuildRow(queued, generation, meta_status, meta_error, now, options_.privacy);
  if (meta_status == "resolved" || meta_status == "not_applicable") {
    spdlog::debug("record {}: {} after {} lookups", queued.record.request_id, meta_status,
                  queued.attempts);
  } else {
    // The row's copy has been through the redactor; the raw text may carry
    // an e-mail address or a phone number from the answer's body.
    spdlog::warn("record {}: finished as {}: {}", queued.record.request_id, meta_status,
                 row.meta_error.value_or(""));
  }
  busy_ids_.insert(queued.record.request_id);
  finished_.push_back({std::move(queued), std::move(row)});
  CheckSoon();
}

void Pipeline::FlushFinished() {
  if (finished_.empty() || writing_) return;
  std::vector<DurableQueue::Finished> batch;
  batch.swap(finished_);
  StartWrite(std::move(batch));
}

void Pipeline::StartWrite(std::vector<DurableQueue::Finished> batch) {
  writing_ = true;
  struct Job {
    std::vector<DurableQueue::Finished> batch;
    std::vector<std::string> ids;  // every record of the batch, even one Finalize drops
    std::vector<int64_t> progress;
    Status finalized;
    std::map<std::string, uint64_t> rows_by_meta_status;
    SinkWrite sinks;
  };
  auto job = std::make_shared<Job>();
  for (const auto& item : batch) job->ids.push_back(item.record.record.request_id);
  job->batch = std::move(batch);
  job->progress = sink_progress_;
  writer_.Post(
      [this, job] {
        job->finalized = queue_->Finalize(&job->batch);
        if (!job->finalized.ok()) {
          job->sinks.progress = job->progress;  // nothing new reached the sinks
          return;
        }
        // The sealed rows move on to the sinks; the batch keeps the records,
        // which only a failed Finalize needs again.
        std::vector<Row> rows;
        rows.reserve(job->batch.size());
        for (auto& item : job->batch) {
          ++job->rows_by_meta_status[item.row.meta_status];
          rows.push_back(std::move(item.row));
        }
        job->sinks = WriteSinks(job->progress, &rows);
      },
      [this, job] {
        Written(job->batch, job->ids, job->finalized, job->rows_by_meta_status, job->sinks);
      });
}

void Pipeline::Written(const std::vector<DurableQueue::Finished>& batch,
                       const std::vector<std::string>& ids, const Status& finalized,
                       const std::map<std::string, uint64_t>& rows_by_meta_status,
                       const SinkWrite& sinks) {
  writing_ = false;
  if (!finalized.ok()) {
    // Nothing of the batch was stored; each record looks up again later.
    spdlog::error("queue: finalizing {} rows failed: {}", batch.size(), finalized.ToString());
    int64_t retry_at = clock_->NowMs() + kSinkRetryMs;
    for (const auto& item : batch) Retry(item.record, retry_at);
  }
  for (const auto& [status, rows] : rows_by_meta_status) {
    counters_.rows_by_meta_status[status] += rows;
  }
  // Also the records Finalize dropped as moved or finished meanwhile: one
  // left busy would be skipped by every later TakeDue.
  for (const std::string& id : ids) busy_ids_.erase(id);
  // A record Finalize dropped, or one rescheduled above, may be due before
  // the timer: it was left out while it was busy.
  if (!stopping_ && (!finalized.ok() || batch.size() < ids.size())) ArmTimer();
  sink_progress_ = sinks.progress;
  for (const auto& [name, rows] : sinks.rows_by_sink) counters_.rows_by_sink[name] += rows;
  counters_.sink_errors += sinks.errors;
  if (sinks.failed && !sink_retry_armed_) {
    sink_retry_armed_ = true;
    uv_timer_start(&sink_retry_timer_, &Pipeline::OnSinkRetry, kSinkRetryMs, 0);
  }

  FlushFinished();
  MaybeFinishStop();
}

// Runs on the writer thread (or on the loop before the writer starts): it
// touches only the queue's outbox, the sinks and its own arguments.
Pipeline::SinkWrite Pipeline::WriteSinks(std::vector<int64_t> progress,
                                         std::vector<Row>* fresh) {
  SinkWrite result;
  result.progress = std::move(progress);
  if (sinks_.empty()) return result;
  std::vector<int64_t>& done = result.progress;
  int64_t target = queue_->last_seq();

  while (!result.failed) {
    int64_t floor = *std::min_element(done.begin(), done.end());
    if (floor >= target) break;
    StatusOr<std::vector<Row>> rows = std::vector<Row>();
    if (fresh != nullptr && !fresh->empty() && fresh->front().seq == floor + 1) {
      rows->swap(*fresh);
    } else {
      rows = queue_->RowsAfter(floor, kSinkBatchRows);
    }
    fresh = nullptr;
    if (!rows.ok()) {
      spdlog::error("queue: reading rows for the sinks failed: {}", rows.status().ToString());
      result.failed = true;
      break;
    }
    if (rows->empty()) break;

    for (size_t i = 0; i < sinks_.size(); ++i) {
      if (done[i] >= rows->back().seq) continue;
      // A sink skips the rows it already holds; the others are new to it.
      auto written = std::count_if(rows->begin(), rows->end(),
                                   [&](const Row& row) { return row.seq > done[i]; });
      Status s = sinks_[i]->Write(*rows);
      if (!s.ok()) {
        ++result.errors;
        spdlog::error("sink {}: write of seq {}..{} failed, will retry: {}", sinks_[i]->name(),
                      std::max(done[i] + 1, rows->front().seq), rows->back().seq, s.ToString());
        result.failed = true;
        continue;
      }
      result.rows_by_sink[sinks_[i]->name()] += static_cast<uint64_t>(written);
      done[i] = rows->back().seq;
    }
  }

  int64_t floor = *std::min_element(done.begin(), done.end());
  if (floor > 0) {
    Status trimmed = queue_->TrimRowsThrough(floor);
    if (!trimmed.ok()) spdlog::warn("queue: trimming the outbox failed: {}", trimmed.ToString());
  }
  return result;
}

int64_t Pipeline::sinks_written_through() const {
  if (sink_progress_.empty()) return queue_->last_seq();
  return *std::min_element(sink_progress_.begin(), sink_progress_.end());
}

void Pipeline::Stop(std::function<void()> done) {
  stopping_ = true;
  stopped_ = std::move(done);
  uv_timer_stop(&timer_);
  if (in_flight_ > 0) {
    spdlog::info("shutdown: waiting for {} lookups in flight", in_flight_);
    uv_timer_start(&drain_timer_, &Pipeline::OnDrainTimeout,
                   static_cast<uint64_t>(options_.drain_timeout_ms), 0);
  }
  MaybeFinishStop();
}

void Pipeline::MaybeFinishStop() {
  if (!stopping_ || in_flight_ > 0 || !stopped_ || closing_) return;
  FlushFinished();
  if (writing_) return;  // Written() comes back here
  closing_ = true;
  int64_t floor = sink_progress_.empty()
                      ? queue_->last_seq()
                      : *std::min_element(sink_progress_.begin(), sink_progress_.end());
  if (floor < queue_->last_seq()) {
    // A sink is behind; its rows stay in the outbox for the next start.
    spdlog::warn("shutdown: sinks are behind by {} rows; they catch up at the next start",
                 queue_->last_seq() - floor);
  }
  CloseHandles();
}

void Pipeline::CloseHandles() {
  auto on_close = [](uv_handle_t* handle) {
    auto* self = static_cast<Pipeline*>(handle->data);
    if (--self->open_handles_ == 0 && self->stopped_) {
      auto done = std::move(self->stopped_);
      self->stopped_ = nullptr;
      done();
    }
  };
  uv_close(reinterpret_cast<uv_handle_t*>(&timer_), on_close);
  uv_close(reinterpret_cast<uv_handle_t*>(&sink_retry_timer_), on_close);
  uv_close(reinterpret_cast<uv_handle_t*>(&drain_timer_), on_close);
  uv_close(reinterpret_cast<uv_handle_t*>(&check_), on_close);
  uv_close(reinterpret_cast<uv_handle_t*>(&no_wait_), on_close);
  writer_.Close([this] {
    if (--open_handles_ == 0 && stopped_) {
      auto done = std::move(stopped_);
      stopped_ = nullptr;
      done();
    }
  });
}

}  // namespace orauditd
