// intake_bench: records per second acknowledged durably over the intake
// socket of the real daemon, the acknowledgement latency at a fixed offered
// rate, and, in the same run, this machine's ceiling for the same work
// (synced RocksDB batches with no socket and no parsing).
//
//   intake_bench [--records N] [--runs R] [--rate R] [--paced-records N]
//                [--no-paced] [--clients 1,8,64|none] [--ceiling-batch N]
//                [--ceiling-seconds S] [--dir FOLDER]
//
// Defaults: 200000 records per closed-loop case with 1, 8 and 64 clients, 3
// runs of every case, 20000 records/s offered over 8 clients for 100000
// records, the ceiling at the batch size the 8-client runs ended up with
// (plus 1, 64 and 1024), each ceiling run stopped after 4 s, FOLDER $TMPDIR
// or /tmp (the queue's disk: keep it the disk the daemon would use).
//
// Every daemon run starts from an empty queue with fetch.first_delay at one
// day, so no lookup runs during the measurement. Prints a table and asserts
// nothing about speed; exits 1 only if a run fails (a refused record, a
// daemon that does not start).
#include <fcntl.h>
#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/write_batch.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_figures.h"
#include "bench/bench_records.h"
#include "bench/live_daemon.h"
#include "bench/pipelined_client.h"
#include "tests/support/temp_dir.h"
#include "common/clock.h"
#include "intake/record_parser.h"
#include "queue/durable_queue.h"
#include "queue/retry_policy.h"

namespace orauditd::bench {
namespace {

using SteadyClock = std::chrono::steady_clock;

struct Options {
  int64_t records = 200000;
  int runs = 3;
  double rate = 20000;
  int64_t paced_records = 100000;
  int paced_clients = 8;
  bool paced = true;           // --no-paced skips the fixed-rate case
  size_t ceiling_batch = 0;    // 0: the batch size the 8-client runs ended up with
  double ceiling_seconds = 4;  // each ceiling run stops at N records or this long
  std::string dir;
  std::vector<int> clients = {1, 8, 64};
};

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "intake_bench: %s\n", what.c_str());
  std::exit(1);
}

double Seconds(SteadyClock::duration d) { return std::chrono::duration<double>(d).count(); }

// One measured run of the daemon.
struct SocketRun {
  double seconds = 0;
  uint64_t acknowledged = 0;
  double records_per_commit = 0;
  double daemon_cpu_us_per_record = 0;
  std::vector<double> latency_ms;
  std::string load;  // load average when the run ended
};

constexpr char kNoLookups[] =
    "  first_delay: 1d\n"
    "  window: 2d\n";

SocketRun RunSocket(const Options& options, int clients, int64_t records, double rate,
                    const std::string& tag) {
  testing::TempDir dir(options.dir);
  LiveDaemon daemon(dir.path());
  // Nothing listens there and nothing is asked: first_delay is a day.
  Status started = daemon.Start("http://127.0.0.1:9/api/v1", kNoLookups);
  if (!started.ok()) Fail(started.ToString());

  std::vector<LineBlock> blocks(static_cast<size_t>(clients));
  for (int64_t i = 0; i < records; ++i) {
    blocks[static_cast<size_t>(i % clients)].Add(RecordLine(tag, i, true));
  }
  std::vector<ClientResult> results(blocks.size());
  SteadyClock::time_point start = SteadyClock::now() + std::chrono::milliseconds(100);
  double cpu_before = ProcessCpuSeconds(daemon.pid());
  std::vector<std::thread> threads;
  for (size_t c = 0; c < blocks.size(); ++c) {
    threads.emplace_back([&, c] {
      ClientPlan plan;
      plan.lines = &blocks[c];
      plan.start = start;
      if (rate > 0) {
        plan.rate = rate / clients;
        plan.window = 4096;  // pacing, not the window, sets the pace
      }
      std::this_thread::sleep_until(start);
      results[c] = RunClient(daemon.socket_path(), plan);
    });
  }
  for (auto& thread : threads) thread.join();
  double cpu_after = ProcessCpuSeconds(daemon.pid());

  SocketRun run;
  SteadyClock::time_point end = start;
  for (ClientResult& result : results) {
    if (!result.status.ok()) Fail("client: " + result.status.ToString());
    if (result.refused > 0) Fail("a record was refused: " + result.first_refusal);
    run.acknowledged += result.ok;
    end = std::max(end, result.finished);
    run.latency_ms.insert(run.latency_ms.end(), result.latency_ms.begin(), result.latency_ms.end());
  }
  run.seconds = Seconds(end - start);
  run.load = LoadAverage();
  auto commits = daemon.Metric("orauditd_intake_commits_total");
  auto accepted = daemon.Metric("orauditd_records_received_total",
                                {{"source", "socket"}, {"outcome", "accepted"}});
  if (!commits.ok()) Fail("metrics: " + commits.status().ToString());
  if (!accepted.ok()) Fail("metrics: " + accepted.status().ToString());
  if (static_cast<int64_t>(*accepted) != records) {
    Fail("the daemon counted " + std::to_string(*accepted) + " accepted records, not " +
         std::to_string(records));
  }
  run.records_per_commit = *commits > 0 ? *accepted / *commits : 0;
  run.daemon_cpu_us_per_record = (cpu_after - cpu_before) * 1e6 / static_cast<double>(records);
  Status stopped = daemon.Stop();
  if (!stopped.ok()) Fail(stopped.ToString());
  return run;
}

// The records as the intake writer thread gets them: parsed, with ids,
// source, peer credentials and a due time, ready for DurableQueue::Enqueue.
std::vector<QueuedRecord> ParsedRecords(int64_t count, const std::string& tag) {
  RetryConfig config;
  config.first_delay_ms = 24 * 3600 * 1000;
  RetryPolicy policy(config, 1);
  int64_t now = SystemClock::Default()->NowMs();
  ParseContext ctx;
  ctx.now_ms = now;
  std::vector<QueuedRecord> out;
  out.reserve(static_cast<size_t>(count));
  for (int64_t i = 0; i < count; ++i) {
    auto parsed = ParseRecordLine(RecordLine(tag, i, true), ctx);
    if (!parsed.ok()) Fail("parse: " + parsed.status().ToString());
    QueuedRecord q;
    q.record = std::move(parsed->record);
    q.record.dedup_key = q.record.request_id;
    q.record.received_ms = now;
    q.record.source = "socket";
    q.record.peer_uid = 1000;
    q.record.peer_pid = 4242;
    q.due_ms = policy.FirstDue(q, now);
    out.push_back(std::move(q));
  }
  return out;
}

struct CeilingRun {
  int64_t records = 0;
  double seconds = 0;
  double cpu = 0;  // this process's CPU seconds, RocksDB's threads included
  std::string load;
  double rate() const { return static_cast<double>(records) / seconds; }
};

// DurableQueue::Enqueue, `batch` records per synced write, on an empty queue.
CeilingRun EnqueueCeiling(const Options& options, const std::vector<QueuedRecord>& records,
                          size_t batch) {
  testing::TempDir dir(options.dir);
  auto queue = DurableQueue::Open(dir.File("queue"));
  if (!queue.ok()) Fail(queue.status().ToString());
  CeilingRun run;
  double cpu_start = CpuNow();
  SteadyClock::time_point start = SteadyClock::now();
  auto limit = start + std::chrono::duration<double>(options.ceiling_seconds);
  for (size_t at = 0; at < records.size() && SteadyClock::now() < limit; at += batch) {
    // The copy stands in for the move out of the batcher; it is timed, as
    // the daemon's building of the batch is.
    std::vector<QueuedRecord> chunk(
        records.begin() + static_cast<ptrdiff_t>(at),
        records.begin() + static_cast<ptrdiff_t>(std::min(records.size(), at + batch)));
    size_t n = chunk.size();
    std::vector<EnqueueResult> results = (*queue)->Enqueue(std::move(chunk));
    for (const EnqueueResult& result : results) {
      if (!result.status.ok() || result.duplicate) Fail("enqueue: " + result.status.ToString());
    }
    run.records += static_cast<int64_t>(n);
  }
  run.seconds = Seconds(SteadyClock::now() - start);
  run.cpu = CpuNow() - cpu_start;
  run.load = LoadAverage();
  return run;
}

// Plain RocksDB, default options: `batch` Puts of (request_id, line) per
// synced WriteBatch.
CeilingRun RocksCeiling(const Options& options, int64_t count, size_t batch,
                        const std::string& tag) {
  std::vector<std::pair<std::string, std::string>> kv;
  kv.reserve(static_cast<size_t>(count));
  for (int64_t i = 0; i < count; ++i) {
    kv.emplace_back(tag + "-" + std::to_string(i), RecordLine(tag, i, true));
  }
  testing::TempDir dir(options.dir);
  rocksdb::Options db_options;
  db_options.create_if_missing = true;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(db_options, dir.File("rocks"), &raw);
  if (!s.ok()) Fail("rocksdb open: " + s.ToString());
  std::unique_ptr<rocksdb::DB> db(raw);
  rocksdb::WriteOptions write;
  write.sync = true;
  CeilingRun run;
  double cpu_start = CpuNow();
  SteadyClock::time_point start = SteadyClock::now();
  auto limit = start + std::chrono::duration<double>(options.ceiling_seconds);
  for (size_t at = 0; at < kv.size() && SteadyClock::now() < limit; at += batch) {
    rocksdb::WriteBatch wb;
    size_t end = std::min(kv.size(), at + batch);
    for (size_t i = at; i < end; ++i) wb.Put(kv[i].first, kv[i].second);
    s = db->Write(write, &wb);
    if (!s.ok()) Fail("rocksdb write: " + s.ToString());
    run.records += static_cast<int64_t>(end - at);
  }
  run.seconds = Seconds(SteadyClock::now() - start);
  run.cpu = CpuNow() - cpu_start;
  run.load = LoadAverage();
  s = db->Close();
  return run;
}

// 4 KiB appended and fdatasync'ed, over and over for about two seconds,
// in a file beside where the queues live: each sync's time in ms.
std::vector<double> SyncLatency(const Options& options) {
  testing::TempDir dir(options.dir);
  std::string path = dir.File("sync-probe");
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) Fail("open " + path + ": " + std::strerror(errno));
  std::string block(4096, 'x');
  std::vector<double> ms;
  auto limit = SteadyClock::now() + std::chrono::seconds(2);
  while (SteadyClock::now() < limit && ms.size() < 5000) {
    if (write(fd, block.data(), block.size()) != static_cast<ssize_t>(block.size())) {
      Fail("write " + path + ": " + std::strerror(errno));
    }
    SteadyClock::time_point start = SteadyClock::now();
    if (fdatasync(fd) != 0) Fail("fdatasync " + path + ": " + std::strerror(errno));
    ms.push_back(std::chrono::duration<double, std::milli>(SteadyClock::now() - start).count());
  }
  close(fd);
  return ms;
}

// Median and spread of a figure over runs.
void PrintRow(const std::string& what, const std::string& rate, const std::string& per_commit,
              const std::string& cpu, const std::string& p50, const std::string& p99,
              const std::string& p999, const std::string& load) {
  std::printf("%-42s %-24s %9s %8s %8s %8s %8s  %s\n", what.c_str(), rate.c_str(),
              per_commit.c_str(), cpu.c_str(), p50.c_str(), p99.c_str(), p999.c_str(),
              load.c_str());
}

Options ParseArgs(int argc, char** argv) {
  Options options;
  const char* tmp = std::getenv("TMPDIR");
  options.dir = tmp != nullptr && *tmp != '\0' ? tmp : "/tmp";
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) Fail("missing value after " + arg);
      return argv[++i];
    };
    if (arg == "--records") {
      options.records = std::atoll(value().c_str());
    } else if (arg == "--runs") {
      options.runs = std::atoi(value().c_str());
    } else if (arg == "--rate") {
      options.rate = std::atof(value().c_str());
    } else if (arg == "--paced-records") {
      options.paced_records = std::atoll(value().c_str());
    } else if (arg == "--dir") {
      options.dir = value();
    } else if (arg == "--clients") {
      options.clients.clear();
      std::string list = value();
      if (list == "none") list.clear();
      for (size_t at = 0; at < list.size();) {
        size_t comma = list.find(',', at);
        if (comma == std::string::npos) comma = list.size();
        options.clients.push_back(std::atoi(list.substr(at, comma - at).c_str()));
        at = comma + 1;
      }
    } else if (arg == "--no-paced") {
      options.paced = false;
    } else if (arg == "--ceiling-batch") {
      options.ceiling_batch = static_cast<size_t>(std::atoll(value().c_str()));
    } else if (arg == "--ceiling-seconds") {
      options.ceiling_seconds = std::atof(value().c_str());
    } else {
      std::fprintf(stderr,
                   "usage: intake_bench [--records N] [--runs R] [--rate R] "
                   "[--paced-records N] [--no-paced] [--clients 1,8,64|none] "
                   "[--ceiling-batch N] [--ceiling-seconds S] [--dir FOLDER]\n");
      std::exit(2);
    }
  }
  if (options.records <= 0 || options.runs <= 0 || options.rate <= 0 ||
      options.paced_records <= 0 || options.ceiling_seconds <= 0) {
    Fail("--records, --runs, --rate, --paced-records and --ceiling-seconds must be above 0");
  }
  for (int clients : options.clients) {
    if (clients <= 0) Fail("--clients: a list of counts above 0, like 1,8,64");
  }
  return options;
}

}  // namespace
}  // namespace orauditd::bench

int main(int argc, char** argv) {
  using namespace orauditd::bench;  // NOLINT: a small program
  using orauditd::QueuedRecord;
  Options options = ParseArgs(argc, argv);
  std::printf(
      "intake_bench: %lld records per closed-loop case, %d runs each, queue under %s, "
      "%u cores, load at start %s\n",
      static_cast<long long>(options.records), options.runs, options.dir.c_str(),
      std::thread::hardware_concurrency(), LoadAverage().c_str());
  std::printf(
      "figures: median (min-max) over the runs; latency in ms over all runs; load = "
      "load average at the end of the last run\n\n");
  PrintRow("case", "records/s", "rec/fsync", "cpu us/r", "p50 ms", "p99 ms", "p999 ms",
           "load 1/5/15");

  // Closed loop: every client keeps up to 1024 records unanswered.
  double eight_client_rate = 0;
  double eight_client_batch = 0;
  for (int clients : options.clients) {
    std::vector<double> rates, batches, cpu, latency;
    std::string load;
    for (int r = 0; r < options.runs; ++r) {
      SocketRun run = RunSocket(options, clients, options.records, 0,
                                "c" + std::to_string(clients) + "r" + std::to_string(r));
      rates.push_back(static_cast<double>(run.acknowledged) / run.seconds);
      batches.push_back(run.records_per_commit);
      cpu.push_back(run.daemon_cpu_us_per_record);
      latency.insert(latency.end(), run.latency_ms.begin(), run.latency_ms.end());
      load = run.load;
    }
    Spread rate = SpreadOf(rates);
    Spread batch = SpreadOf(batches);
    if (clients == 8) {
      eight_client_rate = rate.median;
      eight_client_batch = batch.median;
    }
    PrintRow("socket, " + std::to_string(clients) + " client" + (clients > 1 ? "s" : "") +
                 ", window 1024",
             SpreadText(rate), Fmt("%.0f", batch.median), Fmt("%.1f", SpreadOf(cpu).median),
             Fmt("%.2f", Percentile(&latency, 0.50)), Fmt("%.2f", Percentile(&latency, 0.99)),
             Fmt("%.2f", Percentile(&latency, 0.999)), load);
  }

  // Open loop: a fixed offered rate, paced; latency from each record's due
  // time, so a stall counts against every record it delayed.
  if (options.paced) {
    std::vector<double> rates, batches, cpu, latency;
    std::string load;
    for (int r = 0; r < options.runs; ++r) {
      SocketRun run = RunSocket(options, options.paced_clients, options.paced_records, options.rate,
                                "p" + std::to_string(r));
      rates.push_back(static_cast<double>(run.acknowledged) / run.seconds);
      batches.push_back(run.records_per_commit);
      cpu.push_back(run.daemon_cpu_us_per_record);
      latency.insert(latency.end(), run.latency_ms.begin(), run.latency_ms.end());
      load = run.load;
    }
    std::vector<double> sorted = latency;
    double p50 = Percentile(&sorted, 0.50), p99 = Percentile(&sorted, 0.99),
           p999 = Percentile(&sorted, 0.999);
    PrintRow("socket, " + std::to_string(options.paced_clients) + " clients, paced " +
                 Fmt("%.0f", options.rate) + "/s",
             SpreadText(SpreadOf(rates)), Fmt("%.0f", SpreadOf(batches).median),
             Fmt("%.1f", SpreadOf(cpu).median), Fmt("%.2f", p50), Fmt("%.2f", p99),
             Fmt("%.2f", p999), load);
    std::printf("%-42s max %.2f ms over %zu acknowledgements\n", "", sorted.back(), sorted.size());
  }

  // The ceiling: the same records, parsed beforehand, straight into RocksDB.
  std::printf("\n");
  std::vector<QueuedRecord> parsed = ParsedRecords(options.records, "q");
  size_t daemon_batch = options.ceiling_batch > 0
                            ? options.ceiling_batch
                            : static_cast<size_t>(std::max(1.0, eight_client_batch + 0.5));
  // With --ceiling-batch, only that size (a quick A/B of a queue change).
  std::vector<size_t> batches = {daemon_batch};
  if (options.ceiling_batch == 0) batches = {daemon_batch, 1, 64, 1024};
  std::sort(batches.begin(), batches.end());
  batches.erase(std::unique(batches.begin(), batches.end()), batches.end());
  double enqueue_at_daemon_batch = 0, rocks_at_daemon_batch = 0;
  for (size_t batch : batches) {
    std::vector<double> enqueue_rates, rocks_rates, enqueue_cpu, rocks_cpu;
    std::string load;
    for (int r = 0; r < options.runs; ++r) {
      CeilingRun e = EnqueueCeiling(options, parsed, batch);
      enqueue_rates.push_back(e.rate());
      enqueue_cpu.push_back(e.cpu * 1e6 / static_cast<double>(e.records));
      CeilingRun k = RocksCeiling(options, options.records, batch, "k" + std::to_string(r));
      rocks_rates.push_back(k.rate());
      rocks_cpu.push_back(k.cpu * 1e6 / static_cast<double>(k.records));
      load = k.load;
    }
    Spread e = SpreadOf(enqueue_rates), k = SpreadOf(rocks_rates);
    std::string mark = batch == daemon_batch ? " (as 8 cl.)" : "";
    PrintRow("ceiling: Enqueue, " + std::to_string(batch) + "/batch" + mark, SpreadText(e),
             std::to_string(batch), Fmt("%.1f", SpreadOf(enqueue_cpu).median), "", "", "", load);
    PrintRow("ceiling: plain RocksDB, " + std::to_string(batch) + "/batch" + mark, SpreadText(k),
             std::to_string(batch), Fmt("%.1f", SpreadOf(rocks_cpu).median), "", "", "", load);
    if (batch == daemon_batch) {
      enqueue_at_daemon_batch = e.median;
      rocks_at_daemon_batch = k.median;
    }
  }

  // The disk's own latency: no acknowledgement can come sooner than one
  // synced write.
  {
    std::vector<double> sync_ms = SyncLatency(options);
    double total = 0;
    for (double ms : sync_ms) total += ms;
    PrintRow("disk: 4 KiB append + fdatasync", Fmt("%.0f", 1000.0 * sync_ms.size() / total), "1",
             "", Fmt("%.2f", Percentile(&sync_ms, 0.50)), Fmt("%.2f", Percentile(&sync_ms, 0.99)),
             Fmt("%.2f", Percentile(&sync_ms, 0.999)), LoadAverage());
  }

  if (eight_client_rate > 0) {  // only when --clients had 8
    std::printf(
        "\n8 clients vs the ceiling at the same batch size (%zu records/fsync): "
        "%.0f%% of DurableQueue::Enqueue, %.0f%% of plain RocksDB (goal: >= 60%%)\n",
        daemon_batch, 100.0 * eight_client_rate / enqueue_at_daemon_batch,
        100.0 * eight_client_rate / rocks_at_daemon_batch);
  }
  std::printf("load at end: %s\n", LoadAverage().c_str());
  return 0;
}
