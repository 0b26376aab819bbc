#include "daemon/config.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "common/host_port.h"

namespace orauditd {
namespace {

using Setter = std::function<Status(const YAML::Node&, Config*)>;

struct KeySpec {
  std::string path;  // "fetch.backoff.initial"
  Setter set;
};

size_t EditDistance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
      diagonal = above;
    }
  }
  return row[b.size()];
}

StatusOr<std::string> ScalarText(const YAML::Node& node) {
  if (!node.IsScalar()) return Status::InvalidArgument("expected a single value");
  return node.Scalar();
}

Setter StringKey(std::string Config::*field, bool allow_null = false) {
  return [field, allow_null](const YAML::Node& node, Config* config) -> Status {
    if (node.IsNull() && allow_null) {
      (config->*field).clear();
      return Status::Ok();
    }
    auto text = ScalarText(node);
    if (!text.ok()) return text.status();
    if (text->empty() && !allow_null) return Status::InvalidArgument("must not be empty");
    config->*field = *text;
    return Status::Ok();
  };
}

Setter DurationKey(int64_t Config::*field) {
  return [field](const YAML::Node& node, Config* config) -> Status {
    auto text = ScalarText(node);
    if (!text.ok()) return text.status();
    auto ms = ParseDurationMs(*text);
    if (!ms.ok()) return ms.status();
    config->*field = *ms;
    return Status::Ok();
  };
}

Setter SizeKey(uint64_t Config::*field) {
  return [field](const YAML::Node& node, Config* config) -> Status {
    auto text = ScalarText(node);
    if (!text.ok()) return text.status();
    auto bytes = ParseSizeBytes(*text);
    if (!bytes.ok()) return bytes.status();
    config->*field = *bytes;
    return Status::Ok();
  };
}

Setter BoolKey(bool Config::*field) {
  return [field](const YAML::Node& node, Config* config) -> Status {
    auto text = ScalarText(node);
    if (!text.ok()) return text.status();
    if (*text == "true" || *text == "yes" || *text == "on") {
      config->*field = true;
    } else if (*text == "false" || *text == "no" || *text == "off") {
      config->*field = false;
    } else {
      return Status::InvalidArgument("expected true or false, got \"" + *text + "\"");
    }
    return Status::Ok();
  };
}

Setter PositiveIntKey(int64_t Config::*field, int64_t max) {
  return [field, max](const YAML::Node& node, Config* config) -> Status {
    auto text = ScalarText(node);
    if (!text.ok()) return text.status();
    char* end = nullptr;
    long long value = std::strtoll(text->c_str(), &end, 10);
    if (text->empty() || *end != '\0' || value < 1 || value > max) {
      return Status::InvalidArgument("expected an integer from 1 to " + std::to_string(max) +
                                     ", got \"" + *text + "\"");
    }
    config->*field = value;
    return Status::Ok();
  };
}

Status SetRate(const YAML::Node& node, Config* config) {
  auto text = ScalarText(node);
  if (!text.ok()) return text.status();
  char* end = nullptr;
  double value = std::strtod(text->c_str(), &end);
  if (text->empty() || *end != '\0' || !(value > 0) || !std::isfinite(value)) {
    return Status::InvalidArgument("expected a number above 0, got \"" + *text + "\"");
  }
  config->rate_per_second = value;
  return Status::Ok();
}

Status SetSocketMode(const YAML::Node& node, Config* config) {
  auto text = ScalarText(node);
  if (!text.ok()) return text.status();
  char* end = nullptr;
  unsigned long mode = std::strtoul(text->c_str(), &end, 8);
  if (text->empty() || *end != '\0' || mode > 0777) {
    return Status::InvalidArgument("expected an octal file mode such as \"0660\", got \"" +
                                   *text + "\"");
  }
  config->socket_mode = static_cast<uint32_t>(mode);
  return Status::Ok();
}

Status SetKeys(const YAML::Node& node, Config* config) {
  if (!node.IsMap() || node.size() == 0) {
    return Status::InvalidArgument("expected a map of key name to {env: VAR} or {file: PATH}");
  }
  std::map<std::string, KeySource> keys;
  for (const auto& entry : node) {
    std::string name = entry.first.Scalar();
    bool name_ok = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
    });
    if (!name_ok) return Status::InvalidArgument("bad key name \"" + name + "\"");
    if (keys.count(name) > 0) return Status::InvalidArgument(name + ": given twice");
    const YAML::Node& source = entry.second;
    if (!source.IsMap()) {
      return Status::InvalidArgument(name + ": expected {env: VAR} or {file: PATH}");
    }
    KeySource parsed;
    for (const auto& field : source) {
      std::string field_name = field.first.Scalar();
      if (!field.second.IsScalar() || field.second.Scalar().empty()) {
        return Status::InvalidArgument(name + "." + field_name + ": must be a non-empty value");
      }
      if (field_name == "env") {
        parsed.env = field.second.Scalar();
      } else if (field_name == "file") {
        parsed.file = field.second.Scalar();
      } else {
        return Status::InvalidArgument(name + "." + field_name +
                                       ": unknown field (expected env or file)");
      }
    }
    if (parsed.env.empty() == parsed.file.empty()) {
      return Status::InvalidArgument(name + ": give exactly one of env or file");
    }
    keys[name] = parsed;
  }
  config->keys = std::move(keys);
  return Status::Ok();
}

const std::vector<KeySpec>& Schema() {
  static const std::vector<KeySpec> kSchema = {
      {"data_dir", StringKey(&Config::data_dir)},
      {"intake.socket.path", StringKey(&Config::socket_path)},
      {"intake.socket.mode", SetSocketMode},
      {"intake.spool.dir", StringKey(&Config::spool_dir)},
      {"intake.spool.scan_interval", DurationKey(&Config::spool_scan_interval_ms)},
      {"intake.spool.keep_done", BoolKey(&Config::spool_keep_done)},
      {"intake.max_line_bytes", SizeKey(&Config::max_line_bytes)},
      {"intake.min_free", SizeKey(&Config::min_free_bytes)},
      {"openrouter.base_url", StringKey(&Config::base_url)},
      {"openrouter.keys", SetKeys},
      {"openrouter.timeout", DurationKey(&Config::request_timeout_ms)},
      {"openrouter.ca_path", StringKey(&Config::ca_path, true)},
      {"fetch.window", DurationKey(&Config::window_ms)},
      {"fetch.first_delay", DurationKey(&Config::first_delay_ms)},
      {"fetch.missing_cost_delay", DurationKey(&Config::missing_cost_delay_ms)},
      {"fetch.backoff.initial", DurationKey(&Config::backoff_initial_ms)},
      {"fetch.backoff.max", DurationKey(&Config::backoff_max_ms)},
      {"fetch.concurrency", PositiveIntKey(&Config::concurrency, 4096)},
      {"fetch.drain_timeout", DurationKey(&Config::drain_timeout_ms)},
      {"fetch.rate_per_second", SetRate},
      {"sinks.sqlite.path", StringKey(&Config::sqlite_path, true)},
      {"sinks.jsonl.path", StringKey(&Config::jsonl_path, true)},
      {"sinks.jsonl.rotate_bytes", SizeKey(&Config::jsonl_rotate_bytes)},
      {"privacy.hash_secret_file", StringKey(&Config::hash_secret_file, true)},
      {"privacy.redact_user_id", BoolKey(&Config::redact_user_id)},
      {"metrics.listen", StringKey(&Config::metrics_listen, true)},
      {"log.level", StringKey(&Config::log_level)},
      {"log.format", StringKey(&Config::log_format)},
  };
  return kSchema;
}

std::string NearestKey(const std::string& path) {
  std::string best;
  size_t best_distance = 4;  // suggest only close matches
  // Sections count too, so that a misspelled "fecth:" finds "fetch".
  for (const auto& spec : Schema()) {
    for (size_t end = spec.path.find('.'); ; end = spec.path.find('.', end + 1)) {
      std::string candidate = spec.path.substr(0, end);
      size_t d = EditDistance(path, candidate);
      if (d < best_distance) {
        best_distance = d;
        best = candidate;
      }
      if (end == std::string::npos) break;
    }
  }
  return best;
}

bool IsPrefixOfKnownKey(const std::string& path) {
  for (const auto& spec : Schema()) {
    if (spec.path.size() > path.size() && spec.path.compare(0, path.size(), path) == 0 &&
        spec.path[path.size()] == '.') {
      return true;
    }
  }
  return false;
}

const KeySpec* FindKey(const std::string& path) {
  for (const auto& spec : Schema()) {
    if (spec.path == path) return &spec;
  }
  return nullptr;
}

Status Walk(const YAML::Node& node, const std::string& prefix, Config* config) {
  if (!node.IsMap()) {
    return Status::InvalidArgument((prefix.empty() ? std::string("top level") : prefix) +
                                   ": expected a map of keys");
  }
  // yaml-cpp keeps both copies of a repeated key; one of them would win
  // silently, so a repeat is refused like an unknown key.
  std::set<std::string> seen;
  for (const auto& entry : node) {
    std::string path = prefix.empty() ? entry.first.Scalar() : prefix + "." + entry.first.Scalar();
    if (!seen.insert(entry.first.Scalar()).second) {
      return Status::InvalidArgument(path + ": given twice");
    }
    if (const KeySpec* spec = FindKey(path)) {
      Status s = spec->set(entry.second, config);
      if (!s.ok()) return s.WithContext(path);
      continue;
    }
    if (IsPrefixOfKnownKey(path)) {
      if (entry.second.IsNull()) continue;  // an empty section keeps its defaults
      Status s = Walk(entry.second, path, config);
      if (!s.ok()) return s;
      continue;
    }
    std::string message = path + ": unknown key";
    std::string nearest = NearestKey(path);
    if (!nearest.empty()) message += " (did you mean " + nearest + "?)";
    return Status::InvalidArgument(message);
  }
  return Status::Ok();
}

Status CheckConsistency(const Config& config) {
  if (config.backoff_initial_ms > config.backoff_max_ms) {
    return Status::InvalidArgument("fetch.backoff.initial: must not exceed fetch.backoff.max");
  }
  if (config.window_ms <= 0) return Status::InvalidArgument("fetch.window: must be above 0");
  if (config.request_timeout_ms <= 0) {
    return Status::InvalidArgument("openrouter.timeout: must be above 0");
  }
  if (config.drain_timeout_ms <= 0) {
    return Status::InvalidArgument("fetch.drain_timeout: must be above 0");
  }
  if (config.base_url.rfind("http://", 0) != 0 && config.base_url.rfind("https://", 0) != 0) {
    return Status::InvalidArgument("openrouter.base_url: must start with http:// or https://");
  }
  static const char* kLevels[] = {"trace", "debug", "info", "warn", "error", "critical", "off"};
  if (std::find(std::begin(kLevels), std::end(kLevels), config.log_level) == std::end(kLevels)) {
    return Status::InvalidArgument("log.level: expected one of trace, debug, info, warn, "
                                   "error, critical, off; got \"" + config.log_level + "\"");
  }
  if (config.log_format != "text" && config.log_format != "json") {
    return Status::InvalidArgument("log.format: expected text or json; got \"" +
                                   config.log_format + "\"");
  }
  if (config.sqlite_path.empty() && config.jsonl_path.empty()) {
    return Status::InvalidArgument("sinks: at least one of sinks.sqlite.path and "
                                   "sinks.jsonl.path must be set");
  }
  if (!config.metrics_listen.empty()) {
    auto listen = ParseHostPort(config.metrics_listen);
    if (!listen.ok()) return listen.status().WithContext("metrics.listen");
  }
  if (config.max_line_bytes < 256) {
    return Status::InvalidArgument("intake.max_line_bytes: must be at least 256B");
  }
  return Status::Ok();
}

}  // namespace

StatusOr<int64_t> ParseDurationMs(const std::string& text) {
  static const std::pair<const char*, int64_t> kUnits[] = {
      {"ms", 1}, {"s", 1000}, {"m", 60000}, {"h", 3600000}, {"d", 86400000}};
  size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) {
    ++digits;
  }
  std::string unit = text.substr(digits);
  if (digits == 0 || digits > 12) {
    return Status::InvalidArgument("bad duration \"" + text + "\" (use e.g. 500ms, 2s, 30m, 1h)");
  }
  int64_t value = std::stoll(text.substr(0, digits));
  for (const auto& [name, factor] : kUnits) {
    if (unit == name) return value * factor;
  }
  return Status::InvalidArgument("bad duration \"" + text + "\" (use e.g. 500ms, 2s, 30m, 1h)");
}

StatusOr<uint64_t> ParseSizeBytes(const std::string& text) {
  static const std::pair<const char*, uint64_t> kUnits[] = {
      {"", 1},          {"B", 1},           {"KB", 1000},       {"MB", 1000000},
      {"GB", 1000000000}, {"KiB", 1ull << 10}, {"MiB", 1ull << 20}, {"GiB", 1ull << 30}};
  size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) {
    ++digits;
  }
  if (digits == 0 || digits > 15) {
    return Status::InvalidArgument("bad size \"" + text + "\" (use e.g. 64KiB, 128MiB, 1GiB)");
  }
  std::string unit = text.substr(digits);
  uint64_t value = std::stoull(text.substr(0, digits));
  for (const auto& [name, factor] : kUnits) {
    if (unit == name) return value * factor;
  }
  return Status::InvalidArgument("bad size \"" + text + "\" (use e.g. 64KiB, 128MiB, 1GiB)");
}

StatusOr<Config> ParseConfig(const std::string& yaml_text, const std::string& origin) {
  Config config;
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(origin + ": not valid YAML: " + e.what());
  }
  if (!root.IsNull()) {
    try {
      Status s = Walk(root, "", &config);
      if (!s.ok()) return s.WithContext(origin);
    } catch (const YAML::Exception& e) {
      return Status::InvalidArgument(origin + ": " + e.what());
    }
  }
  Status s = CheckConsistency(config);
  if (!s.ok()) return s.WithContext(origin);
  return config;
}

StatusOr<Config> LoadConfigFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::NotFound("config " + path + ": cannot open: " + std::strerror(errno));
  std::stringstream text;
  text << in.rdbuf();
  return ParseConfig(text.str(), "config " + path);
}

namespace {

std::string Quoted(const std::string& value) {
  if (value.empty()) return "null";
  std::string out = "\"";
  for (char c : value) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "\"";
}

std::string Duration(int64_t ms) {
  if (ms % 3600000 == 0 && ms > 0) return std::to_string(ms / 3600000) + "h";
  if (ms % 60000 == 0 && ms > 0) return std::to_string(ms / 60000) + "m";
  if (ms % 1000 == 0 && ms > 0) return std::to_string(ms / 1000) + "s";
  return std::to_string(ms) + "ms";
}

std::string Size(uint64_t bytes) {
  if (bytes % (1ull << 30) == 0 && bytes > 0) return std::to_string(bytes >> 30) + "GiB";
  if (bytes % (1ull << 20) == 0 && bytes > 0) return std::to_string(bytes >> 20) + "MiB";
  if (bytes % (1ull << 10) == 0 && bytes > 0) return std::to_string(bytes >> 10) + "KiB";
  return std::to_string(bytes);
}

}  // namespace

std::string ConfigToYaml(const Config& c) {
  std::ostringstream out;
  char mode[8];
  std::snprintf(mode, sizeof mode, "%04o", c.socket_mode);
  out << "data_dir: " << Quoted(c.data_dir) << "\n"
      << "intake:\n"
      << "  socket: { path: " << Quoted(c.socket_path) << ", mode: \"" << mode << "\" }\n"
      << "  spool: { dir: " << Quoted(c.spool_dir)
      << ", scan_interval: " << Duration(c.spool_scan_interval_ms)
      << ", keep_done: " << (c.spool_keep_done ? "true" : "false") << " }\n"
      << "  max_line_bytes: " << Size(c.max_line_bytes) << "\n"
      << "  min_free: " << Size(c.min_free_bytes) << "\n"
      << "openrouter:\n"
      << "  base_url: " << Quoted(c.base_url) << "\n"
      << "  keys:\n";
  for (const auto& [name, source] : c.keys) {
    // The value is never printed; an unset variable is worth saying, since
    // lookups with that key would wait for it until their window ends.
    const char* value = source.env.empty() ? nullptr : std::getenv(source.env.c_str());
    bool env_unset = !source.env.empty() && (value == nullptr || *value == '\0');
    out << "    " << name << ": { "
        << (source.env.empty() ? "file: " + Quoted(source.file) : "env: " + source.env) << " }   # "
        << (env_unset ? "NOT SET: lookups with this key are parked until it is" : "value: ***")
        << "\n";
  }
  out << "  timeout: " << Duration(c.request_timeout_ms) << "\n"
      << "  ca_path: " << Quoted(c.ca_path) << "\n"
      << "fetch:\n"
      << "  window: " << Duration(c.window_ms) << "\n"
      << "  first_delay: " << Duration(c.first_delay_ms) << "\n"
      << "  missing_cost_delay: " << Duration(c.missing_cost_delay_ms) << "\n"
      << "  backoff: { initial: " << Duration(c.backoff_initial_ms)
      << ", max: " << Duration(c.backoff_max_ms) << " }\n"
      << "  concurrency: " << c.concurrency << "\n"
      << "  drain_timeout: " << Duration(c.drain_timeout_ms) << "\n"
      << "  rate_per_second: " << c.rate_per_second << "\n"
      << "sinks:\n"
      << "  sqlite: { path: " << Quoted(c.sqlite_path) << " }\n"
      << "  jsonl: { path: " << Quoted(c.jsonl_path)
      << ", rotate_bytes: " << Size(c.jsonl_rotate_bytes) << " }\n"
      << "privacy:\n"
      << "  hash_secret_file: " << Quoted(c.hash_secret_file) << "\n"
      << "  redact_user_id: " << (c.redact_user_id ? "true" : "false") << "\n"
      << "metrics:\n"
      << "  listen: " << Quoted(c.metrics_listen) << "\n"
      << "log:\n"
      << "  level: " << c.log_level << "\n"
      << "  format: " << c.log_format << "\n";
  return out.str();
}

std::vector<std::string> ChangedSettings(const Config& before, const Config& after) {
  // Compared as printed, line by line: every setting is one line there (a
  // flow map such as sinks.jsonl counts as one), in a fixed order.
  Config same_keys = after;
  same_keys.keys = before.keys;
  std::istringstream a(ConfigToYaml(before));
  std::istringstream b(ConfigToYaml(same_keys));
  std::vector<std::string> changed;
  std::string section;
  std::string line_a;
  std::string line_b;
  while (std::getline(a, line_a) && std::getline(b, line_b)) {
    bool top_level = !line_a.empty() && line_a[0] != ' ';
    std::string name = line_a.substr(0, line_a.find(':'));
    if (top_level) section = line_a.back() == ':' ? name : "";
    if (line_a == line_b) continue;
    name.erase(0, name.find_first_not_of(' '));
    std::string setting = top_level || section.empty() ? name : section + "." + name;
    if (changed.empty() || changed.back() != setting) changed.push_back(setting);
  }
  return changed;
}

}  // namespace orauditd
