// ReplayLogging: spdlog's default logger for the length of `orauditd
// replay`. Its lines are the daemon's (LogSink: text or JSON as log.format
// says, repeats counted, journald priorities when stderr is the journal),
// but they are written through ReplayProgress::Print, so that none lands
// inside the progress bar. Warnings and errors only, unless the config asks
// for debug or trace: per-file detail is what the progress and the summary
// are for.
//
// The logger writes through `progress`, so a ReplayLogging must be
// destroyed before its ReplayProgress: the destructor writes the counts of
// repeats still held and puts a logger straight to stderr in its place.
//
// Main thread only; the logger it installs may be used from any thread.
#pragma once

#include "daemon/config.h"
#include "daemon/log_sink.h"
#include "daemon/replay_progress.h"

namespace orauditd {

class ReplayLogging {
 public:
  ReplayLogging(const Config& config, ReplayProgress* progress);
  ~ReplayLogging();

  ReplayLogging(const ReplayLogging&) = delete;
  ReplayLogging& operator=(const ReplayLogging&) = delete;

 private:
  LogSinkOptions options_;
};

}  // namespace orauditd
