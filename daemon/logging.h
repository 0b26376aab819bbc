// Logging set-up for the daemon: spdlog's default logger writing through
// LogSink to stderr, in the configured format, with journald priorities
// when stderr is the journal. Start-up only, before any thread logs.
#pragma once

#include <string>

#include "daemon/log_sink.h"

namespace orauditd {

// The daemon's log line options for a log.format value ("text" or "json"),
// journald priorities included when stderr is the journal.
LogSinkOptions LogSinkOptionsFor(const std::string& format);

// `level` is a log.level value ("info", "debug", ...), `format` a
// log.format value ("text" or "json"); both were validated with the config.
void SetUpLogging(const std::string& level, const std::string& format = "text");

}  // namespace orauditd
