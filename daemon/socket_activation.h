// Socket activation (sd_listen_fds(3)), written out: when systemd started
// the daemon from orauditd.socket, it passes the listening intake socket as
// file descriptor 3 with $LISTEN_FDS and $LISTEN_PID set. The daemon then
// takes that socket instead of binding its own, so that clients may connect
// before the daemon is up and across a restart.
//
// Start-up only (reads and clears the environment).
#pragma once

#include "common/status.h"

namespace orauditd {

inline constexpr int kListenFdsStart = 3;

// The passed listening Unix stream socket, or -1 when none was passed (no
// $LISTEN_FDS, or one meant for another process). With several sockets the
// one named "intake" ($LISTEN_FDNAMES, FileDescriptorName=) is taken. An
// error when what was passed is not a listening Unix stream socket.
// Clears $LISTEN_FDS, $LISTEN_PID and $LISTEN_FDNAMES either way, so no
// child would take them for its own.
StatusOr<int> TakeActivatedSocket();

}  // namespace orauditd
