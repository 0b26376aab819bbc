// Config: the daemon's settings, read from YAML. Every key has a default;
// an unknown key or a bad value is refused with a message that names it
// (and the nearest known key, for a typo). Values only: nothing here opens
// files or sockets, except reading the YAML itself.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace orauditd {

// Where an API key's secret comes from; the secret itself is read by
// KeyStore, never kept in Config, so printing a Config can't leak it.
struct KeySource {
  std::string env;   // environment variable name, or empty
  std::string file;  // path of a file holding the key, or empty
};

struct Config {
  std::string data_dir = "/var/lib/orauditd";

  std::string socket_path = "/run/orauditd/intake.sock";
  uint32_t socket_mode = 0660;
  std::string spool_dir = "/var/spool/orauditd";
  int64_t spool_scan_interval_ms = 5000;
  bool spool_keep_done = true;
  uint64_t max_line_bytes = 1 << 20;
  uint64_t min_free_bytes = 256ull << 20;

  std::string base_url = "https://openrouter.ai/api/v1";
  std::map<std::string, KeySource> keys = {{"default", {"OPENROUTER_API_KEY", ""}}};
  int64_t request_timeout_ms = 10000;
  std::string ca_path;

  int64_t window_ms = 30 * 60 * 1000;
  int64_t first_delay_ms = 1000;
  int64_t missing_cost_delay_ms = 2000;
  int64_t backoff_initial_ms = 1000;
  int64_t backoff_max_ms = 60000;
  int64_t concurrency = 32;
  // How long a stop waits for lookups in flight before aborting them.
  int64_t drain_timeout_ms = 10000;
  double rate_per_second = 20;

  std::string sqlite_path = "/var/lib/orauditd/audit.db";  // empty: sink off
  std::string jsonl_path;                                   // empty: sink off
  uint64_t jsonl_rotate_bytes = 128ull << 20;

  std::string hash_secret_file;  // empty: plain SHA-256 prompt hashes
  bool redact_user_id = false;   // pass user_id through the redactor too

  std::string metrics_listen = "127.0.0.1:9464";  // empty: no metrics endpoint

  std::string log_level = "info";
  std::string log_format = "text";  // text | json; read at start only
};

// Reads and validates a config file. Errors name the file and the key.
StatusOr<Config> LoadConfigFile(const std::string& path);
// Same, from YAML text (`origin` names it in errors).
StatusOr<Config> ParseConfig(const std::string& yaml_text, const std::string& origin);

// The effective config as YAML, for --check-config.
std::string ConfigToYaml(const Config& config);

// The settings (section.key, as ConfigToYaml prints them) whose values
// differ between two configs, in the order ConfigToYaml prints them. The API
// keys are not compared: a reload applies them whatever they are.
std::vector<std::string> ChangedSettings(const Config& before, const Config& after);

// "500ms", "2s", "30m", "1h", "1d" → milliseconds.
StatusOr<int64_t> ParseDurationMs(const std::string& text);
// "64KiB", "128MiB", "1GiB", "1000", "10KB" → bytes.
StatusOr<uint64_t> ParseSizeBytes(const std::string& text);

}  // namespace orauditd
