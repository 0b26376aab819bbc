// e2e_bench: records resolved and written per second end to end (socket in,
// lookup at the fake OpenRouter, row in SQLite), with the fake answering at
// once and with 50 ms of latency, all against one fake process; then the
// same calls made the inline way (bench/inline_baseline.py: a blocking GET
// and an INSERT+COMMIT per call), and the latency each approach adds to the
// application's call.
//
//   e2e_bench [--records N] [--slow-records N] [--runs R] [--concurrency C]
//             [--inline-seconds S] [--dir FOLDER]
//
// Defaults: 40000 records with the fake answering at once, 6400 with 50 ms
// (five seconds at the goal's 1280/s), 3 runs, fetch.concurrency 64,
// fetch.first_delay 0 and rate_per_second 1000000 (the fake needs no wait
// and has no rate limit). The inline script gets the same records and
// stops early only after 120 s (its rate is steady; the table says when it
// stopped). Beside the rates: the daemon's CPU as a share of one core and
// in µs per row (user + system time over the run, divided by its records),
// and the fake's. Prints tables and asserts nothing about speed; exits 1 if
// a run fails or a row is missing.
#include <simdjson.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_figures.h"
#include "bench/bench_records.h"
#include "bench/live_daemon.h"
#include "bench/pipelined_client.h"
#include "tests/support/temp_dir.h"

namespace orauditd::bench {
namespace {

using SteadyClock = std::chrono::steady_clock;

struct Options {
  int64_t records = 40000;
  int64_t slow_records = 6400;
  int runs = 3;
  int concurrency = 64;
  int latency_ms = 50;
  int clients = 8;
  int64_t ack_records = 2000;
  double inline_seconds = 120;
  std::string dir;
};

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "e2e_bench: %s\n", what.c_str());
  std::exit(1);
}

double Seconds(SteadyClock::duration d) { return std::chrono::duration<double>(d).count(); }

std::string FetchYaml(const Options& options) {
  return "  first_delay: 0ms\n"
         "  concurrency: " +
         std::to_string(options.concurrency) +
         "\n"
         "  rate_per_second: 1000000\n";
}

// One end-to-end run on a fresh daemon: submit `count` records over
// `clients` pipelined connections, wait until the SQLite sink has them all.
struct E2eRun {
  double seconds = 0;         // first record sent .. last row written
  double intake_seconds = 0;  // first record sent .. last acknowledgement
  double resolved = 0;
  double lookups = 0;
  double daemon_cpu = 0;  // share of one core, over the run
  double fake_cpu = 0;
  std::string load;
};

E2eRun RunE2e(const Options& options, const LiveFake& fake, int64_t count, const std::string& tag) {
  testing::TempDir dir(options.dir);
  LiveDaemon daemon(dir.path());
  Status started = daemon.Start(fake.base_url(), FetchYaml(options));
  if (!started.ok()) Fail(started.ToString());

  std::vector<LineBlock> blocks(static_cast<size_t>(options.clients));
  for (int64_t i = 0; i < count; ++i) {
    blocks[static_cast<size_t>(i % options.clients)].Add(RecordLine(tag, i, false));
  }
  std::vector<ClientResult> results(blocks.size());
  double daemon_cpu0 = ProcessCpuSeconds(daemon.pid());
  double fake_cpu0 = ProcessCpuSeconds(fake.pid());
  SteadyClock::time_point start = SteadyClock::now() + std::chrono::milliseconds(100);
  std::vector<std::thread> threads;
  for (size_t c = 0; c < blocks.size(); ++c) {
    threads.emplace_back([&, c] {
      ClientPlan plan;
      plan.lines = &blocks[c];
      plan.start = start;
      std::this_thread::sleep_until(start);
      results[c] = RunClient(daemon.socket_path(), plan);
    });
  }

  // Rows are counted as the sink writes them; a scrape every 20 ms bounds
  // the error on the end time.
  auto give_up = SteadyClock::now() + std::chrono::seconds(300);
  SteadyClock::time_point done;
  while (true) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    auto written = daemon.Metric("orauditd_rows_written_total", {{"sink", "sqlite"}});
    if (!written.ok()) Fail("metrics: " + written.status().ToString());
    if (*written >= static_cast<double>(count)) {
      done = SteadyClock::now();
      break;
    }
    if (SteadyClock::now() > give_up) {
      Fail("only " + std::to_string(*written) + " of " + std::to_string(count) +
           " rows after 300 s");
    }
  }
  for (auto& thread : threads) thread.join();

  E2eRun run;
  SteadyClock::time_point intake_done = start;
  for (const ClientResult& result : results) {
    if (!result.status.ok()) Fail("client: " + result.status.ToString());
    if (result.refused > 0) Fail("a record was refused: " + result.first_refusal);
    intake_done = std::max(intake_done, result.finished);
  }
  run.seconds = Seconds(done - start);
  run.intake_seconds = Seconds(intake_done - start);
  run.daemon_cpu = (ProcessCpuSeconds(daemon.pid()) - daemon_cpu0) / run.seconds;
  run.fake_cpu = (ProcessCpuSeconds(fake.pid()) - fake_cpu0) / run.seconds;
  run.load = LoadAverage();
  auto resolved = daemon.Metric("orauditd_rows_finalized_total", {{"meta_status", "resolved"}});
  auto lookups = daemon.Metric("orauditd_fetch_attempts_total");
  if (!resolved.ok() || !lookups.ok()) Fail("metrics after the run");
  run.resolved = *resolved;
  run.lookups = *lookups;
  if (run.resolved != static_cast<double>(count)) {
    Fail(std::to_string(run.resolved) + " of " + std::to_string(count) + " rows resolved");
  }
  Status stopped = daemon.Stop();
  if (!stopped.ok()) Fail(stopped.ToString());
  return run;
}

// What an application waits for when it hands one record over and waits
// for the acknowledgement before going on: one record at a time, while the
// daemon resolves the ones before in the background.
std::vector<double> AckLatency(const Options& options, const LiveFake& fake,
                               const std::string& tag) {
  testing::TempDir dir(options.dir);
  LiveDaemon daemon(dir.path());
  Status started = daemon.Start(fake.base_url(), FetchYaml(options));
  if (!started.ok()) Fail(started.ToString());
  LineBlock block;
  for (int64_t i = 0; i < options.ack_records; ++i) block.Add(RecordLine(tag, i, false));
  ClientPlan plan;
  plan.lines = &block;
  plan.window = 1;
  plan.start = SteadyClock::now();
  ClientResult result = RunClient(daemon.socket_path(), plan);
  if (!result.status.ok()) Fail("client: " + result.status.ToString());
  if (result.refused > 0) Fail("a record was refused: " + result.first_refusal);
  Status stopped = daemon.Stop();
  if (!stopped.ok()) Fail(stopped.ToString());
  return result.latency_ms;
}

struct InlineRun {
  double calls = 0, seconds = 0, rate = 0;
  bool bounded = false;
  double fetch_p50 = 0, fetch_p99 = 0, insert_p50 = 0, insert_p99 = 0, total_p50 = 0, total_p99 = 0;
  std::string load;
};

InlineRun RunInline(const Options& options, const LiveFake& fake, int64_t count,
                    const std::string& prefix) {
  testing::TempDir dir(options.dir);
  testing::SubprocessOptions sub;
  sub.stdout_path = dir.File("inline.out");
  sub.stderr_path = dir.File("inline.err");
  testing::Subprocess python;
  Status started = python.Start(
      {"/usr/bin/python3", ORAUDITD_SOURCE_DIR "/bench/inline_baseline.py", "--base-url",
       fake.base_url(), "--count", std::to_string(count), "--prefix", prefix, "--db",
       dir.File("inline.db"), "--max-seconds", Fmt("%.0f", options.inline_seconds)},
      {}, sub);
  if (!started.ok()) Fail("inline_baseline.py: " + started.ToString());
  auto exited = python.Wait(
      std::chrono::milliseconds(static_cast<int64_t>(options.inline_seconds * 1000) + 60000));
  auto read = [&](const std::string& name) {
    std::ifstream in(dir.File(name));
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  };
  if (!exited.ok() || !exited->Success()) {
    Fail("inline_baseline.py failed: " + read("inline.err"));
  }
  simdjson::dom::parser parser;
  simdjson::padded_string json(read("inline.out"));
  simdjson::dom::element doc;
  if (parser.parse(json).get(doc)) Fail("inline_baseline.py printed: " + read("inline.out"));
  InlineRun run;
  auto number = [&](const char* path) {
    double value = 0;
    if (doc.at_pointer(path).get(value)) Fail(std::string("inline result lacks ") + path);
    return value;
  };
  run.calls = number("/calls");
  run.seconds = number("/seconds");
  run.rate = number("/calls_per_second");
  bool bounded = false;
  if (doc["time_bounded"].get(bounded) == simdjson::SUCCESS) run.bounded = bounded;
  run.fetch_p50 = number("/fetch_ms/p50");
  run.fetch_p99 = number("/fetch_ms/p99");
  run.insert_p50 = number("/insert_ms/p50");
  run.insert_p99 = number("/insert_ms/p99");
  run.total_p50 = number("/total_ms/p50");
  run.total_p99 = number("/total_ms/p99");
  run.load = LoadAverage();
  return run;
}

// Ids that the fake answers after `latency_ms`, for the slow runs and the
// inline slow run.
std::string SlowScript(const Options& options, const std::vector<std::string>& tags) {
  std::string script = "{";
  bool first = true;
  for (const std::string& tag : tags) {
    for (int64_t i = 0; i < options.slow_records; ++i) {
      if (!first) script += ",";
      first = false;
      script += '"';
      script += GenerationId(tag, i);
      script += "\":[{\"kind\":\"ok\",\"delay_ms\":" + std::to_string(options.latency_ms) + "}]";
    }
  }
  return script + "}";
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
    } else if (arg == "--slow-records") {
      options.slow_records = std::atoll(value().c_str());
    } else if (arg == "--runs") {
      options.runs = std::atoi(value().c_str());
    } else if (arg == "--concurrency") {
      options.concurrency = std::atoi(value().c_str());
    } else if (arg == "--inline-seconds") {
      options.inline_seconds = std::atof(value().c_str());
    } else if (arg == "--dir") {
      options.dir = value();
    } else {
      std::fprintf(stderr,
                   "usage: e2e_bench [--records N] [--slow-records N] [--runs R] "
                   "[--concurrency C] [--inline-seconds S] [--dir FOLDER]\n");
      std::exit(2);
    }
  }
  if (options.records <= 0 || options.slow_records <= 0 || options.runs <= 0 ||
      options.concurrency <= 0 || options.inline_seconds <= 0) {
    Fail("every count must be above 0");
  }
  return options;
}

void PrintE2e(const std::string& what, int64_t count, const std::vector<E2eRun>& runs) {
  std::vector<double> rates, intake, daemon_cpu, daemon_us_per_row, fake_cpu;
  double lookups = 0;
  for (const E2eRun& run : runs) {
    rates.push_back(static_cast<double>(count) / run.seconds);
    intake.push_back(static_cast<double>(count) / run.intake_seconds);
    daemon_cpu.push_back(run.daemon_cpu * 100);
    daemon_us_per_row.push_back(run.daemon_cpu * run.seconds * 1e6 / static_cast<double>(count));
    fake_cpu.push_back(run.fake_cpu * 100);
    lookups += run.lookups;
  }
  std::printf("%-34s %8lld %-22s %-22s %7.0f%% %8.0f %7.0f%% %8.2f  %s\n", what.c_str(),
              static_cast<long long>(count), SpreadText(SpreadOf(rates)).c_str(),
              SpreadText(SpreadOf(intake)).c_str(), SpreadOf(daemon_cpu).median,
              SpreadOf(daemon_us_per_row).median, SpreadOf(fake_cpu).median,
              lookups / static_cast<double>(count * static_cast<int64_t>(runs.size())),
              runs.back().load.c_str());
}

}  // namespace
}  // namespace orauditd::bench

int main(int argc, char** argv) {
  using namespace orauditd::bench;  // NOLINT: a small program
  Options options = ParseArgs(argc, argv);
  std::printf(
      "e2e_bench: %lld records (fake at once), %lld records (fake +%d ms), %d runs, "
      "fetch.concurrency %d, %u cores, load at start %s\n",
      static_cast<long long>(options.records), static_cast<long long>(options.slow_records),
      options.latency_ms, options.runs, options.concurrency, std::thread::hardware_concurrency(),
      LoadAverage().c_str());

  orauditd::testing::TempDir fake_dir(options.dir);
  std::vector<std::string> slow_tags = {"inl-slow"};
  for (int r = 0; r < options.runs; ++r) slow_tags.push_back("slow" + std::to_string(r));
  std::string script_path = fake_dir.File("slow-script.json");
  std::ofstream(script_path) << SlowScript(options, slow_tags);
  LiveFake fake;
  orauditd::Status fake_started =
      fake.Start(fake_dir.path(), {"--default", "ok", "--script", script_path});
  if (!fake_started.ok()) Fail(fake_started.ToString());
  std::printf("fake OpenRouter on 127.0.0.1:%d (one process for every run)\n\n", fake.port());

  std::vector<E2eRun> fast, slow;
  for (int r = 0; r < options.runs; ++r) {
    fast.push_back(RunE2e(options, fake, options.records, "fast" + std::to_string(r)));
    slow.push_back(RunE2e(options, fake, options.slow_records, "slow" + std::to_string(r)));
  }
  std::vector<double> ack;
  for (int r = 0; r < options.runs; ++r) {
    std::vector<double> one = AckLatency(options, fake, "ack" + std::to_string(r));
    ack.insert(ack.end(), one.begin(), one.end());
  }
  InlineRun inline_fast = RunInline(options, fake, options.records, "inl-fast");
  InlineRun inline_slow = RunInline(options, fake, options.slow_records, "inl-slow");

  std::printf(
      "End to end: records/s from the first record sent to the last row in SQLite; "
      "median (min-max) of %d runs\n",
      options.runs);
  std::printf("%-34s %8s %-22s %-22s %8s %8s %8s %8s  %s\n", "case", "records", "rows/s",
              "acknowledged/s", "daemon", "us/row", "fake", "lookups", "load 1/5/15");
  PrintE2e("orauditd, fake at once", options.records, fast);
  PrintE2e("orauditd, fake +" + std::to_string(options.latency_ms) + " ms", options.slow_records,
           slow);
  auto print_inline = [&](const std::string& what, const InlineRun& run, int64_t target) {
    std::string note = run.bounded ? "  (time bound: " + Fmt("%.0f", run.calls) + " of " +
                                         std::to_string(target) + " calls)"
                                   : "";
    std::printf("%-34s %8.0f %-22s %-22s %8s %8s %8s %8s  %s%s\n", what.c_str(), run.calls,
                Fmt("%.0f", run.rate).c_str(), "", "", "", "", "1.00", run.load.c_str(),
                note.c_str());
  };
  print_inline("inline script, fake at once", inline_fast, options.records);
  print_inline("inline script, fake +" + std::to_string(options.latency_ms) + " ms", inline_slow,
               options.slow_records);
  // Medians of the orauditd runs, for the ratios and the goals.
  auto median_rate = [](const std::vector<E2eRun>& runs, int64_t count) {
    std::vector<double> rates;
    for (const E2eRun& run : runs) rates.push_back(static_cast<double>(count) / run.seconds);
    return SpreadOf(rates).median;
  };
  double fast_rate = median_rate(fast, options.records);
  double slow_rate = median_rate(slow, options.slow_records);
  double ideal = options.concurrency * 1000.0 / options.latency_ms;
  std::printf("\norauditd / inline: %.0fx with the fake at once (goal >= 40x), %.0fx at +%d ms\n",
              fast_rate / inline_fast.rate, slow_rate / inline_slow.rate, options.latency_ms);
  std::printf(
      "fake at once: %.0f rows/s (goal >= 20000); +%d ms: %.0f rows/s = %.0f%% of "
      "%d / %.3f s = %.0f/s (goal >= 90%%)\n",
      fast_rate, options.latency_ms, slow_rate, 100.0 * slow_rate / ideal, options.concurrency,
      options.latency_ms / 1000.0, ideal);

  std::printf("\nLatency added to the application's call (ms)\n");
  std::printf("%-52s %8s %8s\n", "what the application waits for", "p50", "p99");
  std::printf("%-52s %8.2f %8.2f\n", "inline, fake at once: GET", inline_fast.fetch_p50,
              inline_fast.fetch_p99);
  std::printf("%-52s %8.2f %8.2f\n", "inline, fake at once: INSERT + COMMIT",
              inline_fast.insert_p50, inline_fast.insert_p99);
  std::printf("%-52s %8.2f %8.2f\n", "inline, fake at once: both", inline_fast.total_p50,
              inline_fast.total_p99);
  std::printf("%-52s %8.2f %8.2f\n",
              ("inline, fake +" + std::to_string(options.latency_ms) + " ms: both").c_str(),
              inline_slow.total_p50, inline_slow.total_p99);
  std::printf("%-52s %8.2f %8.2f\n", "orauditd: acknowledgement, one record at a time",
              Percentile(&ack, 0.50), Percentile(&ack, 0.99));
  std::printf("(acknowledgements: %zu over %d runs, the daemon resolving meanwhile)\n", ack.size(),
              options.runs);
  std::printf("load at end: %s\n", LoadAverage().c_str());
  return 0;
}
