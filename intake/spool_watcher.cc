#include "intake/spool_watcher.h"

#include <dirent.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "storage/file_util.h"

namespace orauditd {
namespace {

constexpr int64_t kProgressEveryMs = 10000;

Status MakeDir(const std::string& dir) {
  if (mkdir(dir.c_str(), 0750) == 0 || errno == EEXIST) return Status::Ok();
  return PosixError("mkdir", dir, errno);
}

std::string Plural(uint64_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

}  // namespace

SpoolWatcher::SpoolWatcher(uv_loop_t* loop, Clock* clock, CommitBatcher* batcher,
                           const PromptHasher* hasher, SpoolWatcherOptions options)
    : loop_(loop), clock_(clock), batcher_(batcher), hasher_(hasher), options_(options) {}

SpoolWatcher::~SpoolWatcher() {
  if (job_) job_->ingest->Detach();
}

Status SpoolWatcher::Start() {
  Status made = MakeParentDirs(options_.dir + "/incoming");
  for (const std::string& dir : {options_.dir, incoming_dir(), done_dir(), rejected_dir()}) {
    if (made.ok()) made = MakeDir(dir);
  }
  if (!made.ok()) return made.WithContext("intake.spool.dir");

  uv_timer_init(loop_, &scan_timer_);
  uv_idle_init(loop_, &idle_);
  scan_timer_.data = idle_.data = this;
  open_handles_ = 2;
  started_ = true;

  uv_fs_event_init(loop_, &fs_event_);
  fs_event_.data = this;
  ++open_handles_;
  int rc = uv_fs_event_start(&fs_event_, &SpoolWatcher::OnFsEvent, incoming_dir().c_str(), 0);
  watching_ = rc == 0;
  if (!watching_) {
    spdlog::warn("spool: cannot watch {} ({}: {}); relying on the scan every {} ms", incoming_dir(),
                 uv_err_name(rc), uv_strerror(rc), options_.scan_interval_ms);
  }
  uv_timer_start(&scan_timer_, &SpoolWatcher::OnScanTimer, 0,
                 static_cast<uint64_t>(std::max<int64_t>(options_.scan_interval_ms, 10)));
  spdlog::info("spool: watching {} (scan every {} ms, done files {})", incoming_dir(),
               options_.scan_interval_ms, options_.keep_done ? "kept in done/" : "deleted");
  return Status::Ok();
}

void SpoolWatcher::OnScanTimer(uv_timer_t* timer) {
  static_cast<SpoolWatcher*>(timer->data)->Scan();
}

void SpoolWatcher::OnIdle(uv_idle_t* idle) {
  auto* self = static_cast<SpoolWatcher*>(idle->data);
  uv_idle_stop(idle);
  self->Step();
}

void SpoolWatcher::OnFsEvent(uv_fs_event_t* handle, const char* filename, int events, int status) {
  auto* self = static_cast<SpoolWatcher*>(handle->data);
  spdlog::trace("spool: event {} on {} (status {})", events, filename ? filename : "?", status);
  if (status < 0 || filename == nullptr) {
    self->Scan();  // the event queue overflowed or the name is unknown: look at everything
    return;
  }
  if (!IsSpoolFileName(filename)) return;  // the next scan tells about other names
  self->waiting_.insert(filename);
  self->Kick();
}

void SpoolWatcher::Scan() {
  if (closing_) return;
  DIR* dir = opendir(incoming_dir().c_str());
  if (dir == nullptr) {
    Trouble("incoming/", PosixError("opendir", incoming_dir(), errno).message());
    return;
  }
  troubled_.erase("incoming/");
  while (dirent* entry = readdir(dir)) {
    if (IsSpoolFileName(entry->d_name) && entry->d_type != DT_DIR) {
      waiting_.insert(entry->d_name);
    } else if (!IsTemporarySpoolName(entry->d_name)) {
      NoteUnread(entry->d_name, entry->d_type == DT_DIR);
    }
  }
  closedir(dir);

  if (job_ && job_->ingest->state() == FileIngest::State::kStalled) job_->ingest->Resume();
  Kick();
}

void SpoolWatcher::Kick() {
  if (!closing_ && started_) uv_idle_start(&idle_, &SpoolWatcher::OnIdle);
}

// One step per loop pass: read a chunk, or finish a file, or start the next.
// Between steps the loop serves sockets and commits what was queued.
void SpoolWatcher::Step() {
  if (closing_) return;
  if (!job_ && !StartNext()) return;
  switch (job_->ingest->state()) {
    case FileIngest::State::kReading:
      MaybeLogProgress();
      job_->ingest->ReadChunk();  // its settle callback kicks the next step
      // The batcher commits in the check phase, after the loop polls; an
      // active idle handle keeps that poll from blocking until some
      // unrelated event comes.
      if (job_ && job_->ingest->state() == FileIngest::State::kWaiting) Kick();
      return;
    case FileIngest::State::kWaiting:
      return;
    case FileIngest::State::kStalled:
      if (!job_->stall_logged) {
        job_->stall_logged = true;
        spdlog::warn(
            "spool: {}: lines from {} on not stored: {}; the file stays in incoming/ "
            "and is taken up again at a later scan",
            job_->name, job_->ingest->reader().position().next_line,
            job_->ingest->status().message());
      }
      return;
    case FileIngest::State::kFailed:
      Abandon(job_->ingest->status());
      Kick();
      return;
    case FileIngest::State::kDone:
      Finish();
      Kick();
      return;
  }
}

bool SpoolWatcher::StartNext() {
  while (!waiting_.empty()) {
    std::string name = *waiting_.begin();
    waiting_.erase(waiting_.begin());
    std::string path = incoming_dir() + "/" + name;
    struct stat st;
    if (stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;

    auto reader = LineReader::Open(path, options_.limits.max_line_bytes);
    if (!reader.ok()) {
      Trouble(name, reader.status().message());
      continue;
    }
    struct stat done;
    if (options_.keep_done && stat((done_dir() + "/" + name).c_str(), &done) == 0) {
      spdlog::warn(
          "spool: {}: a file of this name was taken in before (done/{}); its lines "
          "without request_id or generation_id count as duplicates of the earlier "
          "file's lines: give every spool file a name of its own",
          name, name);
    }

    auto job = std::make_unique<Job>();
    job->name = name;
    job->rejects = std::make_unique<SpoolRejects>(rejected_dir(), name);
    job->rejects->RemoveLeftovers();
    FileIngestOptions ingest_options;
    ingest_options.source = "spool";
    ingest_options.limits = options_.limits;
    ingest_options.hasher = hasher_;
    ingest_options.owner_uid = static_cast<int64_t>(st.st_uid);
    ingest_options.chunk_lines = options_.chunk_lines;
    job->ingest =
        std::make_shared<FileIngest>(clock_, batcher_, std::move(*reader), name, job->rejects.get(),
                                     ingest_options, [this] { Kick(); });
    job->bytes = static_cast<int64_t>(st.st_size);
    job->progress_logged_ms = clock_->NowMs();
    job_ = std::move(job);
    spdlog::debug("spool: {}: reading ({} bytes)", name, static_cast<int64_t>(st.st_size));
    return true;
  }
  return false;
}

// A file that takes long gets a line every kProgressEveryMs, so that an
// operator sees it move; a small one gets only its final line.
void SpoolWatcher::MaybeLogProgress() {
  int64_t now = clock_->NowMs();
  if (now - job_->progress_logged_ms < kProgressEveryMs) return;
  job_->progress_logged_ms = now;
  const FileCounts& counts = job_->ingest->counts();
  uint64_t read = job_->ingest->reader().position().offset;
  int percent = job_->bytes > 0 ? static_cast<int>(100 * read / job_->bytes) : 100;
  spdlog::info("spool: {}: {}% read, {} so far: {} accepted, {}, {} refused", job_->name,
               std::min(percent, 100), Plural(counts.lines, "line", "lines"), counts.accepted,
               Plural(counts.duplicates, "duplicate", "duplicates"), counts.refused);
}

SpoolCounters SpoolWatcher::counters() const {
  SpoolCounters total = counters_;
  if (job_) Add(job_->ingest->counts(), &total);
  return total;
}

void SpoolWatcher::Add(const FileCounts& counts, SpoolCounters* total) {
  total->accepted += counts.accepted;
  total->duplicates += counts.duplicates;
  total->refused += counts.refused;
  total->unknown_fields += counts.unknown_fields;
}

void SpoolWatcher::Finish() {
  Status kept = job_->rejects->Commit();
  std::string path = incoming_dir() + "/" + job_->name;
  if (kept.ok()) kept = MoveOut(path);
  if (!kept.ok()) return Abandon(kept);

  const FileCounts& counts = job_->ingest->counts();
  std::string refused = Plural(counts.refused, "refused", "refused");
  if (counts.refused > 0) refused += " (rejected/" + job_->name + ")";
  spdlog::info("spool: {}: {}: {} accepted, {}, {}; {}", job_->name,
               Plural(counts.lines, "line", "lines"), counts.accepted,
               Plural(counts.duplicates, "duplicate", "duplicates"), refused,
               options_.keep_done ? "moved to done/" : "deleted");
  ++counters_.files;
  Add(counts, &counters_);
  troubled_.erase(job_->name);
  job_.reset();
}

// The file leaves incoming/ only after its rejected/ entries are durable;
// both folders are synced so that the move itself survives a crash.
Status SpoolWatcher::MoveOut(const std::string& path) {
  if (!options_.keep_done) {
    if (unlink(path.c_str()) != 0 && errno != ENOENT) return PosixError("unlink", path, errno);
    return SyncDir(incoming_dir());
  }
  std::string target = done_dir() + "/" + job_->name;
  if (rename(path.c_str(), target.c_str()) != 0) return PosixError("rename", path, errno);
  Status synced = SyncDir(done_dir());
  if (synced.ok()) synced = SyncDir(incoming_dir());
  return synced;
}

void SpoolWatcher::Abandon(const Status& status) {
  Trouble(job_->name,
          status.message() + "; the file stays in incoming/ and is read again at a later scan");
  // What it stored stays counted (the metrics are counters); read again,
  // those lines count as duplicates.
  Add(job_->ingest->counts(), &counters_);
  job_->ingest->Detach();
  job_.reset();
}

// Logs a problem once, not at every scan that runs into it again.
void SpoolWatcher::Trouble(const std::string& name, const std::string& problem) {
  auto [it, fresh] = troubled_.try_emplace(name, problem);
  if (!fresh && it->second == problem) {
    spdlog::debug("spool: {}: {}", name, problem);
    return;
  }
  it->second = problem;
  spdlog::error("spool: {}: {}", name, problem);
}

void SpoolWatcher::NoteUnread(const std::string& name, bool is_folder) {
  if (!unread_noted_.insert(name).second) return;
  if (is_folder) {
    spdlog::warn(
        "spool: incoming/{}/ is a folder and is not read: spool files are read "
        "only directly in incoming/",
        name);
    return;
  }
  spdlog::warn(
      "spool: incoming/{} is not read: spool files end in .jsonl or .ndjson "
      "(names starting with '.' or ending in .tmp are files still being written); "
      "it stays where it is",
      name);
}

void SpoolWatcher::Close(std::function<void()> closed) {
  closing_ = true;
  closed_ = std::move(closed);
  if (job_) {
    spdlog::info("spool: {}: stopped at line {}; it is read again at the next start", job_->name,
                 job_->ingest->reader().position().next_line);
    job_->ingest->Detach();
    job_.reset();
  }
  if (!started_) {
    if (closed_) closed_();
    return;
  }
  if (watching_) uv_fs_event_stop(&fs_event_);
  CloseHandle(reinterpret_cast<uv_handle_t*>(&scan_timer_));
  CloseHandle(reinterpret_cast<uv_handle_t*>(&idle_));
  CloseHandle(reinterpret_cast<uv_handle_t*>(&fs_event_));
}

void SpoolWatcher::CloseHandle(uv_handle_t* handle) {
  uv_close(handle, [](uv_handle_t* h) {
    auto* self = static_cast<SpoolWatcher*>(h->data);
    if (--self->open_handles_ == 0 && self->closed_) {
      auto done = std::move(self->closed_);
      self->closed_ = nullptr;
      done();
    }
  });
}

}  // namespace orauditd
