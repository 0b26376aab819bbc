#include "daemon/daemon.h"

#include <csignal>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <uv.h>

#include "common/clock.h"
#include "common/prompt_hash.h"
#include "daemon/key_store.h"
#include "daemon/pipeline.h"
#include "fetcher/http_client.h"
#include "intake/commit_batcher.h"
#include "intake/socket_server.h"
#include "queue/durable_queue.h"
#include "queue/retry_policy.h"
#include "storage/jsonl_sink.h"
#include "storage/sqlite_sink.h"

namespace orauditd {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitConfig = 78;

Status MakeParentDir(const std::string& path) {
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (parent.empty()) return Status::Ok();
  std::error_code ec;
  std::filesystem::create_directories(parent, ec);
  if (ec) return Status::IoError("create directory " + parent.string() + ": " + ec.message());
  return Status::Ok();
}

StatusOr<std::string> ReadHashSecret(const std::string& path) {
  if (path.empty()) return std::string();
  std::ifstream in(path);
  if (!in) return Status::NotFound("privacy.hash_secret_file: cannot read " + path);
  std::stringstream text;
  text << in.rdbuf();
  std::string secret = text.str();
  while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
  if (secret.empty()) return Status::InvalidArgument("privacy.hash_secret_file: " + path +
                                                     " is empty");
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

// Everything that lives on the loop, so that shutdown can reach it.
struct Runtime {
  uv_loop_t loop;
  uv_signal_t sigterm;
  uv_signal_t sigint;
  uv_signal_t sighup;
  std::string config_path;
  Config config;
  KeyStore keys;
  std::unique_ptr<HttpClient> http;
  std::unique_ptr<Pipeline> pipeline;
  std::unique_ptr<CommitBatcher> batcher;
  std::unique_ptr<SocketServer> socket;
  bool shutting_down = false;
};

void LoadKeys(Runtime* rt) {
  std::vector<std::string> problems;
  rt->keys.Load(rt->config.keys, &problems);
  for (const std::string& problem : problems) {
    spdlog::error("{}; lookups with it are parked until a reload (SIGHUP)", problem);
  }
  spdlog::info("keys: {} of {} loaded", rt->keys.size(), rt->config.keys.size());
}

void CloseSignals(Runtime* rt) {
  uv_close(reinterpret_cast<uv_handle_t*>(&rt->sigterm), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&rt->sigint), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&rt->sighup), nullptr);
}

void BeginShutdown(Runtime* rt, int signum) {
  if (rt->shutting_down) return;
  rt->shutting_down = true;
  spdlog::info("shutdown: {} received; draining", strsignal(signum));
  rt->socket->Close([rt] {
    rt->batcher->Close([rt] {
      rt->pipeline->Stop([rt] {
        rt->http->Close([rt] { CloseSignals(rt); });
      });
    });
  });
}

void Reload(Runtime* rt) {
  if (rt->config_path.empty()) {
    LoadKeys(rt);
    rt->pipeline->KeysReloaded();
    return;
  }
  auto fresh = LoadConfigFile(rt->config_path);
  if (!fresh.ok()) {
    spdlog::error("reload refused, the running config stays in force: {}",
                  fresh.status().message());
    return;
  }
  rt->config.keys = fresh->keys;
  rt->config.log_level = fresh->log_level;
  spdlog::set_level(spdlog::level::from_str(fresh->log_level));
  spdlog::info("reload: config {} read again (keys, log level)", rt->config_path);
  LoadKeys(rt);
  rt->pipeline->KeysReloaded();
}

void OnSignal(uv_signal_t* handle, int signum) {
  auto* rt = static_cast<Runtime*>(handle->data);
  if (signum == SIGHUP) {
    Reload(rt);
  } else {
    BeginShutdown(rt, signum);
  }
}

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
    sinks.push_back(std::move(*jsonl));
  }
  return sinks;
}

}  // namespace

void SetUpLogging(const std::string& level) {
  auto logger = spdlog::stderr_logger_mt("orauditd");
  logger->set_pattern("%Y-%m-%d %H:%M:%S.%e %l %v");
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(level));
  spdlog::flush_on(spdlog::level::info);
}

int RunDaemon(const Config& config, const std::string& config_path) {
  Runtime rt;
  rt.config = config;
  rt.config_path = config_path;
  spdlog::info("orauditd {} starting", ORAUDITD_VERSION);

  std::error_code ec;
  std::filesystem::create_directories(config.data_dir, ec);
  if (ec) {
    spdlog::critical("data_dir {}: cannot create: {}", config.data_dir, ec.message());
    return kExitConfig;
  }

  auto sinks = OpenSinks(config);
  if (!sinks.ok()) {
    spdlog::critical("{}", sinks.status().message());
    return kExitFailure;
  }
  auto queue = DurableQueue::Open(config.data_dir + "/queue");
  if (!queue.ok()) {
    spdlog::critical("{}", queue.status().message());
    return kExitFailure;
  }
  auto secret = ReadHashSecret(config.hash_secret_file);
  if (!secret.ok()) {
    spdlog::critical("{}", secret.status().message());
    return kExitConfig;
  }
  PromptHasher hasher(*secret);
  spdlog::info("queue: {} open, about {} records pending, {} rows so far",
               config.data_dir + "/queue", (*queue)->ApproximatePending(),
               (*queue)->last_seq());
  LoadKeys(&rt);

  uv_loop_init(&rt.loop);
  HttpClientOptions http_options;
  http_options.max_in_flight = static_cast<size_t>(config.concurrency);
  http_options.ca_path = config.ca_path;
  http_options.on_error = [](const Status& error) {
    spdlog::error("fetcher: {}", error.ToString());
  };
  rt.http = std::make_unique<HttpClient>(&rt.loop, http_options);

  RetryPolicy policy(RetryConfigFrom(config), static_cast<uint64_t>(uv_hrtime()));
  std::vector<Sink*> sink_ptrs;
  for (auto& sink : *sinks) sink_ptrs.push_back(sink.get());
  PipelineOptions pipeline_options;
  pipeline_options.base_url = config.base_url;
  pipeline_options.request_timeout_ms = config.request_timeout_ms;
  pipeline_options.concurrency = static_cast<size_t>(config.concurrency);
  pipeline_options.rate_per_second = config.rate_per_second;
  rt.pipeline = std::make_unique<Pipeline>(&rt.loop, SystemClock::Default(), queue->get(),
                                           rt.http.get(), &rt.keys, &policy, sink_ptrs,
                                           pipeline_options);
  Status started = rt.pipeline->Start();
  if (!started.ok()) {
    spdlog::critical("{}", started.message());
    return kExitFailure;
  }

  CommitBatcherOptions batcher_options{config.data_dir, config.min_free_bytes};
  rt.batcher = std::make_unique<CommitBatcher>(&rt.loop, SystemClock::Default(), queue->get(),
                                               &policy, batcher_options,
                                               [&rt] { rt.pipeline->Wake(); });
  rt.batcher->Start();

  SocketServerOptions socket_options;
  socket_options.path = config.socket_path;
  socket_options.mode = config.socket_mode;
  socket_options.limits.max_line_bytes = config.max_line_bytes;
  rt.socket = std::make_unique<SocketServer>(&rt.loop, SystemClock::Default(), rt.batcher.get(),
                                             &hasher, socket_options);
  Status listening = rt.socket->Listen();
  if (!listening.ok()) {
    spdlog::critical("{}", listening.message());
    rt.shutting_down = true;
    rt.socket->Close([&rt] {
      rt.batcher->Close([&rt] { rt.pipeline->Stop([&rt] { rt.http->Close([] {}); }); });
    });
    uv_run(&rt.loop, UV_RUN_DEFAULT);
    uv_loop_close(&rt.loop);
    return kExitFailure;
  }

  for (auto* handle : {&rt.sigterm, &rt.sigint, &rt.sighup}) {
    uv_signal_init(&rt.loop, handle);
    handle->data = &rt;
  }
  uv_signal_start(&rt.sigterm, OnSignal, SIGTERM);
  uv_signal_start(&rt.sigint, OnSignal, SIGINT);
  uv_signal_start(&rt.sighup, OnSignal, SIGHUP);
  spdlog::info("ready: {} sinks, base_url {}, window {} ms", sink_ptrs.size(), config.base_url,
               config.window_ms);

  uv_run(&rt.loop, UV_RUN_DEFAULT);
  int closed = uv_loop_close(&rt.loop);
  if (closed != 0) spdlog::warn("shutdown: event loop still had open handles");
  spdlog::info("shutdown complete: {} rows written in total", (*queue)->last_seq());
  return kExitOk;
}

}  // namespace orauditd
