#include "daemon/daemon.h"

#include <sys/resource.h>

#include <csignal>
#include <filesystem>
#include <memory>

#include <spdlog/spdlog.h>
#include <uv.h>

#include "common/clock.h"
#include "common/prompt_hash.h"
#include "daemon/key_store.h"
#include "daemon/operations.h"
#include "daemon/pipeline.h"
#include "daemon/socket_activation.h"
#include "daemon/stage_setup.h"
#include "fetcher/http_client.h"
#include "intake/commit_batcher.h"
#include "intake/socket_server.h"
#include "intake/spool_watcher.h"
#include "queue/durable_queue.h"
#include "queue/retry_policy.h"

namespace orauditd {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitConfig = 78;

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
  std::unique_ptr<SpoolWatcher> spool;
  std::unique_ptr<Operations> ops;
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
  rt->ops->Close([] {});
  rt->spool->Close([rt] {
    rt->socket->Close([rt] {
      rt->batcher->Close([rt] {
        rt->pipeline->Stop([rt] {
          rt->http->Close([rt] { CloseSignals(rt); });
        });
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
  spdlog::info("reload: config {} read again (keys, log level, openrouter.base_url)",
               rt->config_path);
  if (fresh->base_url != rt->config.base_url) {
    // An HTML 404 parks every lookup and asks for this very fix.
    spdlog::info("reload: openrouter.base_url is now {}", fresh->base_url);
    rt->config.base_url = fresh->base_url;
    rt->pipeline->SetBaseUrl(fresh->base_url);
  }
  // What is left different from the running config is what waits for a restart.
  std::vector<std::string> waiting = ChangedSettings(rt->config, *fresh);
  if (!waiting.empty()) {
    std::string names;
    for (const std::string& name : waiting) names += (names.empty() ? "" : ", ") + name;
    spdlog::warn("reload: changed settings that take a restart, still as before: {}", names);
  }
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

MetricSources MetricSourcesOf(Runtime* rt, DurableQueue* queue, const std::vector<Sink*>& sinks) {
  MetricSources sources;
  sources.clock = SystemClock::Default();
  sources.queue = queue;
  sources.pipeline = rt->pipeline.get();
  sources.socket = rt->socket.get();
  sources.spool = rt->spool.get();
  sources.batcher = rt->batcher.get();
  for (const Sink* sink : sinks) sources.sink_names.push_back(sink->name());
  sources.key_names = [rt] {
    std::vector<std::string> names;
    for (const auto& entry : rt->config.keys) names.push_back(entry.first);
    return names;
  };
  return sources;
}

}  // namespace

namespace {

// Thousands of clients each hold a socket; the soft limit (often 1024 under
// systemd) would refuse connections long before the hard limit does.
void RaiseOpenFileLimit() {
  struct rlimit limit;
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= limit.rlim_max) return;
  rlim_t before = limit.rlim_cur;
  limit.rlim_cur = limit.rlim_max;
  if (setrlimit(RLIMIT_NOFILE, &limit) == 0) {
    spdlog::info("open file limit raised from {} to {}", before, limit.rlim_max);
  }
}

}  // namespace

int RunDaemon(const Config& config, const std::string& config_path) {
  Runtime rt;
  rt.config = config;
  rt.config_path = config_path;
  spdlog::info("orauditd {} starting", ORAUDITD_VERSION);
  RaiseOpenFileLimit();

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
  rt.ops = std::make_unique<Operations>(&rt.loop, SystemClock::Default(),
                                        SystemdNotifier::FromEnvironment(),
                                        OperationsOptions{config.metrics_listen});
  PipelineOptions pipeline_options = PipelineOptionsFrom(config);
  pipeline_options.on_lookup_seconds = rt.ops->LookupObserver();
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
  SpoolWatcherOptions spool_options;
  spool_options.dir = config.spool_dir;
  spool_options.scan_interval_ms = config.spool_scan_interval_ms;
  spool_options.keep_done = config.spool_keep_done;
  spool_options.limits.max_line_bytes = config.max_line_bytes;
  rt.spool = std::make_unique<SpoolWatcher>(&rt.loop, SystemClock::Default(), rt.batcher.get(),
                                            &hasher, spool_options);
  // The spool starts once the socket listens, so that a daemon that cannot
  // take socket clients does not start moving spool files either.
  // Signals are watched before the socket exists: a SIGTERM that comes as
  // soon as the socket appears must drain, not kill.
  for (auto* handle : {&rt.sigterm, &rt.sigint, &rt.sighup}) {
    uv_signal_init(&rt.loop, handle);
    handle->data = &rt;
  }
  uv_signal_start(&rt.sigterm, OnSignal, SIGTERM);
  uv_signal_start(&rt.sigint, OnSignal, SIGINT);
  uv_signal_start(&rt.sighup, OnSignal, SIGHUP);
  auto activated = TakeActivatedSocket();
  Status listening = !activated.ok()     ? activated.status()
                     : *activated >= 0 ? rt.socket->ListenOnFd(*activated)
                                       : rt.socket->Listen();
  if (listening.ok()) listening = rt.spool->Start();
  if (listening.ok()) listening = rt.ops->Start(MetricSourcesOf(&rt, queue->get(), sink_ptrs));
  if (!listening.ok()) {
    spdlog::critical("{}", listening.message());
    rt.shutting_down = true;
    rt.ops->Close([] {});
    rt.spool->Close([&rt] {
      rt.socket->Close([&rt] {
        rt.batcher->Close([&rt] {
          rt.pipeline->Stop([&rt] { rt.http->Close([&rt] { CloseSignals(&rt); }); });
        });
      });
    });
    uv_run(&rt.loop, UV_RUN_DEFAULT);
    uv_loop_close(&rt.loop);
    return kExitFailure;
  }

  rt.ops->Ready();
  spdlog::info("ready: {} sinks, base_url {}, window {} ms", sink_ptrs.size(), config.base_url,
               config.window_ms);

  uv_run(&rt.loop, UV_RUN_DEFAULT);
  int closed = uv_loop_close(&rt.loop);
  if (closed != 0) spdlog::warn("shutdown: event loop still had open handles");
  PendingStats::Snapshot pending = (*queue)->Pending();
  spdlog::info("shutdown complete: {} rows written in total; {}{} records wait in the queue "
               "for the next start",
               (*queue)->last_seq(), pending.counting ? "at least " : "", pending.records);
  return kExitOk;
}

}  // namespace orauditd
