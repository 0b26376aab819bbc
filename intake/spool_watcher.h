// SpoolWatcher: the spool directory intake. Applications write a file under
// a hidden or .tmp name and rename it to *.jsonl or *.ndjson in incoming/;
// the watcher notices it (inotify, plus a scan every scan_interval in case
// an event was missed), stores its lines through the CommitBatcher, and once
// every line is durable or refused moves it to done/ (or deletes it). Refused
// lines are kept in rejected/ (see intake/spool_rejects.h).
//
// One file is read at a time, in chunks, yielding the loop between chunks
// so that socket clients are served meanwhile. A crash at any point makes
// the file be read again from the start; dedup keys turn the lines already
// stored into duplicates, so no row is written twice. When a commit fails
// (disk below intake.min_free) the file stays in incoming/ and the watcher
// goes on from where it stopped at a later scan.
//
// Loop thread only.
#pragma once

#include <uv.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/prompt_hash.h"
#include "common/spool_files.h"
#include "common/status.h"
#include "intake/commit_batcher.h"
#include "intake/file_ingest.h"
#include "intake/record_parser.h"
#include "intake/spool_rejects.h"

namespace orauditd {

struct SpoolWatcherOptions {
  std::string dir;  // intake.spool.dir: holds incoming/, done/, rejected/
  int64_t scan_interval_ms = 5000;
  bool keep_done = true;
  RecordLimits limits;
  size_t chunk_lines = 1000;  // per loop pass; see FileIngestOptions
};

struct SpoolCounters {
  uint64_t files = 0;  // files finished (moved to done/ or deleted)
  uint64_t accepted = 0;
  uint64_t duplicates = 0;
  uint64_t refused = 0;
  uint64_t unknown_fields = 0;
};

class SpoolWatcher {
 public:
  SpoolWatcher(uv_loop_t* loop, Clock* clock, CommitBatcher* batcher, const PromptHasher* hasher,
               SpoolWatcherOptions options);
  ~SpoolWatcher();
  SpoolWatcher(const SpoolWatcher&) = delete;
  SpoolWatcher& operator=(const SpoolWatcher&) = delete;

  // Creates the three folders when missing and starts watching.
  Status Start();

  // Stops reading; a file half read stays in incoming/ for the next start.
  // Runs `closed` once the handles are closed.
  void Close(std::function<void()> closed);

  // Including the lines of the file being read so far, so that a large
  // file's progress shows in the metrics before it is finished.
  SpoolCounters counters() const;
  std::string incoming_dir() const { return options_.dir + "/incoming"; }
  std::string done_dir() const { return options_.dir + "/done"; }
  std::string rejected_dir() const { return options_.dir + "/rejected"; }

 private:
  struct Job {
    std::string name;
    std::unique_ptr<SpoolRejects> rejects;
    std::shared_ptr<FileIngest> ingest;
    bool stall_logged = false;
    int64_t bytes = 0;            // the file's size when it was opened
    int64_t progress_logged_ms = 0;  // when its last progress line was logged
  };

  static void OnScanTimer(uv_timer_t* timer);
  static void OnIdle(uv_idle_t* idle);
  static void OnFsEvent(uv_fs_event_t* handle, const char* filename, int events, int status);

  void Scan();
  void Kick();
  void Step();
  bool StartNext();
  void Finish();
  void MaybeLogProgress();
  static void Add(const FileCounts& counts, SpoolCounters* total);
  Status MoveOut(const std::string& path);
  void Abandon(const Status& status);
  void Trouble(const std::string& name, const std::string& problem);
  // Says once per name that an entry of incoming/ is not read, and why.
  void NoteUnread(const std::string& name, bool is_folder);
  void CloseHandle(uv_handle_t* handle);

  uv_loop_t* loop_;
  Clock* clock_;
  CommitBatcher* batcher_;
  const PromptHasher* hasher_;
  SpoolWatcherOptions options_;

  uv_timer_t scan_timer_;
  uv_idle_t idle_;
  uv_fs_event_t fs_event_;
  bool started_ = false;
  bool watching_ = false;
  bool closing_ = false;
  int open_handles_ = 0;
  std::function<void()> closed_;

  std::unique_ptr<Job> job_;
  std::set<std::string> waiting_;                // names seen in incoming/, in name order
  std::map<std::string, std::string> troubled_;  // name -> the problem last logged
  std::set<std::string> unread_noted_;           // entries of incoming/ said to be unread
  SpoolCounters counters_;
};

}  // namespace orauditd
