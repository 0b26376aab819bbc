// DaemonHarness: the real orauditd and the fake OpenRouter as child
// processes in a temporary directory, with helpers to submit records through
// the real socket and read the rows from the real SQLite file. Every wait
// is bounded; both processes die with the test.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "common/status.h"
#include "tests/support/sqlite_query.h"
#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"

namespace orauditd::testing {

inline constexpr char kTestKey[] = "sk-or-v1-test-0123456789abcdef";

struct Reply {
  std::string line;   // what was sent
  std::string reply;  // what came back
};

class DaemonHarness {
 public:
  DaemonHarness();
  ~DaemonHarness();

  // Starts the fake with a per-id script (JSON text; may be "{}").
  Status StartFake(const std::string& script_json, const std::vector<std::string>& extra_args = {});

  // Writes a config (fast retry timings, paths in the temp dir, base_url
  // at the fake) plus `extra_yaml` appended, and starts the daemon.
  Status StartDaemon(const std::string& extra_yaml = "",
                     const std::string& api_key = kTestKey);
  // Starts the daemon again on the same files (after a stop or a kill).
  Status RestartDaemon();

  // SIGTERM (or another signal) and wait for the exit.
  StatusOr<ExitStatus> StopDaemon(int signal = SIGTERM,
                                  std::chrono::milliseconds timeout = std::chrono::seconds(20));

  StatusOr<std::vector<Reply>> Submit(const std::vector<std::string>& lines);

  // Polls until audit_log has at least `count` rows.
  Status WaitForRows(int64_t count, std::chrono::milliseconds timeout = std::chrono::seconds(30));
  StatusOr<std::vector<SqlRow>> Query(const std::string& sql) const;

  std::string DaemonLog() const;
  const std::string& socket_path() const { return socket_path_; }
  const std::string& db_path() const { return db_path_; }
  const std::string& config_path() const { return config_path_; }
  const std::string& dir() const { return dir_.path(); }
  int fake_port() const { return fake_port_; }
  Subprocess& daemon() { return daemon_; }

 private:
  Status LaunchDaemon();

  TempDir dir_;
  Subprocess fake_;
  Subprocess daemon_;
  int fake_port_ = 0;
  std::string api_key_;
  std::string socket_path_;
  std::string db_path_;
  std::string config_path_;
};

}  // namespace orauditd::testing
