#include "intake/file_ingest.h"

#include <spdlog/spdlog.h>

namespace orauditd {

bool IsBlankLine(std::string_view text) {
  return text.find_first_not_of(" \t") == std::string_view::npos;
}

FileIngest::FileIngest(Clock* clock, CommitBatcher* batcher, std::unique_ptr<LineReader> reader,
                       std::string name, RefusalSink* sink, FileIngestOptions options,
                       std::function<void()> settled)
    : clock_(clock),
      batcher_(batcher),
      reader_(std::move(reader)),
      name_(std::move(name)),
      sink_(sink),
      options_(std::move(options)),
      settled_(std::move(settled)) {}

void FileIngest::ReadChunk() {
  if (state_ != State::kReading || sink_ == nullptr) return;
  checkpoint_ = {reader_->position(), counts_};
  Status marked = sink_->Mark();
  if (!marked.ok()) return Fail(marked);

  ParseContext ctx;
  ctx.now_ms = clock_->NowMs();
  ctx.hasher = options_.hasher;
  ctx.limits = options_.limits;
  uint64_t start = reader_->bytes_read();
  for (size_t lines = 0; lines < options_.chunk_lines; ++lines) {
    if (reader_->bytes_read() - start >= options_.chunk_bytes) break;
    Line line;
    auto more = reader_->Next(&line);
    if (!more.ok()) return Fail(more.status());
    if (!*more) {
      eof_ = true;
      break;
    }
    HandleLine(line, ctx);
    if (state_ == State::kFailed) return;
  }

  state_ = State::kWaiting;
  if (owed_ == 0) Settle();
}

void FileIngest::HandleLine(const Line& line, const ParseContext& ctx) {
  if (!line.over_long && IsBlankLine(line.text)) return;
  ++counts_.lines;
  if (line.over_long) {
    Refuse(line, "line: " + std::to_string(line.length) + " bytes exceeds intake.max_line_bytes (" +
                     std::to_string(options_.limits.max_line_bytes) + ")");
    return;
  }
  auto parsed = ParseRecordLine(line.text, ctx);
  if (!parsed.ok()) {
    Refuse(line, parsed.status().message());
    return;
  }

  counts_.unknown_fields += static_cast<uint64_t>(parsed->unknown_fields);
  for (const std::string& warning : parsed->warnings) {
    spdlog::warn("{}: {}:{}: {}", options_.source, name_, line.number, warning);
  }
  Record record = std::move(parsed->record);
  record.source = options_.source;
  record.peer_uid = options_.owner_uid;
  if (record.dedup_key.empty()) record.dedup_key = SpoolDedupKey(name_, line.number);
  ++owed_;
  batcher_->Add(std::move(record), [self = shared_from_this()](const EnqueueResult& result) {
    self->OnCommitted(result);
  });
}

void FileIngest::Refuse(const Line& line, const std::string& error) {
  ++counts_.refused;
  if (sink_ == nullptr) return;
  Status kept = sink_->Refused(line, error, *reader_);
  if (!kept.ok()) Fail(kept);
}

void FileIngest::OnCommitted(const EnqueueResult& result) {
  --owed_;
  if (!result.status.ok()) {
    if (commit_error_.ok()) commit_error_ = result.status;
  } else if (result.duplicate) {
    ++counts_.duplicates;
  } else {
    ++counts_.accepted;
  }
  if (owed_ == 0 && state_ == State::kWaiting) Settle();
}

void FileIngest::Settle() {
  if (!commit_error_.ok()) {
    // Lines of this chunk that did get stored come back as duplicates when
    // it is read again; the refusals are written again, so drop them now.
    status_ = std::move(commit_error_);
    commit_error_ = Status::Ok();
    counts_ = checkpoint_.counts;
    eof_ = false;
    state_ = State::kStalled;
    Status rewound = reader_->Seek(checkpoint_.position);
    if (rewound.ok() && sink_ != nullptr) rewound = sink_->Rewind();
    if (!rewound.ok()) return Fail(rewound);
  } else {
    state_ = eof_ ? State::kDone : State::kReading;
  }
  if (settled_) settled_();
}

void FileIngest::Resume() {
  if (state_ != State::kStalled) return;
  status_ = Status::Ok();
  state_ = State::kReading;
}

void FileIngest::Fail(Status status) {
  status_ = std::move(status);
  state_ = State::kFailed;
  if (settled_) settled_();
}

void FileIngest::Detach() {
  settled_ = nullptr;
  sink_ = nullptr;
}

}  // namespace orauditd
