#include "daemon/replay_run.h"

#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <csignal>
#include <cstring>

namespace orauditd {
namespace {

constexpr uint64_t kTickMs = 200;

void Add(FileCounts* total, const FileCounts& more) {
  total->lines += more.lines;
  total->accepted += more.accepted;
  total->duplicates += more.duplicates;
  total->refused += more.refused;
  total->unknown_fields += more.unknown_fields;
}

}  // namespace

Status ReplayRun::Refusals::Refused(const Line& line, const std::string& error, const LineReader&) {
  progress_->Print(path_ + ":" + std::to_string(line.number) + ": " + error + "\n");
  return Status::Ok();
}

ReplayRun::ReplayRun(ReplayStages stages, std::vector<SpoolFile> files, ReplayProgress* progress)
    : stages_(stages), files_(std::move(files)), progress_(progress), refusals_(progress) {}

ReplayRun::~ReplayRun() {
  if (current_) current_->Detach();
}

void ReplayRun::Start() {
  uv_idle_init(stages_.loop, &idle_);
  uv_timer_init(stages_.loop, &tick_);
  uv_signal_init(stages_.loop, &sigint_);
  uv_signal_init(stages_.loop, &sigterm_);
  idle_.data = tick_.data = sigint_.data = sigterm_.data = this;
  uv_signal_start(&sigint_, &ReplayRun::OnSignal, SIGINT);
  uv_signal_start(&sigterm_, &ReplayRun::OnSignal, SIGTERM);
  uv_timer_start(&tick_, &ReplayRun::OnTick, kTickMs, kTickMs);
  Kick();
}

void ReplayRun::OnIdle(uv_idle_t* idle) {
  auto* self = static_cast<ReplayRun*>(idle->data);
  uv_idle_stop(idle);
  self->Step();
}

void ReplayRun::OnTick(uv_timer_t* timer) {
  auto* self = static_cast<ReplayRun*>(timer->data);
  if (self->phase_ == Phase::kStopping) return;
  self->progress_->Update(self->Snapshot(), self->stages_.clock->NowMs());
  if (self->phase_ == Phase::kDraining && self->Drained()) self->Stop();
}

void ReplayRun::OnSignal(uv_signal_t* handle, int signum) {
  auto* self = static_cast<ReplayRun*>(handle->data);
  if (self->phase_ == Phase::kStopping) return;
  self->progress_->Print(std::string("replay: ") + strsignal(signum) +
                         "; stopping (what was stored stays stored; replay the same files "
                         "again to finish)\n");
  self->outcome_.interrupted = true;
  if (self->current_) self->EndFile();
  self->Stop();
}

void ReplayRun::Kick() {
  if (phase_ == Phase::kReading) uv_idle_start(&idle_, &ReplayRun::OnIdle);
}

// One step per loop pass, as the spool watcher does: the commit of a chunk
// happens at the end of the pass that read it.
void ReplayRun::Step() {
  if (phase_ != Phase::kReading) return;
  if (!current_ && !OpenNext()) {
    phase_ = Phase::kDraining;
    return;
  }
  switch (current_->state()) {
    case FileIngest::State::kReading:
      current_->ReadChunk();  // its settle callback kicks the next step
      // The batcher commits in the check phase, after the loop polls; an
      // active idle handle keeps that poll from blocking until the next tick.
      if (current_ && current_->state() == FileIngest::State::kWaiting) Kick();
      return;
    case FileIngest::State::kWaiting:
      return;
    case FileIngest::State::kStalled:
      Problem(current_->reader().path() + ": lines from " +
              std::to_string(current_->reader().position().next_line) +
              " on not stored: " + current_->status().message());
      EndFile();
      phase_ = Phase::kDraining;  // the next files would fail the same way
      return;
    case FileIngest::State::kFailed:
      Problem(current_->reader().path() + ": " + current_->status().message());
      EndFile();
      Kick();
      return;
    case FileIngest::State::kDone:
      EndFile();
      Kick();
      return;
  }
}

bool ReplayRun::OpenNext() {
  while (next_file_ < files_.size()) {
    const SpoolFile& file = files_[next_file_++];
    auto reader = LineReader::Open(file.path, stages_.limits.max_line_bytes);
    if (!reader.ok()) {
      Problem(reader.status().message());
      bytes_done_ += file.size;
      continue;
    }
    struct stat st;
    FileIngestOptions options;
    options.source = "replay";
    options.limits = stages_.limits;
    options.hasher = stages_.hasher;
    if (fstat((*reader)->fd(), &st) == 0) options.owner_uid = static_cast<int64_t>(st.st_uid);
    refusals_.set_path(file.path);
    current_ = std::make_shared<FileIngest>(stages_.clock, stages_.batcher, std::move(*reader),
                                            file.name, &refusals_, options, [this] { Kick(); });
    spdlog::debug("replay: {}: reading ({} bytes)", file.path, file.size);
    return true;
  }
  return false;
}

void ReplayRun::EndFile() {
  Add(&outcome_.counts, current_->counts());
  bytes_done_ += files_[next_file_ - 1].size;
  ++outcome_.files_read;
  current_->Detach();
  if (current_->owed() > 0) unsettled_.push_back(current_);
  current_.reset();
}

void ReplayRun::Problem(const std::string& text) {
  outcome_.problems.push_back(text);
  progress_->Print("replay: " + text + "\n");
}

// Everything stored has become a row and every sink has it.
bool ReplayRun::Drained() {
  for (const auto& ingest : unsettled_) {
    if (ingest->owed() > 0) return false;
  }
  return stages_.batcher->pending() == 0 && stages_.pipeline->in_flight() == 0 &&
         !stages_.queue->NextDueMs().has_value() &&
         stages_.pipeline->sinks_written_through() >= stages_.queue->last_seq();
}

ReplaySnapshot ReplayRun::Snapshot() const {
  FileCounts counts = outcome_.counts;
  ReplaySnapshot snapshot;
  snapshot.bytes_read = bytes_done_;
  if (current_) {
    Add(&counts, current_->counts());
    snapshot.bytes_read += current_->reader().bytes_read();
  }
  for (const SpoolFile& file : files_) snapshot.bytes_total += file.size;
  snapshot.lines = counts.lines;
  snapshot.accepted = counts.accepted;
  snapshot.duplicates = counts.duplicates;
  snapshot.refused = counts.refused;
  for (const auto& [status, n] : stages_.pipeline->counters().rows_by_meta_status) {
    snapshot.rows += n;
  }
  snapshot.pending = counts.accepted > snapshot.rows ? counts.accepted - snapshot.rows : 0;
  snapshot.reading = phase_ == Phase::kReading;
  return snapshot;
}

// Closes in the daemon's shutdown order: intake, then lookups, then HTTP.
void ReplayRun::Stop() {
  progress_->Finish(Snapshot());
  phase_ = Phase::kStopping;
  uv_close(reinterpret_cast<uv_handle_t*>(&idle_), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&tick_), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&sigint_), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&sigterm_), nullptr);
  stages_.batcher->Close(
      [this] { stages_.pipeline->Stop([this] { stages_.http->Close([] {}); }); });
}

}  // namespace orauditd
