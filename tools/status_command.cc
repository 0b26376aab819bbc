// orauditctl status [--metrics HOST:PORT | --config FILE] [--socket S]
// Reads the daemon's metrics page and shows its figures for a person: queue
// depth, oldest pending age, lookups in flight, outcomes, sink lag, parked
// keys. Exit 0 when the metrics endpoint and the intake socket both answer
// and the queue takes writes, 1 otherwise (after printing what it could), 2
// on a usage error, 78 when the config cannot be read.
#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "common/unix_socket_probe.h"
#include "tools/commands.h"
#include "tools/intake_client.h"
#include "tools/metrics_client.h"
#include "tools/status_report.h"

namespace orauditd::tools {
namespace {

constexpr char kDefaultConfig[] = "/etc/orauditd/orauditd.yaml";
constexpr char kDefaultMetrics[] = "127.0.0.1:9464";

constexpr char kUsage[] =
    "usage: orauditctl status [--metrics HOST:PORT | --config FILE] [--socket PATH]\n"
    "Shows what the running daemon is doing, from its metrics endpoint: queue depth,\n"
    "oldest pending age, lookups in flight, outcomes so far, sink lag, parked keys.\n"
    "  --metrics   the endpoint (default: metrics.listen of the config)\n"
    "  --config    the daemon's config (default /etc/orauditd/orauditd.yaml)\n"
    "  --socket    the intake socket to check (default: intake.socket.path of the\n"
    "              config, else $ORAUDITD_SOCKET or /run/orauditd/intake.sock)\n"
    "exit codes: 0 the metrics endpoint and the intake socket answered and the\n"
    "queue takes writes, 1 otherwise, 2 usage error, 78 a config that cannot be\n"
    "read\n";

int Usage(const std::string& problem) {
  std::fprintf(stderr, "orauditctl status: %s\n%s", problem.c_str(), kUsage);
  return 2;
}

struct Targets {
  std::string metrics;  // empty: metrics are off in the config
  std::string socket;
  std::string config_note;  // where the figures came from, for error texts
};

// metrics.listen and intake.socket.path of the daemon's config. A listener
// on every address (0.0.0.0, ::) is asked on loopback.
Status ReadConfigTargets(const std::string& path, bool must_exist, Targets* targets) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    if (must_exist) {
      return Status::NotFound("cannot read config " + path + ": " + std::strerror(errno));
    }
    return Status::Ok();
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument("config " + path + ": " + e.what());
  }
  targets->config_note = " (from " + path + ")";
  try {
    YAML::Node listen = root["metrics"]["listen"];
    if (listen.IsDefined()) targets->metrics = listen.IsNull() ? "" : listen.as<std::string>();
    YAML::Node socket = root["intake"]["socket"]["path"];
    if (socket.IsDefined() && !socket.IsNull()) targets->socket = socket.as<std::string>();
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument("config " + path + ": " + e.what());
  }
  return Status::Ok();
}

std::string Loopback(const HostPort& address) {
  HostPort ask = address;
  if (ask.host == "0.0.0.0") ask.host = "127.0.0.1";
  if (ask.host == "::") ask.host = "::1";
  return ask.ToString();
}

// The metrics page and the socket probe, printed; 1 unless both answered.
// A socket that is down is worth seeing even when the page cannot be read,
// so it is probed either way.
int Report(const Targets& targets) {
  StatusContext context;
  context.socket_path = targets.socket;
  Status probe = ProbeUnixSocket(targets.socket);
  context.socket_reachable = probe.ok();
  context.socket_error = probe.message();

  if (targets.metrics.empty()) {
    std::fprintf(stderr,
                 "orauditctl status: the daemon's metrics endpoint is off%s (metrics.listen: "
                 "null); status reads its figures there\n",
                 targets.config_note.c_str());
    std::fputs(RenderSocketLine(context).c_str(), stdout);
    return 1;
  }
  auto address = ParseHostPort(targets.metrics);
  if (!address.ok()) return Usage(address.status().message());
  context.metrics_address = Loopback(*address);

  auto page = FetchMetricsPage(*ParseHostPort(context.metrics_address));
  if (!page.ok()) {
    std::fprintf(stderr,
                 "orauditctl status: %s%s\n  is orauditd running? (systemctl status "
                 "orauditd)\n",
                 page.status().message().c_str(), targets.config_note.c_str());
    std::fputs(RenderSocketLine(context).c_str(), stdout);
    return 1;
  }
  context.now_s = std::chrono::duration_cast<std::chrono::seconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  std::vector<MetricSample> samples = ParseMetricsText(*page);
  std::fputs(RenderStatus(samples, context).c_str(), stdout);
  // A daemon whose queue refuses writes answers, but is not working.
  return context.socket_reachable && StorageHealthy(samples) ? 0 : 1;
}

}  // namespace

int RunStatus(const Args& args) {
  std::string metrics_flag;
  std::string config_path;
  std::string socket_flag;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    bool has_value = i + 1 < args.size();
    if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    } else if (arg == "--metrics" && has_value) {
      metrics_flag = args[++i];
    } else if (arg == "--config" && has_value) {
      config_path = args[++i];
    } else if (arg == "--socket" && has_value) {
      socket_flag = args[++i];
    } else {
      return Usage("unknown argument \"" + arg + "\"");
    }
  }
  if (!metrics_flag.empty() && !config_path.empty()) {
    return Usage("give --metrics or --config, not both");
  }

  Targets targets{kDefaultMetrics, "", ""};
  if (metrics_flag.empty()) {
    bool given = !config_path.empty();
    Status read = ReadConfigTargets(given ? config_path : kDefaultConfig, given, &targets);
    if (!read.ok()) {
      std::fprintf(stderr, "orauditctl status: %s\n", read.message().c_str());
      return 78;  // a bad config, as the daemon exits on one
    }
  } else {
    targets.metrics = metrics_flag;
  }
  if (!socket_flag.empty()) targets.socket = socket_flag;
  if (targets.socket.empty()) targets.socket = DefaultSocketPath();
  return Report(targets);
}

}  // namespace orauditd::tools
