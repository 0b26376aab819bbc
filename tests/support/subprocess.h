// Subprocess: starts a program as a child process for a test and makes sure
// it never outlives the test. The child gets SIGKILL when the Subprocess is
// destroyed while it still runs, and also when the test process itself dies
// (PR_SET_PDEATHSIG), so a crashed test leaves no server behind.
//
// Every wait is bounded by a timeout. A Subprocess is owned by one thread at
// a time; it is movable, not copyable.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <csignal>
#include <string>
#include <vector>

#include "common/status.h"

namespace orauditd::testing {

struct ExitStatus {
  bool exited = false;  // ended through exit(); otherwise killed by `signal`
  int code = -1;        // exit code when `exited`
  int signal = 0;       // terminating signal when not `exited`

  bool Success() const { return exited && code == 0; }
  std::string ToString() const;  // "exit 0", "signal 9 (Killed)"
};

struct SubprocessOptions {
  std::string stdout_path;  // empty: inherit the test's stdout
  std::string stderr_path;  // empty: inherit the test's stderr
  std::string working_dir;  // empty: the test's working directory
  bool inherit_env = true;  // start from the test's environment
};

class Subprocess {
 public:
  Subprocess() = default;
  ~Subprocess();
  Subprocess(Subprocess&& other) noexcept;
  Subprocess& operator=(Subprocess&& other) noexcept;
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  // Starts argv[0] (a path; PATH is not searched) with argv. `env` holds
  // "NAME=VALUE" entries that are added to, or replace, the inherited ones.
  // Fails, with the exec error, if the program cannot be started.
  Status Start(const std::vector<std::string>& argv, const std::vector<std::string>& env = {},
               const SubprocessOptions& options = {});

  // Sends `signal` to the child; a no-op once it has been reaped.
  Status Kill(int signal = SIGTERM);

  // Waits up to `timeout` for the child to end and reaps it. Returns
  // Unavailable on timeout (the child keeps running) and FailedPrecondition
  // when nothing was started. A zero timeout polls.
  StatusOr<ExitStatus> Wait(std::chrono::milliseconds timeout);

  // SIGTERM, then SIGKILL if it has not ended within `grace`; then reaps.
  StatusOr<ExitStatus> Stop(std::chrono::milliseconds grace = std::chrono::seconds(5));

  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }

 private:
  void KillAndReap();

  pid_t pid_ = -1;
};

}  // namespace orauditd::testing
