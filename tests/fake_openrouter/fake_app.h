// The fake_openrouter process: loads start-up scripts, binds, announces the
// port, runs one event loop per --threads until SIGTERM or SIGINT.
#pragma once

#include "tests/fake_openrouter/options.h"

namespace orauditd::fake {

// Returns the process exit status: 0 after a signal, 1 when the socket
// cannot be bound, 2 for a bad script file.
int RunFakeOpenRouter(const Options& options);

}  // namespace orauditd::fake
