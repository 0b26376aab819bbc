#include "bench/live_daemon.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "common/host_port.h"
#include "common/unix_socket_probe.h"
#include "tools/metrics_client.h"

namespace orauditd::bench {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Polls `ready` every 10 ms until it holds, the process ends, or `limit`.
Status WaitUntil(testing::Subprocess* process, const std::function<bool()>& ready,
                 std::chrono::seconds limit, const std::string& what) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (ready()) return Status::Ok();
    auto exited = process->Wait(std::chrono::milliseconds(0));
    if (exited.ok())
      return Status::Unavailable(what + ": the process exited (" + exited->ToString() + ")");
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return Status::Unavailable(what + ": not within " + std::to_string(limit.count()) + " s");
}

}  // namespace

std::string LoadAverage() {
  std::string text = ReadFile("/proc/loadavg");
  std::istringstream in(text);
  std::string one, five, fifteen;
  in >> one >> five >> fifteen;
  return one + " " + five + " " + fifteen;
}

double ProcessCpuSeconds(pid_t pid) {
  std::string stat = ReadFile("/proc/" + std::to_string(pid) + "/stat");
  // Fields after the command name, which is in parentheses and may hold spaces.
  size_t close = stat.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream in(stat.substr(close + 2));
  std::string field;
  double utime = 0, stime = 0;
  // utime and stime are fields 14 and 15; `in` starts at field 3.
  for (int i = 3; i <= 15 && in >> field; ++i) {
    if (i == 14) utime = std::stod(field);
    if (i == 15) stime = std::stod(field);
  }
  return (utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double Percentile(std::vector<double>* values, double fraction) {
  if (values->empty()) return 0;
  std::sort(values->begin(), values->end());
  double rank = std::ceil(fraction * static_cast<double>(values->size()));
  size_t index = rank < 1 ? 0 : static_cast<size_t>(rank) - 1;
  return (*values)[std::min(index, values->size() - 1)];
}

LiveFake::~LiveFake() { (void)Stop(); }

Status LiveFake::Start(const std::string& dir, const std::vector<std::string>& args) {
  std::string port_file = dir + "/fake.port";
  std::vector<std::string> argv = {FAKE_OPENROUTER_BIN, "--listen", "127.0.0.1:0",
                                   "--port-file",       port_file,  "--quiet"};
  argv.insert(argv.end(), args.begin(), args.end());
  testing::SubprocessOptions options;
  options.stdout_path = dir + "/fake.out";
  options.stderr_path = dir + "/fake.log";
  Status started = process_.Start(argv, {}, options);
  if (!started.ok()) return started;
  Status ready = WaitUntil(
      &process_, [&] { return !ReadFile(port_file).empty(); }, std::chrono::seconds(10),
      "fake OpenRouter port file");
  if (!ready.ok())
    return Status(ready.code(), ready.message() + "\n" + ReadFile(dir + "/fake.log"));
  port_ = std::stoi(ReadFile(port_file));
  return Status::Ok();
}

Status LiveFake::Stop() {
  if (!process_.running()) return Status::Ok();
  auto exited = process_.Stop(std::chrono::seconds(5));
  return exited.ok() ? Status::Ok() : exited.status();
}

LiveDaemon::LiveDaemon(std::string dir)
    : dir_(std::move(dir)), socket_path_(dir_ + "/intake.sock") {}

LiveDaemon::~LiveDaemon() { (void)Stop(); }

Status LiveDaemon::Start(const std::string& base_url, const std::string& fetch_yaml) {
  std::string config_path = dir_ + "/orauditd.yaml";
  std::ofstream config(config_path);
  config << "data_dir: " << dir_ << "/data\n"
         << "intake:\n"
         << "  socket: { path: " << socket_path_ << " }\n"
         << "  spool: { dir: " << dir_ << "/spool }\n"
         << "  min_free: 64MiB\n"
         << "openrouter:\n"
         << "  base_url: " << base_url << "\n"
         << "  timeout: 10s\n"
         << "fetch:\n"
         << fetch_yaml << "sinks:\n"
         << "  sqlite: { path: " << dir_ << "/audit.db }\n"
         << "metrics: { listen: 127.0.0.1:0 }\n"
         << "log: { level: info }\n";
  config.close();

  unlink(socket_path_.c_str());
  testing::SubprocessOptions options;
  options.stderr_path = dir_ + "/daemon.log";
  options.stdout_path = dir_ + "/daemon.out";
  Status started = process_.Start({ORAUDITD_BIN, "--config", config_path},
                                  {"OPENROUTER_API_KEY=sk-or-v1-bench-0123456789"}, options);
  if (!started.ok()) return started;
  static const std::string kMarker = "metrics: listening on ";
  Status ready = WaitUntil(
      &process_,
      [&] {
        if (!ProbeUnixSocket(socket_path_).ok()) return false;
        std::string log = Log();
        size_t at = log.rfind(kMarker);
        if (at == std::string::npos) return false;
        size_t start = at + kMarker.size();
        metrics_address_ = log.substr(start, log.find_first_of("\n\"", start) - start);
        return true;
      },
      std::chrono::seconds(20), "orauditd socket and metrics");
  if (!ready.ok()) return Status(ready.code(), ready.message() + "\n" + Log());
  return Status::Ok();
}

Status LiveDaemon::Stop() {
  if (!process_.running()) return Status::Ok();
  auto exited = process_.Stop(std::chrono::seconds(30));
  if (!exited.ok()) return exited.status();
  if (!exited->Success()) {
    return Status::Internal("orauditd ended with " + exited->ToString() + ":\n" + Log());
  }
  return Status::Ok();
}

StatusOr<double> LiveDaemon::Metric(const std::string& name,
                                    const std::map<std::string, std::string>& match) const {
  auto address = ParseHostPort(metrics_address_);
  if (!address.ok()) return address.status();
  auto page = tools::FetchMetricsPage(*address);
  if (!page.ok()) return page.status();
  return tools::SumSamples(tools::ParseMetricsText(*page), name, match);
}

std::string LiveDaemon::Log() const { return ReadFile(dir_ + "/daemon.log"); }

}  // namespace orauditd::bench
