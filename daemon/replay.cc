#include "daemon/replay.h"

#include <spdlog/spdlog.h>
#include <unistd.h>
#include <uv.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>

#include "common/clock.h"
#include "common/prompt_hash.h"
#include "common/spool_files.h"
#include "daemon/key_store.h"
#include "daemon/pipeline.h"
#include "daemon/replay_logging.h"
#include "daemon/replay_progress.h"
#include "daemon/replay_run.h"
#include "daemon/stage_setup.h"
#include "fetcher/http_client.h"
#include "intake/commit_batcher.h"
#include "queue/durable_queue.h"
#include "queue/retry_policy.h"

namespace orauditd {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;
constexpr int kExitConfig = 78;
constexpr int64_t kPlainProgressMs = 5000;

// Loads the secrets; a missing one parks its records, as in the daemon.
void LoadKeys(const Config& config, KeyStore* keys) {
  std::vector<std::string> problems;
  keys->Load(config.keys, &problems);
  for (const std::string& problem : problems) {
    spdlog::error("{}; lookups with it wait until the end of the window", problem);
  }
}

bool IsLockError(const Status& status) {
  const std::string& text = status.message();
  return text.find("lock") != std::string::npos || text.find("LOCK") != std::string::npos;
}

void PrintSummary(const ReplayOutcome& outcome, const PipelineCounters& counters,
                  size_t file_count) {
  const FileCounts& c = outcome.counts;
  uint64_t rows = 0;
  for (const auto& [status, n] : counters.rows_by_meta_status) rows += n;
  std::printf("replay: %zu of %zu files read, %llu lines\n", outcome.files_read, file_count,
              static_cast<unsigned long long>(c.lines));
  std::printf("  accepted    %llu\n", static_cast<unsigned long long>(c.accepted));
  std::printf("  duplicates  %llu (already stored: no new row)\n",
              static_cast<unsigned long long>(c.duplicates));
  std::printf("  refused     %llu%s\n", static_cast<unsigned long long>(c.refused),
              c.refused > 0 ? " (listed on stderr as file:line: error)" : "");
  std::printf("rows written: %llu\n", static_cast<unsigned long long>(rows));
  for (const auto& [status, n] : counters.rows_by_meta_status) {
    std::printf("  %-15s %llu\n", status.c_str(), static_cast<unsigned long long>(n));
  }
  for (const std::string& problem : outcome.problems) std::printf("problem: %s\n", problem.c_str());
  if (outcome.interrupted) std::printf("interrupted: replay the same files again to finish\n");
  std::fflush(stdout);
}

}  // namespace

// Start-up as in RunDaemon, minus the socket, the spool watcher and the
// metrics: queue (failing fast when a daemon holds it), sinks, keys, loop,
// pipeline, batcher; then the loop runs until ReplayRun has closed it all.
int RunReplay(const Config& config, const std::vector<std::string>& paths) {
  auto files = ListSpoolFiles(paths);
  if (!files.ok()) {
    std::fprintf(stderr, "orauditd replay: %s\n", files.status().message().c_str());
    return kExitUsage;
  }
  if (files->empty()) {
    std::fprintf(stderr, "orauditd replay: no *.jsonl or *.ndjson files to read\n");
    return kExitOk;
  }
  std::map<std::string, std::string> names;
  for (const SpoolFile& file : *files) {
    auto [it, fresh] = names.try_emplace(file.name, file.path);
    if (!fresh) {
      std::fprintf(stderr,
                   "orauditd replay: warning: %s and %s have the same name; lines without "
                   "request_id or generation_id in the second count as duplicates of the "
                   "first's\n",
                   it->second.c_str(), file.path.c_str());
    }
  }

  ReplayProgress progress(stderr, isatty(STDERR_FILENO) == 1, kPlainProgressMs);
  // Declared after `progress`, so that it goes first: its logger writes through it.
  ReplayLogging logging(config, &progress);

  // As the daemon does: --check-config promises that a missing data_dir is made.
  std::error_code made;
  std::filesystem::create_directories(config.data_dir, made);
  if (made) {
    std::fprintf(stderr, "orauditd replay: data_dir %s: cannot create: %s\n",
                 config.data_dir.c_str(), made.message().c_str());
    return kExitFailure;
  }
  std::string queue_dir = config.data_dir + "/queue";
  auto queue = DurableQueue::Open(queue_dir);
  if (!queue.ok()) {
    if (IsLockError(queue.status())) {
      std::fprintf(stderr,
                   "orauditd replay: queue %s is in use by a running orauditd; use orauditctl "
                   "replay\n",
                   queue_dir.c_str());
    } else {
      std::fprintf(stderr, "orauditd replay: %s\n", queue.status().message().c_str());
    }
    return kExitFailure;
  }
  auto sinks = OpenSinks(config);
  if (!sinks.ok()) {
    std::fprintf(stderr, "orauditd replay: %s\n", sinks.status().message().c_str());
    return kExitFailure;
  }
  auto secret = ReadHashSecret(config.hash_secret_file);
  if (!secret.ok()) {
    std::fprintf(stderr, "orauditd replay: %s\n", secret.status().message().c_str());
    return kExitConfig;
  }
  PromptHasher hasher(*secret);
  KeyStore keys;
  LoadKeys(config, &keys);

  uv_loop_t loop;
  uv_loop_init(&loop);
  HttpClientOptions http_options;
  http_options.max_in_flight = static_cast<size_t>(config.concurrency);
  http_options.ca_path = config.ca_path;
  http_options.on_error = [](const Status& error) {
    spdlog::error("fetcher: {}", error.ToString());
  };
  HttpClient http(&loop, http_options);
  RetryPolicy policy(RetryConfigFrom(config), static_cast<uint64_t>(uv_hrtime()));
  std::vector<Sink*> sink_ptrs;
  for (auto& sink : *sinks) sink_ptrs.push_back(sink.get());
  Pipeline pipeline(&loop, SystemClock::Default(), queue->get(), &http, &keys, &policy, sink_ptrs,
                    PipelineOptionsFrom(config));
  Status started = pipeline.Start();
  if (!started.ok()) {
    std::fprintf(stderr, "orauditd replay: %s\n", started.message().c_str());
    http.Close([] {});
    uv_run(&loop, UV_RUN_DEFAULT);
    uv_loop_close(&loop);
    return kExitFailure;
  }
  CommitBatcher batcher(&loop, SystemClock::Default(), queue->get(), &policy,
                        {config.data_dir, config.min_free_bytes}, [&pipeline] { pipeline.Wake(); });
  batcher.Start();

  ReplayStages stages;
  stages.loop = &loop;
  stages.clock = SystemClock::Default();
  stages.queue = queue->get();
  stages.batcher = &batcher;
  stages.pipeline = &pipeline;
  stages.http = &http;
  stages.hasher = &hasher;
  stages.limits.max_line_bytes = config.max_line_bytes;
  size_t file_count = files->size();
  ReplayRun run(stages, std::move(*files), &progress);
  run.Start();
  uv_run(&loop, UV_RUN_DEFAULT);
  if (uv_loop_close(&loop) != 0) spdlog::warn("replay: event loop still had open handles");

  const ReplayOutcome& outcome = run.outcome();
  PrintSummary(outcome, pipeline.counters(), file_count);
  bool failed = outcome.counts.refused > 0 || !outcome.problems.empty() || outcome.interrupted;
  return failed ? kExitFailure : kExitOk;
}

}  // namespace orauditd
