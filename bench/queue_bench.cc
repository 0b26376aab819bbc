// queue_bench: the durable queue at scale. Prints figures, asserts nothing.
//
//   queue_bench [--pending N] [--ten-million] [--daemon-bin PATH] [--skip-daemon]
//               [--daemon-only] [--socket-records N] [--dir D]
//
// 1. The cost of picking the next due records (TakeDue of 32) with 10, N
//    (default 1 000 000) and, with --ten-million, 10 000 000 pending.
// 2. The same after all N have finished: does the schedule's front, full of
//    tombstones, slow the pick down, in the same run and after a reopen?
// 3. The real daemon (or --daemon-bin) over a queue of N pending records
//    that nothing resolves: resident memory, the time a start takes to
//    serve the socket (clean, and after kill -9), intake through the socket.
//
// Every phase is bounded in count; files live in a fresh folder under --dir
// (default /tmp), removed at the end.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bench/daemon_probe.h"
#include "bench/live_daemon.h"
#include "bench/queue_fill.h"
#include "queue/durable_queue.h"
#include "tools/intake_client.h"

namespace orauditd::bench {
namespace {

using Clock = std::chrono::steady_clock;

struct Args {
  uint64_t pending = 1'000'000;
  bool ten_million = false;
  bool skip_daemon = false;
  bool daemon_only = false;
  uint64_t socket_records = 100'000;
  std::string daemon_bin = ORAUDITD_BIN;
  std::string dir = "/tmp";
};

[[noreturn]] void Fail(const Status& status) {
  std::fprintf(stderr, "queue_bench: %s\n", status.ToString().c_str());
  std::exit(1);
}

template <typename T>
T Check(StatusOr<T> value) {
  if (!value.ok()) Fail(value.status());
  return std::move(*value);
}

void Check(const Status& status) {
  if (!status.ok()) Fail(status);
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

double Micros(const std::function<void()>& work) {
  auto start = Clock::now();
  work();
  return std::chrono::duration<double, std::micro>(Clock::now() - start).count();
}

struct Spread {
  double median = 0;
  double p99 = 0;
  double max = 0;
};

Spread SpreadOf(std::vector<double> samples) {
  std::sort(samples.begin(), samples.end());
  if (samples.empty()) return {};
  return {samples[samples.size() / 2], samples[samples.size() * 99 / 100], samples.back()};
}

std::unique_ptr<DurableQueue> OpenQueue(const std::string& dir) {
  return Check(DurableQueue::Open(dir));
}

// TakeDue(32) over and over, each pick starting past what the one before
// took, as the daemon's loop does while it holds those records.
Spread TimeTakeDue(DurableQueue* queue, int64_t now_ms, int calls) {
  std::vector<double> samples;
  for (int i = 0; i < calls; ++i) {
    samples.push_back(Micros([&] { Check(queue->TakeDue(now_ms, 32)); }));
  }
  return SpreadOf(samples);
}

// Part 1: one row of the table per queue size.
void PickCostRow(const std::string& root, uint64_t pending) {
  std::string dir = root + "/pick-" + std::to_string(pending);
  auto queue = OpenQueue(dir);
  int64_t now = NowMs();
  auto start = Clock::now();
  Check(FillQueue(queue.get(), 0, pending, now, now - 3'600'000));
  double fill = Seconds(start);
  // Let the flushes and compactions the fill started run down, so that the
  // figures are those of a queue at rest, not of its bulk load.
  if (pending >= 100'000) std::this_thread::sleep_for(std::chrono::seconds(pending / 500'000));
  Spread next = SpreadOf([&] {
    std::vector<double> samples;
    for (int i = 0; i < 200; ++i) samples.push_back(Micros([&] { (void)queue->NextDueMs(); }));
    return samples;
  }());
  Spread pick = TimeTakeDue(queue.get(), now, pending >= 32 * 300 ? 300 : 1);
  std::printf("| %11llu | %9.0f | %9.1f | %9.1f | %9.1f | %9.1f | %7.0f |\n",
              static_cast<unsigned long long>(pending), pending / fill, pick.median, pick.p99,
              pick.max, next.median, DiskBytes(dir) / 1048576.0);
  std::fflush(stdout);
  queue.reset();
  std::filesystem::remove_all(dir);
}

// Part 2: N records finished, then a few new ones; the pick in the same run
// and after a reopen.
void TombstoneRows(const std::string& root, uint64_t pending) {
  std::string dir = root + "/tombstones";
  auto queue = OpenQueue(dir);
  int64_t now = NowMs();
  Check(FillQueue(queue.get(), 0, pending, now, now - 3'600'000));
  auto start = Clock::now();
  double cpu_start = ProcessCpuSeconds(getpid());  // RocksDB's own threads included
  uint64_t rows = Check(DrainQueue(queue.get(), now));
  double drain = Seconds(start);
  double cpu_per_row = (ProcessCpuSeconds(getpid()) - cpu_start) * 1e6 / static_cast<double>(rows);
  std::printf(
      "\n%llu records finished in %.1f s (%.0f rows/s, %.1f us of CPU per row with RocksDB's "
      "own threads: take, finalize, trim)\n\n",
      static_cast<unsigned long long>(rows), drain, rows / drain, cpu_per_row);
  std::printf("| after %llu finished               | first pick (us) | median of 100 (us) |\n",
              static_cast<unsigned long long>(pending));
  std::printf("|------------------------------------|-----------------|--------------------|\n");

  // New records keep arriving; each pick takes what came in since.
  auto pick_new = [&](uint64_t n) {
    Check(FillQueue(queue.get(), pending + n * 10, 10, now, now));
    return Micros([&] { Check(queue->TakeDue(now, 32)); });
  };
  std::vector<double> samples;
  double first = pick_new(0);
  for (uint64_t i = 1; i <= 100; ++i) samples.push_back(pick_new(i));
  std::printf("| same run (the scan starts past them) | %15.1f | %18.1f |\n", first,
              SpreadOf(samples).median);

  queue.reset();
  queue = OpenQueue(dir);
  samples.clear();
  first = pick_new(101);
  for (uint64_t i = 102; i <= 201; ++i) samples.push_back(pick_new(i));
  std::printf("| after a reopen                       | %15.1f | %18.1f |\n", first,
              SpreadOf(samples).median);
  std::fflush(stdout);
  queue.reset();
  std::filesystem::remove_all(dir);
}

std::string WriteConfig(const std::string& dir) {
  std::string path = dir + "/orauditd.yaml";
  std::ofstream(path) << "data_dir: " << dir << "/data\n"
                      << "intake:\n"
                      << "  socket: { path: " << dir << "/intake.sock }\n"
                      << "  spool: { dir: " << dir << "/spool }\n"
                      << "  min_free: 0\n"
                      // Nothing answers: every lookup would wait an hour.
                      << "openrouter: { base_url: 'http://127.0.0.1:9/api/v1' }\n"
                      << "fetch: { first_delay: 1h, window: 2h }\n"
                      << "sinks:\n"
                      << "  sqlite: { path: " << dir << "/audit.db }\n"
                      << "metrics: { listen: null }\n"
                      << "log: { level: info }\n";
  return path;
}

// Sends `count` records through the socket; returns records per second.
double SubmitThroughSocket(const std::string& socket, uint64_t first, uint64_t count) {
  std::string text;
  for (uint64_t i = first; i < first + count; ++i) {
    text += R"({"request_id":"sock-)" + std::to_string(i) +
            R"(","generation_id":"gen-1796397038-sock)" + std::to_string(i) +
            R"(","model_requested":"openai/gpt-4o-mini","user_id":"u1","prompt_tokens":194})" +
            "\n";
  }
  std::istringstream in(text);
  auto start = Clock::now();
  auto totals =
      tools::SubmitLines(socket, in, [](const std::string&, const std::string&) { return true; });
  Check(totals.status());
  if (totals->ok != count) Fail(Status::Internal("socket intake refused records"));
  return count / Seconds(start);
}

std::string Mib(uint64_t kib) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", kib / 1024.0);
  return text;
}

// Part 3: the real daemon over N pending records.
void DaemonRows(const Args& args, const std::string& root) {
  std::string dir = root + "/daemon";
  std::filesystem::create_directories(dir + "/data");
  {
    auto queue = OpenQueue(dir + "/data/queue");
    int64_t now = NowMs();
    Check(FillQueue(queue.get(), 0, args.pending, now, now + 86'400'000));
  }
  std::string config = WriteConfig(dir);
  std::string socket = dir + "/intake.sock";
  std::string log = dir + "/daemon.log";
  testing::Subprocess daemon;
  std::printf("\ndaemon %s over %llu pending records (nothing resolves)\n\n",
              args.daemon_bin.c_str(), static_cast<unsigned long long>(args.pending));
  std::printf(
      "| step                                   | socket served after | VmRSS MiB | VmHWM MiB |\n");
  std::printf(
      "|----------------------------------------|---------------------|-----------|-----------|\n");
  auto row = [&](const char* step, double served) {
    std::this_thread::sleep_for(std::chrono::seconds(2));
    Memory memory = Check(ReadMemory(daemon.pid()));
    char when[32] = "";
    if (served >= 0) std::snprintf(when, sizeof when, "%.3f s", served);
    std::printf("| %-38s | %19s | %9s | %9s |\n", step, when, Mib(memory.rss_kib).c_str(),
                Mib(memory.hwm_kib).c_str());
    std::fflush(stdout);
  };

  double served = Check(
      StartAndTimeSocket(&daemon, args.daemon_bin, config, socket, log, std::chrono::seconds(60)));
  row("first start", served);
  double rate = SubmitThroughSocket(socket, 0, args.socket_records);
  char step[64];
  std::snprintf(step, sizeof step, "+%llu via the socket (%.0f/s)",
                static_cast<unsigned long long>(args.socket_records), rate);
  row(step, -1);

  Check(daemon.Kill(SIGKILL));
  Check(daemon.Wait(std::chrono::seconds(10)).status());
  served = Check(
      StartAndTimeSocket(&daemon, args.daemon_bin, config, socket, log, std::chrono::seconds(60)));
  row("restart after kill -9", served);

  auto stopped = Check(daemon.Stop(std::chrono::seconds(30)));
  if (!stopped.Success()) Fail(Status::Internal("SIGTERM: " + stopped.ToString()));
  served = Check(
      StartAndTimeSocket(&daemon, args.daemon_bin, config, socket, log, std::chrono::seconds(60)));
  row("restart after SIGTERM", served);
  (void)daemon.Stop(std::chrono::seconds(30));
  std::printf("\nqueue on disk: %.0f MiB\n", DiskBytes(dir + "/data") / 1048576.0);
}

constexpr char kUsage[] =
    "usage: queue_bench [--pending N] [--ten-million] [--skip-daemon | --daemon-only]\n"
    "                   [--socket-records N] [--daemon-bin PATH] [--dir D]\n"
    "  --pending N         records in the pick table and the daemon runs (1000000)\n"
    "  --ten-million       add a pick row at 10 000 000 pending\n"
    "  --skip-daemon       only the queue itself: picks, drain, tombstones\n"
    "  --daemon-only       only the real daemon over N pending records\n"
    "  --socket-records N  records sent through the daemon's socket (100000)\n"
    "  --daemon-bin PATH   the daemon to run (default: the one built with the bench)\n"
    "  --dir D             scratch folder (default /tmp), removed at the end\n";

Args ParseArgs(int argc, char** argv) {
  Args args;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) Fail(Status::InvalidArgument(arg + " needs a value"));
      return argv[++i];
    };
    if (arg == "--pending") {
      args.pending = std::stoull(value());
    } else if (arg == "--ten-million") {
      args.ten_million = true;
    } else if (arg == "--skip-daemon") {
      args.skip_daemon = true;
    } else if (arg == "--daemon-only") {
      args.daemon_only = true;
    } else if (arg == "--socket-records") {
      args.socket_records = std::stoull(value());
    } else if (arg == "--daemon-bin") {
      args.daemon_bin = value();
    } else if (arg == "--dir") {
      args.dir = value();
    } else if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      std::exit(0);
    } else {
      std::fputs(kUsage, stderr);
      Fail(Status::InvalidArgument("unknown argument " + arg));
    }
  }
  return args;
}

void PickTables(const Args& args, const std::string& root) {
  std::printf("queue_bench: TakeDue(32), picking the next due records, all of them overdue\n\n");
  std::printf(
      "| pending     | fill /s   | pick p50  | pick p99  | pick max  | next p50  | disk MiB|\n");
  std::printf(
      "|-------------|-----------|-----------|-----------|-----------|-----------|---------|\n");
  PickCostRow(root, 10);
  PickCostRow(root, args.pending);
  if (args.ten_million) PickCostRow(root, 10'000'000);
  std::printf("(times in microseconds)\n");
  TombstoneRows(root, args.pending);
}

}  // namespace
}  // namespace orauditd::bench

int main(int argc, char** argv) {
  orauditd::bench::Args args = orauditd::bench::ParseArgs(argc, argv);
  std::string root = args.dir + "/queue_bench." + std::to_string(getpid());
  std::filesystem::create_directories(root);
  if (!args.daemon_only) orauditd::bench::PickTables(args, root);
  if (!args.skip_daemon) orauditd::bench::DaemonRows(args, root);
  std::filesystem::remove_all(root);
  return 0;
}
