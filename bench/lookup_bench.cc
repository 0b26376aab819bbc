// lookup_bench: the lookup leg alone. The daemon's HttpClient and the
// mapping of each answer (Classify), on a libuv loop in this process,
// against the fake OpenRouter answering at once: no socket intake, no
// queue, no sinks. It tells how much of a row's CPU the HTTP leg costs by
// itself, on both sides of the connection, and so how far the end-to-end
// rate can go while every row needs one lookup.
//
//   lookup_bench [--lookups N] [--runs R] [--concurrency C] [--dir FOLDER]
//
// Defaults: 100000 lookups, 3 runs, 64 in flight (the daemon's default
// fetch.concurrency). Prints lookups per second and the CPU per lookup of
// this process (client and mapping) and of the fake; asserts nothing about
// speed. Exits 1 if a lookup does not resolve.
#include <uv.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_figures.h"
#include "bench/live_daemon.h"
#include "fetcher/http_client.h"
#include "fetcher/lookup.h"
#include "tests/support/temp_dir.h"

namespace orauditd::bench {
namespace {

using SteadyClock = std::chrono::steady_clock;

struct Options {
  int64_t lookups = 100000;
  int runs = 3;
  int concurrency = 64;
  std::string dir;
};

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "lookup_bench: %s\n", what.c_str());
  std::exit(1);
}

Options ParseArgs(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    bool has_value = i + 1 < argc;
    if (arg == "--lookups" && has_value) {
      options.lookups = std::atoll(argv[++i]);
    } else if (arg == "--runs" && has_value) {
      options.runs = std::atoi(argv[++i]);
    } else if (arg == "--concurrency" && has_value) {
      options.concurrency = std::atoi(argv[++i]);
    } else if (arg == "--dir" && has_value) {
      options.dir = argv[++i];
    } else {
      std::fprintf(stderr,
                   "usage: lookup_bench [--lookups N] [--runs R] [--concurrency C] "
                   "[--dir FOLDER]\n");
      std::exit(arg == "--help" ? 0 : 2);
    }
  }
  if (options.lookups < 1 || options.runs < 1 || options.concurrency < 1) {
    Fail("--lookups, --runs and --concurrency must be at least 1");
  }
  return options;
}

struct LookupRun {
  double seconds = 0;
  double client_cpu_seconds = 0;
  double fake_cpu_seconds = 0;
  int64_t resolved = 0;
  std::string first_failure;
};

// Keeps `concurrency` lookups in flight until `count` have been started; the
// client's own FIFO is not used, so that every Get starts a transfer at once.
class LookupDriver {
 public:
  LookupDriver(uv_loop_t* loop, const Options& options, std::string base_url, std::string tag)
      : options_(options),
        base_url_(std::move(base_url)),
        tag_(std::move(tag)),
        client_(loop, Client(options)) {}

  void Start() {
    for (int i = 0; i < options_.concurrency && started_ < options_.lookups; ++i) StartOne();
  }

  LookupRun& run() { return run_; }

 private:
  static HttpClientOptions Client(const Options& options) {
    HttpClientOptions client;
    client.max_in_flight = static_cast<size_t>(options.concurrency);
    return client;
  }

  void StartOne() {
    std::string id = "gen-" + tag_ + "-" + std::to_string(started_++);
    HttpRequest request;
    request.url = GenerationUrl(base_url_, id);
    request.headers.push_back("Authorization: Bearer sk-or-v1-bench");
    client_.Get(std::move(request), [this, id](HttpResponse response) { OnAnswer(id, response); });
  }

  void OnAnswer(const std::string& id, const HttpResponse& response) {
    LookupResult result = Classify(response, id, 0);
    if (result.cls == LookupClass::kResolved) {
      ++run_.resolved;
    } else if (run_.first_failure.empty()) {
      run_.first_failure = id + ": " + LookupClassName(result.cls) + " " + result.detail;
    }
    if (++answered_ == options_.lookups) {
      client_.Close([] {});
      return;
    }
    if (started_ < options_.lookups) StartOne();
  }

  const Options& options_;
  std::string base_url_;
  std::string tag_;
  HttpClient client_;
  int64_t started_ = 0;
  int64_t answered_ = 0;
  LookupRun run_;
};

LookupRun RunLookups(const Options& options, const LiveFake& fake, const std::string& tag) {
  uv_loop_t loop;
  uv_loop_init(&loop);
  double client_cpu0 = CpuNow();
  double fake_cpu0 = ProcessCpuSeconds(fake.pid());
  SteadyClock::time_point start = SteadyClock::now();

  LookupRun run;
  {
    LookupDriver driver(&loop, options, fake.base_url(), tag);
    driver.Start();
    uv_run(&loop, UV_RUN_DEFAULT);
    run = driver.run();
  }
  uv_run(&loop, UV_RUN_DEFAULT);  // the client's closing handles
  uv_loop_close(&loop);

  run.seconds = std::chrono::duration<double>(SteadyClock::now() - start).count();
  run.client_cpu_seconds = CpuNow() - client_cpu0;
  run.fake_cpu_seconds = ProcessCpuSeconds(fake.pid()) - fake_cpu0;
  return run;
}

}  // namespace
}  // namespace orauditd::bench

int main(int argc, char** argv) {
  using namespace orauditd::bench;  // NOLINT: a small program
  Options options = ParseArgs(argc, argv);
  std::printf("lookup_bench: %lld lookups, %d runs, %d in flight, %u cores, load at start %s\n",
              static_cast<long long>(options.lookups), options.runs, options.concurrency,
              std::thread::hardware_concurrency(), LoadAverage().c_str());

  orauditd::testing::TempDir fake_dir(options.dir);
  LiveFake fake;
  orauditd::Status fake_started = fake.Start(fake_dir.path(), {"--default", "ok"});
  if (!fake_started.ok()) Fail(fake_started.ToString());

  std::vector<double> rates, client_us, fake_us;
  for (int r = 0; r < options.runs; ++r) {
    LookupRun run = RunLookups(options, fake, "lb" + std::to_string(r));
    if (run.resolved != options.lookups) {
      Fail("run " + std::to_string(r) + ": " + std::to_string(run.resolved) + " of " +
           std::to_string(options.lookups) + " resolved; first failure " + run.first_failure);
    }
    rates.push_back(static_cast<double>(options.lookups) / run.seconds);
    client_us.push_back(run.client_cpu_seconds * 1e6 / static_cast<double>(options.lookups));
    fake_us.push_back(run.fake_cpu_seconds * 1e6 / static_cast<double>(options.lookups));
  }

  std::printf("\n%-36s %-24s %-22s %-22s %s\n", "case", "lookups/s", "client us/lookup",
              "fake us/lookup", "load 1/5/15");
  std::printf("%-36s %-24s %-22s %-22s %s\n", "HttpClient + Classify, fake at once",
              SpreadText(SpreadOf(rates)).c_str(), SpreadText(SpreadOf(client_us), "%.1f").c_str(),
              SpreadText(SpreadOf(fake_us), "%.1f").c_str(), LoadAverage().c_str());
  std::printf(
      "(client: this process, the loop thread's lookups and their mapping; "
      "median and range of %d runs)\n",
      options.runs);
  return 0;
}
