// ReplayRun: the loop side of `orauditd replay`. It reads the files one
// after the other through FileIngest (a chunk per loop pass, as the spool
// does), prints refused lines as file:line: error, redraws the progress,
// and once every file is read and every stored record has reached the
// sinks, closes the stages in order so that the loop ends.
//
// SIGINT and SIGTERM stop it early: what was stored stays stored, and a
// second replay of the same files picks up where this one stopped.
//
// Loop thread only.
#pragma once

#include <uv.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/prompt_hash.h"
#include "common/spool_files.h"
#include "daemon/pipeline.h"
#include "daemon/replay_progress.h"
#include "fetcher/http_client.h"
#include "intake/commit_batcher.h"
#include "intake/file_ingest.h"
#include "intake/record_parser.h"
#include "queue/durable_queue.h"

namespace orauditd {

struct ReplayStages {
  uv_loop_t* loop = nullptr;
  Clock* clock = nullptr;
  DurableQueue* queue = nullptr;
  CommitBatcher* batcher = nullptr;
  Pipeline* pipeline = nullptr;
  HttpClient* http = nullptr;
  const PromptHasher* hasher = nullptr;
  RecordLimits limits;
};

struct ReplayOutcome {
  FileCounts counts;
  size_t files_read = 0;
  std::vector<std::string> problems;  // files that could not be read or stored
  bool interrupted = false;
};

class ReplayRun {
 public:
  ReplayRun(ReplayStages stages, std::vector<SpoolFile> files, ReplayProgress* progress);
  ~ReplayRun();
  ReplayRun(const ReplayRun&) = delete;
  ReplayRun& operator=(const ReplayRun&) = delete;

  // Starts reading; run the loop until it has no more handles.
  void Start();

  const ReplayOutcome& outcome() const { return outcome_; }

 private:
  // Prints refused lines to stderr, through the progress display.
  class Refusals final : public RefusalSink {
   public:
    explicit Refusals(ReplayProgress* progress) : progress_(progress) {}
    void set_path(std::string path) { path_ = std::move(path); }
    Status Refused(const Line& line, const std::string& error, const LineReader&) override;

   private:
    ReplayProgress* progress_;
    std::string path_;
  };

  enum class Phase { kReading, kDraining, kStopping };

  static void OnIdle(uv_idle_t* idle);
  static void OnTick(uv_timer_t* timer);
  static void OnSignal(uv_signal_t* handle, int signum);

  void Kick();
  void Step();
  bool OpenNext();
  void EndFile();
  void Problem(const std::string& text);
  bool Drained();
  ReplaySnapshot Snapshot() const;
  void Stop();

  ReplayStages stages_;
  std::vector<SpoolFile> files_;
  ReplayProgress* progress_;
  Refusals refusals_;

  uv_idle_t idle_;
  uv_timer_t tick_;
  uv_signal_t sigint_;
  uv_signal_t sigterm_;

  Phase phase_ = Phase::kReading;
  size_t next_file_ = 0;
  std::shared_ptr<FileIngest> current_;
  // Files given up on while records of theirs were still being committed.
  std::vector<std::shared_ptr<FileIngest>> unsettled_;
  uint64_t bytes_done_ = 0;  // sizes of the files read to the end
  ReplayOutcome outcome_;
};

}  // namespace orauditd
