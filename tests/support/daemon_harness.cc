#include "tests/support/daemon_harness.h"

#include <unistd.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "common/unix_socket_probe.h"
#include "tools/intake_client.h"
#include "tools/metrics_client.h"

namespace orauditd::testing {
namespace {

bool WaitFor(const std::function<bool()>& ready, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (ready()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return ready();
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

DaemonHarness::DaemonHarness() {
  socket_path_ = dir_.File("intake.sock");
  db_path_ = dir_.File("audit.db");
  config_path_ = dir_.File("orauditd.yaml");
  data_dir_ = dir_.File("data");
}

void DaemonHarness::EnableJsonl(const std::string& rotate_bytes) {
  jsonl_path_ = dir_.File("audit.jsonl");
  jsonl_rotate_ = rotate_bytes;
}

DaemonHarness::~DaemonHarness() {
  if (daemon_.running()) (void)daemon_.Stop(std::chrono::seconds(5));
  if (fake_.running()) (void)fake_.Stop(std::chrono::seconds(2));
}

Status DaemonHarness::StartFake(const std::string& script_json,
                                const std::vector<std::string>& extra_args) {
  std::string script_path = dir_.File("fake-script.json");
  std::ofstream(script_path) << script_json;
  std::string port_file = dir_.File("fake.port");
  std::vector<std::string> argv = {FAKE_OPENROUTER_BIN, "--listen",  "127.0.0.1:0",
                                   "--port-file",       port_file,   "--key",
                                   kTestKey,            "--script",  script_path,
                                   "--quiet"};
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  SubprocessOptions options;
  options.stderr_path = dir_.File("fake.log");
  Status started = fake_.Start(argv, {}, options);
  if (!started.ok()) return started;
  bool ready = WaitFor([&] { return !ReadFile(port_file).empty(); }, std::chrono::seconds(10));
  if (!ready) {
    return Status::Unavailable("fake OpenRouter wrote no port file within 10 s:\n" +
                               ReadFile(dir_.File("fake.log")));
  }
  fake_port_ = std::stoi(ReadFile(port_file));
  return Status::Ok();
}

Status DaemonHarness::StartDaemon(const std::string& extra_yaml, const std::string& api_key) {
  api_key_ = api_key;
  std::ofstream config(config_path_);
  config << "data_dir: " << data_dir_ << "\n"
         << "intake:\n"
         << "  socket: { path: " << socket_path_ << " }\n"
         << "  spool: { dir: " << dir_.File("spool") << ", scan_interval: 200ms }\n"
         << "  min_free: " << min_free_ << "\n"
         << "openrouter:\n"
         << "  base_url: http://127.0.0.1:" << fake_port_ << "/api/v1\n"
         << "  timeout: 2s\n"
         << "sinks:\n"
         << "  sqlite: { path: " << db_path_ << " }\n";
  if (!jsonl_path_.empty()) {
    config << "  jsonl: { path: " << jsonl_path_ << ", rotate_bytes: " << jsonl_rotate_ << " }\n";
  }
  config << "metrics: { listen: " << (metrics_listen_.empty() ? "null" : metrics_listen_)
         << " }\n"
         << "log: { level: debug" << (log_format_.empty() ? "" : ", format: " + log_format_)
         << " }\n";
  // Test timings: milliseconds instead of seconds, same shape.
  if (extra_yaml.find("fetch:") == std::string::npos) {
    config << "fetch:\n"
           << "  first_delay: 20ms\n"
           << "  missing_cost_delay: 50ms\n"
           << "  backoff: { initial: 30ms, max: 200ms }\n"
           << "  rate_per_second: 1000\n";
  }
  config << extra_yaml;
  config.close();
  return LaunchDaemon();
}

Status DaemonHarness::RestartDaemon() { return LaunchDaemon(); }

Status DaemonHarness::LaunchDaemon() {
  // A run killed with SIGKILL leaves its socket file; without it, "ready"
  // below means this run has bound the socket.
  if (passed_fd_ < 0) unlink(socket_path_.c_str());
  SubprocessOptions options;
  options.stderr_path = dir_.File("daemon.log");
  options.stdout_path = dir_.File("daemon.out");
  std::vector<std::string> argv = {ORAUDITD_BIN, "--config", config_path_};
  if (passed_fd_ >= 0) {
    // The shell's pid is the daemon's after exec, as LISTEN_PID must be.
    argv = {"/bin/sh", "-c",
            "LISTEN_PID=$$ LISTEN_FDS=1 LISTEN_FDNAMES=intake; "
            "export LISTEN_PID LISTEN_FDS LISTEN_FDNAMES; exec \"$0\" \"$@\" 3<&" +
                std::to_string(passed_fd_),
            ORAUDITD_BIN, "--config", config_path_};
  }
  std::vector<std::string> env = daemon_env_;
  env.push_back("OPENROUTER_API_KEY=" + api_key_);
  Status started = daemon_.Start(argv, env, options);
  if (!started.ok()) return started;
  bool ready = WaitFor(
      [&] {
        if (passed_fd_ >= 0) {
          return DaemonLog().find("socket passed by systemd") != std::string::npos;
        }
        // Connecting, not only seeing the file: the file exists from bind(),
        // and a connect before listen() is refused.
        return ProbeUnixSocket(socket_path_).ok();
      },
      std::chrono::seconds(15));
  if (!ready) return Status::Unavailable("daemon socket did not appear:\n" + DaemonLog());
  return Status::Ok();
}

StatusOr<ExitStatus> DaemonHarness::StopDaemon(int signal, std::chrono::milliseconds timeout) {
  Status killed = daemon_.Kill(signal);
  if (!killed.ok()) return killed;
  return daemon_.Wait(timeout);
}

StatusOr<std::vector<Reply>> DaemonHarness::Submit(const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& line : lines) text += line + "\n";
  std::istringstream in(text);
  std::vector<Reply> replies;
  auto totals = tools::SubmitLines(socket_path_, in,
                                   [&](const std::string& line, const std::string& reply) {
                                     replies.push_back({line, reply});
                                     return true;
                                   });
  if (!totals.ok()) return totals.status();
  return replies;
}

Status DaemonHarness::WaitForRows(int64_t count, std::chrono::milliseconds timeout) {
  int64_t seen = -1;
  bool ready = WaitFor(
      [&] {
        auto n = QueryScalar(db_path_, "SELECT COUNT(*) FROM audit_log");
        if (!n.ok()) return false;
        seen = std::stoll(*n);
        return seen >= count;
      },
      timeout);
  if (ready) return Status::Ok();
  return Status::Unavailable("audit_log has " + std::to_string(seen) + " rows, expected " +
                             std::to_string(count) + "; daemon log:\n" + DaemonLog());
}

StatusOr<std::vector<SqlRow>> DaemonHarness::Query(const std::string& sql) const {
  return QuerySqlite(db_path_, sql);
}

StatusOr<SqlRow> DaemonHarness::RowFor(const std::string& request_id) const {
  auto rows = Query("SELECT * FROM audit_log WHERE request_id = '" + request_id + "'");
  if (!rows.ok()) return rows.status();
  if (rows->size() != 1) {
    return Status::NotFound("no single row for " + request_id + ": " +
                            std::to_string(rows->size()) + " rows");
  }
  return std::move((*rows)[0]);
}

std::string DaemonHarness::DaemonLog() const { return ReadFile(dir_.File("daemon.log")); }

StatusOr<std::string> DaemonHarness::MetricsAddress(std::chrono::milliseconds timeout) const {
  static const std::string kMarker = "metrics: listening on ";
  std::string address;
  bool found = WaitFor(
      [&] {
        std::string log = DaemonLog();
        size_t at = log.rfind(kMarker);
        if (at == std::string::npos) return false;
        size_t start = at + kMarker.size();
        address = log.substr(start, log.find_first_of("\n\"", start) - start);
        return true;
      },
      timeout);
  if (!found) return Status::Unavailable("the daemon logged no metrics address:\n" + DaemonLog());
  return address;
}

StatusOr<std::string> DaemonHarness::ScrapeMetrics() const {
  auto address = MetricsAddress();
  if (!address.ok()) return address.status();
  auto parsed = ParseHostPort(*address);
  if (!parsed.ok()) return parsed.status();
  return tools::FetchMetricsPage(*parsed);
}

}  // namespace orauditd::testing
