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

  // Before StartDaemon: keep the queue elsewhere (a small filesystem), set
  // intake.min_free ("1MiB" by default), turn the JSON lines sink on.
  void set_data_dir(const std::string& path) { data_dir_ = path; }
  void set_min_free(const std::string& size) { min_free_ = size; }
  void EnableJsonl(const std::string& rotate_bytes = "128MiB");
  // Before StartDaemon: the metrics endpoint on a free port of 127.0.0.1,
  // log.format (text or json), more environment for the daemon
  // ("NAME=VALUE"), and a listening socket to hand over as systemd socket
  // activation does (as fd 3 with LISTEN_FDS and LISTEN_PID).
  void EnableMetrics() { metrics_listen_ = "127.0.0.1:0"; }
  void set_log_format(const std::string& format) { log_format_ = format; }
  void set_daemon_env(std::vector<std::string> env) { daemon_env_ = std::move(env); }
  void PassListeningSocket(int fd) { passed_fd_ = fd; }

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
  // The one audit_log row of `request_id`; an error if there is none or more.
  StatusOr<SqlRow> RowFor(const std::string& request_id) const;

  std::string DaemonLog() const;
  // The metrics address this run logged ("127.0.0.1:40123"), and its page.
  StatusOr<std::string> MetricsAddress(
      std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;
  StatusOr<std::string> ScrapeMetrics() const;
  const std::string& socket_path() const { return socket_path_; }
  const std::string& db_path() const { return db_path_; }
  const std::string& jsonl_path() const { return jsonl_path_; }  // empty: sink off
  const std::string& data_dir() const { return data_dir_; }
  // intake.spool.dir: holds incoming/, done/ and rejected/.
  std::string spool_dir() const { return dir_.File("spool"); }
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
  std::string data_dir_;
  std::string min_free_ = "1MiB";
  std::string jsonl_path_;
  std::string jsonl_rotate_;
  std::string metrics_listen_;
  std::string log_format_;
  std::vector<std::string> daemon_env_;
  int passed_fd_ = -1;
};

}  // namespace orauditd::testing
