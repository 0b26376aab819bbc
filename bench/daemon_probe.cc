#include "bench/daemon_probe.h"

#include <unistd.h>

#include <fstream>
#include <thread>

#include "bench/live_daemon.h"
#include "common/unix_socket_probe.h"

namespace orauditd::bench {

StatusOr<Memory> ReadMemory(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  if (!status) return Status::NotFound("no /proc entry for pid " + std::to_string(pid));
  Memory memory;
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) memory.rss_kib = std::stoull(line.substr(6));
    if (line.rfind("VmHWM:", 0) == 0) memory.hwm_kib = std::stoull(line.substr(6));
  }
  return memory;
}

StatusOr<double> StartAndTimeSocket(testing::Subprocess* daemon, const std::string& binary,
                                    const std::string& config, const std::string& socket,
                                    const std::string& log, std::chrono::seconds limit) {
  // A killed run leaves its socket file behind; only a live one answers.
  unlink(socket.c_str());
  testing::SubprocessOptions options;
  options.stderr_path = log;
  options.stdout_path = log + ".out";
  auto start = std::chrono::steady_clock::now();
  Status started =
      daemon->Start({binary, "--config", config}, {"OPENROUTER_API_KEY=sk-or-v1-bench"}, options);
  if (!started.ok()) return started;
  auto deadline = start + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (ProbeUnixSocket(socket).ok()) {
      return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    }
    if (daemon->Wait(std::chrono::milliseconds(0)).ok()) {
      return Status::Unavailable("the daemon exited before serving its socket; see " + log);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return Status::Unavailable("socket not served within " + std::to_string(limit.count()) + " s");
}

}  // namespace orauditd::bench
