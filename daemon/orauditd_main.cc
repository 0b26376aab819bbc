// orauditd: the audit daemon's command line.
#include <csignal>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>

#include "daemon/config.h"
#include "daemon/config_paths.h"
#include "daemon/daemon.h"
#include "daemon/logging.h"
#include "daemon/replay.h"

namespace {

constexpr const char* kDefaultConfig = "/etc/orauditd/orauditd.yaml";

constexpr const char* kUsage = R"(usage:
  orauditd [--config FILE]                 run the daemon in the foreground
  orauditd --check-config [--config FILE]  validate and print the effective config
  orauditd replay [--config FILE] PATH...  take spool files (or the *.jsonl and *.ndjson
                                           files in folders) through the pipeline in the
                                           foreground, with progress; exits once every
                                           record is a row (1 if a line was refused)
  orauditd --version | --help

Applications hand records of their OpenRouter calls to orauditd over a Unix
socket; orauditd stores each durably, fetches the authoritative cost and token
counts from OpenRouter's generation endpoint (retrying while they are not yet
available) and writes one audit row per call to SQLite and/or JSON lines.

options:
  --config FILE    YAML config (default /etc/orauditd/orauditd.yaml; a missing
                   default file means built-in defaults)
  --check-config   validate the config, print it with secrets masked, exit
signals:
  SIGTERM, SIGINT  drain lookups in flight and exit 0
  SIGHUP           reload API keys, the log level and openrouter.base_url from the
                   config file; other settings take a restart
exit codes:
  0 success, 1 runtime failure, 2 usage error, 78 bad config
)";

}  // namespace

int main(int argc, char** argv) {
  // A client that closes its connection before reading its reply must cost
  // it the reply, not cost everyone the daemon: the write fails with EPIPE
  // instead. systemd ignores SIGPIPE for its services; a shell does not.
  std::signal(SIGPIPE, SIG_IGN);
  std::vector<std::string> args(argv + 1, argv + argc);
  std::string config_path;
  bool config_given = false;
  bool check_only = false;
  bool replay = !args.empty() && args[0] == "replay";
  std::vector<std::string> replay_paths;
  if (replay) args.erase(args.begin());

  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    } else if (arg == "--version") {
      std::printf("orauditd %s\n", ORAUDITD_VERSION);
      return 0;
    } else if (arg == "--check-config") {
      check_only = true;
    } else if (arg == "--config" && i + 1 < args.size()) {
      config_path = args[++i];
      config_given = true;
    } else if (arg == "--config") {
      std::fprintf(stderr, "orauditd: --config needs a file name\n\n%s", kUsage);
      return 2;
    } else if (arg.rfind("--config=", 0) == 0) {
      config_path = arg.substr(9);
      config_given = true;
    } else if (replay && (arg.empty() || arg[0] != '-')) {
      replay_paths.push_back(arg);
    } else {
      std::fprintf(stderr, "orauditd: unknown argument \"%s\"\n\n%s", arg.c_str(), kUsage);
      return 2;
    }
  }

  orauditd::Config config;
  if (!config_given) config_path = kDefaultConfig;
  FILE* probe = std::fopen(config_path.c_str(), "r");
  if (probe != nullptr || config_given) {
    if (probe != nullptr) std::fclose(probe);
    auto loaded = orauditd::LoadConfigFile(config_path);
    if (!loaded.ok()) {
      std::fprintf(stderr, "orauditd: %s\n", loaded.status().message().c_str());
      return 78;
    }
    config = *loaded;
  } else {
    config_path.clear();
  }

  if (replay) {
    if (replay_paths.empty() || check_only) {
      std::fprintf(stderr, "orauditd replay: give the files or folders to read\n\n%s", kUsage);
      return 2;
    }
    return orauditd::RunReplay(config, replay_paths);
  }

  if (check_only) {
    std::printf("# effective config%s%s\n%s", config_path.empty() ? " (built-in defaults)" : ": ",
                config_path.c_str(), orauditd::ConfigToYaml(config).c_str());
    for (const std::string& note : orauditd::ConfigPathNotes(config)) {
      std::printf("# note: %s\n", note.c_str());
    }
    return 0;
  }

  orauditd::SetUpLogging(config.log_level, config.log_format);
  return orauditd::RunDaemon(config, config_path);
}
