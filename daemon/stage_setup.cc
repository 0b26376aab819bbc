#include "daemon/stage_setup.h"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "storage/jsonl_sink.h"
#include "storage/sqlite_sink.h"

namespace orauditd {
namespace {

Status MakeParentDir(const std::string& path) {
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (parent.empty()) return Status::Ok();
  std::error_code ec;
  std::filesystem::create_directories(parent, ec);
  if (ec) return Status::IoError("create directory " + parent.string() + ": " + ec.message());
  return Status::Ok();
}

}  // namespace

StatusOr<std::vector<std::unique_ptr<Sink>>> OpenSinks(const Config& config) {
  std::vector<std::unique_ptr<Sink>> sinks;
  if (!config.sqlite_path.empty()) {
    Status dir = MakeParentDir(config.sqlite_path);
    if (!dir.ok()) return dir;
    auto sqlite = SqliteSink::Open(config.sqlite_path);
    if (!sqlite.ok()) return sqlite.status();
    sinks.push_back(std::move(*sqlite));
  }
  if (!config.jsonl_path.empty()) {
    Status dir = MakeParentDir(config.jsonl_path);
    if (!dir.ok()) return dir;
    auto jsonl = JsonlSink::Open(config.jsonl_path, config.jsonl_rotate_bytes);
    if (!jsonl.ok()) return jsonl.status();
    if (!(*jsonl)->recovery_note().empty()) {
      spdlog::warn("sink jsonl: {}", (*jsonl)->recovery_note());
    }
    sinks.push_back(std::move(*jsonl));
  }
  return sinks;
}

StatusOr<std::string> ReadHashSecret(const std::string& path) {
  if (path.empty()) return std::string();
  std::ifstream in(path);
  if (!in) return Status::NotFound("privacy.hash_secret_file: cannot read " + path);
  std::stringstream text;
  text << in.rdbuf();
  std::string secret = text.str();
  while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
  if (secret.empty()) {
    return Status::InvalidArgument("privacy.hash_secret_file: " + path + " is empty");
  }
  return secret;
}

RetryConfig RetryConfigFrom(const Config& config) {
  RetryConfig retry;
  retry.window_ms = config.window_ms;
  retry.first_delay_ms = config.first_delay_ms;
  retry.missing_cost_delay_ms = config.missing_cost_delay_ms;
  retry.backoff_initial_ms = config.backoff_initial_ms;
  retry.backoff_max_ms = config.backoff_max_ms;
  return retry;
}

PipelineOptions PipelineOptionsFrom(const Config& config) {
  PipelineOptions options;
  options.base_url = config.base_url;
  options.request_timeout_ms = config.request_timeout_ms;
  options.concurrency = static_cast<size_t>(config.concurrency);
  options.drain_timeout_ms = config.drain_timeout_ms;
  options.rate_per_second = config.rate_per_second;
  options.privacy.redact_user_id = config.redact_user_id;
  return options;
}

}  // namespace orauditd
