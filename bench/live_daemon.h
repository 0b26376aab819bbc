// Pieces shared by the benchmarks that drive the real processes
// (intake_bench, e2e_bench, queue_bench): the built orauditd and fake
// OpenRouter as child processes, the daemon's metrics, and the figures the
// tables print (load average, CPU time, percentiles).
//
// One thread, except ProcessCpuSeconds and LoadAverage (any thread).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/status.h"
#include "tests/support/subprocess.h"

namespace orauditd::bench {

// "0.52 0.61 0.70": the 1, 5 and 15 minute load averages.
std::string LoadAverage();

// User plus system CPU seconds a process has used so far; 0 if it is gone.
double ProcessCpuSeconds(pid_t pid);

// The value below which `fraction` of `values` lie (nearest rank); sorts.
double Percentile(std::vector<double>* values, double fraction);

// The fake OpenRouter on 127.0.0.1, port 0, any Authorization accepted.
class LiveFake {
 public:
  LiveFake() = default;
  ~LiveFake();
  LiveFake(const LiveFake&) = delete;
  LiveFake& operator=(const LiveFake&) = delete;

  // Starts FAKE_OPENROUTER_BIN with `args` and waits for its port.
  Status Start(const std::string& dir, const std::vector<std::string>& args);
  Status Stop();

  int port() const { return port_; }
  pid_t pid() const { return process_.pid(); }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/api/v1"; }

 private:
  testing::Subprocess process_;
  int port_ = 0;
};

// orauditd as a child process: config, socket, queue, SQLite sink and
// metrics all in one scratch folder.
class LiveDaemon {
 public:
  explicit LiveDaemon(std::string dir);
  ~LiveDaemon();
  LiveDaemon(const LiveDaemon&) = delete;
  LiveDaemon& operator=(const LiveDaemon&) = delete;

  // Writes the config (the `fetch:` section is `fetch_yaml`, indented by the
  // caller) and starts ORAUDITD_BIN; returns once the socket takes a
  // connection and the metrics endpoint has an address.
  Status Start(const std::string& base_url, const std::string& fetch_yaml);
  // SIGTERM and a bounded wait for the drain.
  Status Stop();

  // The sum of the samples of one metric whose labels include `match`.
  StatusOr<double> Metric(const std::string& name,
                          const std::map<std::string, std::string>& match = {}) const;
  std::string Log() const;

  const std::string& socket_path() const { return socket_path_; }
  pid_t pid() const { return process_.pid(); }

 private:
  std::string dir_;
  std::string socket_path_;
  std::string metrics_address_;
  testing::Subprocess process_;
};

}  // namespace orauditd::bench
