#include "intake/commit_batcher.h"

#include <sys/statvfs.h>

#include <cerrno>
#include <cstring>

#include <spdlog/spdlog.h>

#include "common/ulid.h"

namespace orauditd {

CommitBatcher::CommitBatcher(uv_loop_t* loop, Clock* clock, DurableQueue* queue,
                             const RetryPolicy* policy, CommitBatcherOptions options,
                             std::function<void()> on_committed)
    : loop_(loop),
      clock_(clock),
      queue_(queue),
      policy_(policy),
      options_(std::move(options)),
      on_committed_(std::move(on_committed)),
      worker_(loop, "oraudit-intake") {}

CommitBatcher::~CommitBatcher() = default;

void CommitBatcher::Start() {
  uv_check_init(loop_, &check_);
  check_.data = this;
  uv_check_start(&check_, &CommitBatcher::OnCheck);
  uv_unref(reinterpret_cast<uv_handle_t*>(&check_));
  worker_.Start();

  // Said once at start, so that an operator learns why every record will be
  // refused before the first client does.
  if (options_.min_free_bytes == 0) return;
  StatusOr<uint64_t> free_bytes = FreeBytes();
  if (free_bytes.ok() && *free_bytes < options_.min_free_bytes) {
    spdlog::warn(
        "intake: {} MiB free under {}, below intake.min_free ({} MiB): every record is refused "
        "until space is freed",
        *free_bytes >> 20, options_.data_dir, options_.min_free_bytes >> 20);
  }
}

void CommitBatcher::OnCheck(uv_check_t* check) {
  static_cast<CommitBatcher*>(check->data)->Flush();
}

void CommitBatcher::Add(Record record, Reply reply) {
  int64_t now = clock_->NowMs();
  if (record.request_id.empty()) {
    record.request_id = NewUlid(now);
    record.request_id_assigned = true;
  }
  if (record.dedup_key.empty()) record.dedup_key = record.request_id;
  if (record.received_ms == 0) record.received_ms = now;

  QueuedRecord queued;
  queued.record = std::move(record);
  queued.due_ms = policy_->FirstDue(queued, now);
  queued.encoded = EncodeQueuedRecord(queued);
  pending_.push_back(std::move(queued));
  replies_.push_back(std::move(reply));
}

StatusOr<uint64_t> CommitBatcher::FreeBytes() const {
  struct statvfs fs;
  if (statvfs(options_.data_dir.c_str(), &fs) != 0) {
    return Status::IoError("statvfs " + options_.data_dir + ": " + std::strerror(errno));
  }
  return static_cast<uint64_t>(fs.f_bavail) * fs.f_frsize;
}

Status CommitBatcher::CheckFreeSpace() {
  if (options_.min_free_bytes == 0) return Status::Ok();
  StatusOr<uint64_t> free_bytes = FreeBytes();
  if (!free_bytes.ok()) return free_bytes.status();
  if (*free_bytes < options_.min_free_bytes) {
    return Status::ResourceExhausted(
        "disk full: " + std::to_string(*free_bytes >> 20) + " MiB free under " + options_.data_dir +
        ", below intake.min_free (" + std::to_string(options_.min_free_bytes >> 20) +
        " MiB); record not accepted, retry later");
  }
  return Status::Ok();
}

void CommitBatcher::Flush() {
  if (pending_.empty() || in_flight_) return;
  in_flight_ = true;
  auto batch = std::make_shared<std::vector<QueuedRecord>>();
  auto replies = std::make_shared<std::vector<Reply>>();
  auto results = std::make_shared<std::vector<EnqueueResult>>();
  batch->swap(pending_);
  replies->swap(replies_);
  ++batches_;

  worker_.Post(
      [this, batch, results] {
        Status space = CheckFreeSpace();
        if (space.ok()) {
          *results = queue_->Enqueue(std::move(*batch));
          return;
        }
        results->resize(batch->size());
        for (size_t i = 0; i < batch->size(); ++i) {
          (*results)[i].status = space;
          (*results)[i].request_id = (*batch)[i].record.request_id;
        }
      },
      [this, replies, results] { Committed(std::move(*replies), std::move(*results)); });
}

void CommitBatcher::Committed(std::vector<Reply> replies, std::vector<EnqueueResult> results) {
  in_flight_ = false;
  size_t stored = 0;
  const Status* refusal = nullptr;
  size_t refused = 0;
  for (size_t i = 0; i < results.size(); ++i) {
    if (results[i].status.ok() && !results[i].duplicate) ++stored;
    if (!results[i].status.ok()) {
      ++refused;
      refusal = &results[i].status;
    }
    if (results[i].duplicate_of) {
      spdlog::warn("record {}: generation id already belongs to record {}; its row will "
                   "carry duplicate_of",
                   results[i].request_id, *results[i].duplicate_of);
    }
  }
  if (refusal != nullptr) {
    if (refusal->code() == Status::Code::kResourceExhausted) refused_for_space_ += refused;
    spdlog::warn("intake: refused {} record{}: {}", refused, refused == 1 ? "" : "s",
                 refusal->message());
  }
  for (size_t i = 0; i < results.size(); ++i) replies[i](results[i]);
  committed_ += stored;
  if (stored > 0) ++commits_;
  if (stored > 0 && on_committed_) on_committed_();
  Flush();
  MaybeClosed();
}

void CommitBatcher::Close(std::function<void()> closed) {
  closing_ = true;
  closed_ = std::move(closed);
  Flush();
  MaybeClosed();
}

void CommitBatcher::MaybeClosed() {
  if (!closing_ || in_flight_ || !pending_.empty() || !closed_) return;
  auto closed = std::move(closed_);
  closed_ = nullptr;
  worker_.Close([this, closed = std::move(closed)]() mutable {
    closed_ = std::move(closed);
    uv_close(reinterpret_cast<uv_handle_t*>(&check_), [](uv_handle_t* handle) {
      auto* self = static_cast<CommitBatcher*>(handle->data);
      if (self->closed_) self->closed_();
    });
  });
}

}  // namespace orauditd
