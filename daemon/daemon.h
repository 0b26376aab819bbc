// Daemon: wires the stages together on one libuv loop and runs them until
// SIGTERM or SIGINT, reloading keys and the log level on SIGHUP.
//
// Start-up order: sinks, queue, keys, loop, pipeline, intake; shutdown runs
// the other way: intake stops first, so that nothing is acknowledged that
// the queue did not take, then lookups in flight drain, then the sinks catch
// up with every finished row.
#pragma once

#include <string>

#include "daemon/config.h"

namespace orauditd {

// Runs the daemon in the foreground; returns the process exit code.
int RunDaemon(const Config& config, const std::string& config_path);

}  // namespace orauditd
