// Replay: `orauditd replay [--config F] PATH...`. Runs the daemon's pipeline
// in the foreground on spool files, with no socket, no spool watcher and no
// metrics: every line is read as the spool reads it (same line handling,
// same dedup keys, source "replay"), looked up and written to the sinks,
// and the command returns once every stored record has reached the sinks,
// whatever its meta_status. Replaying a file twice, or a file the spool
// already took in, adds no rows.
//
// The queue is opened directly, so a running daemon (which holds its lock)
// makes the replay stop at once; `orauditctl replay` is the way to replay
// through a running daemon.
//
// Main thread only; it runs its own loop.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "daemon/config.h"

namespace orauditd {

// Reads each PATH that is a file, and the spool files (*.jsonl, *.ndjson,
// not hidden, not *.tmp) directly inside each PATH that is a folder, in name
// order (common/spool_files.h). Returns the exit code: 0 when every line was stored (or was a
// duplicate) and every stored record reached the sinks; 1 when a line was refused, a file could not
// be read or stored, or the replay was interrupted; 2 for a path that does not exist; 78 for a
// config problem.
int RunReplay(const Config& config, const std::vector<std::string>& paths);

}  // namespace orauditd
