// sink_bench: rows per second through the storage write path, in 1000-row
// batches as the writer hands them over, and through verification.
//
//   sink_bench [rows] [folder]     (defaults: 200000, $TMPDIR)
//
// Prints a table and asserts nothing. Every file it makes lives in a fresh
// folder under `folder`, removed at the end.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "bench/bench_figures.h"
#include "storage/hash_chain.h"
#include "storage/jsonl_files.h"
#include "storage/jsonl_sink.h"
#include "storage/row_json.h"
#include "storage/sqlite_sink.h"
#include "storage/verify.h"

namespace orauditd {
namespace {

using bench::CpuNow;

constexpr size_t kBatch = 1000;

void Fail(const Status& status);

// A row as a resolved call produces it, with a generation body of a
// realistic size (about 700 bytes).
Row MakeRow(int64_t seq, std::string request_id) {
  Row r;
  r.seq = seq;
  r.timestamp_ms = 1796397038123 + seq * 37;
  r.request_id = std::move(request_id);
  r.generation_id = "gen-" + std::to_string(1796397038 + seq / 30) + "-" + std::to_string(seq);
  r.model_requested = seq % 3 ? "openai/gpt-4o" : "anthropic/claude-3.5-sonnet";
  r.model_used = r.model_requested;
  r.provider = seq % 3 ? "OpenAI" : "Anthropic";
  r.prompt_tokens = 500 + seq % 700;
  r.completion_tokens = 50 + seq % 300;
  r.native_tokens_prompt = r.prompt_tokens;
  r.native_tokens_completion = r.completion_tokens;
  r.native_tokens_cached = 0;
  r.total_cost = 0.0000841005 * static_cast<double>(1 + seq % 13);
  r.client_cost = r.total_cost;
  r.latency_ms = 900.0 + static_cast<double>(seq % 1000);
  r.generation_time_ms = 850.0;
  r.finish_reason = "stop";
  r.streamed = seq % 2 == 0;
  r.is_byok = false;
  r.status = seq % 50 ? "success" : "error";
  r.meta_status = "resolved";
  r.attempts = 1 + seq % 3;
  r.user_id = "user-" + std::to_string(seq % 1000);
  r.app = "checkout";
  r.key = "default";
  r.prompt_hash = std::string(64, 'a');
  r.peer_uid = 1000;
  r.peer_pid = 4242;
  r.source = "socket";
  r.metadata = "{\"team\":\"payments\",\"env\":\"prod\"}";
  r.generation_json =
      "{\"id\":\"" + *r.generation_id +
      "\",\"total_cost\":0.0000841005,\"created_at\":"
      "\"2026-12-04T15:10:38.123Z\",\"model\":\"openai/gpt-4o\",\"origin\":\"\",\"usage\":"
      "0.0000841005,\"is_byok\":false,\"upstream_id\":\"chatcmpl-AbCdEfGhIjKlMnOpQrStUvWxYz\","
      "\"cache_discount\":null,\"upstream_inference_cost\":null,\"app_id\":null,\"streamed\":"
      "true,\"cancelled\":false,\"provider_name\":\"OpenAI\",\"latency\":412,\"moderation_latency"
      "\":null,\"generation_time\":850,\"finish_reason\":\"stop\",\"native_finish_reason\":"
      "\"stop\",\"tokens_prompt\":512,\"tokens_completion\":64,\"native_tokens_prompt\":512,"
      "\"native_tokens_completion\":64,\"native_tokens_completion_images\":null,"
      "\"native_tokens_reasoning\":0,\"native_tokens_cached\":0,\"num_media_prompt\":null,"
      "\"num_media_completion\":null,\"num_search_results\":null}";
  r.resolved_at_ms = r.timestamp_ms + 2100;
  return r;
}

std::string OrderedId(int64_t seq) {
  char id[32];
  std::snprintf(id, sizeof id, "01JE%022lld", static_cast<long long>(seq));
  return id;
}

std::string RandomUuid(std::mt19937_64* rng) {
  char id[40];
  uint64_t a = (*rng)(), b = (*rng)();
  std::snprintf(id, sizeof id, "%08x-%04x-4%03x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                static_cast<unsigned>(a >> 16) & 0xffff, static_cast<unsigned>(a) & 0xfff,
                (static_cast<unsigned>(b >> 48) & 0x3fff) | 0x8000,
                static_cast<unsigned long long>(b & 0xffffffffffffULL));
  return id;
}

// Hands out sealed rows 1..count batch by batch, so that a million rows
// never sit in memory at once. Building them is outside the timings.
class RowSource {
 public:
  RowSource(int64_t count, bool random_ids) : count_(count), random_ids_(random_ids) {}

  // The next batch; empty at the end.
  std::vector<Row> Next() {
    std::vector<Row> batch;
    while (batch.size() < kBatch && next_seq_ <= count_) {
      int64_t seq = next_seq_++;
      batch.push_back(MakeRow(seq, random_ids_ ? RandomUuid(&rng_) : OrderedId(seq)));
      chain_.Seal(&batch.back());
    }
    return batch;
  }

 private:
  int64_t count_;
  bool random_ids_;
  int64_t next_seq_ = 1;
  std::mt19937_64 rng_{42};
  HashChain chain_{kGenesisHash};
};

// Wall and CPU time of the timed parts. CPU time (the whole process's)
// tells a slow disk from slow code, and stays meaningful on a busy machine.
struct Timing {
  double wall = 0;
  double cpu = 0;
};

void AddTime(Timing* total, const std::function<void()>& work) {
  auto start = std::chrono::steady_clock::now();
  double cpu_start = CpuNow();
  work();
  total->wall += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  total->cpu += CpuNow() - cpu_start;
}

// Runs `work` on every batch of a fresh source, timing only `work`.
Timing PerBatch(int64_t count, bool random_ids,
                const std::function<void(const std::vector<Row>&)>& work) {
  RowSource source(count, random_ids);
  Timing timing;
  for (std::vector<Row> batch = source.Next(); !batch.empty(); batch = source.Next()) {
    AddTime(&timing, [&] { work(batch); });
  }
  return timing;
}

void PrintLine(const char* what, int64_t rows, Timing t) {
  std::printf("%-44s %9lld %8.2f %8.2f %10.0f %10.0f\n", what, static_cast<long long>(rows), t.wall,
              t.cpu, static_cast<double>(rows) / t.wall, static_cast<double>(rows) / t.cpu);
}

void Fail(const Status& status) {
  std::fprintf(stderr, "sink_bench: %s\n", status.ToString().c_str());
  std::exit(1);
}

void BenchSink(const char* what, Sink* sink, int64_t count, bool random_ids) {
  PrintLine(what, count, PerBatch(count, random_ids, [&](const std::vector<Row>& batch) {
              Status s = sink->Write(batch);
              if (!s.ok()) Fail(s);
            }));
}

void BenchSqlite(const char* what, const std::string& path, int64_t count, bool random_ids) {
  auto sink = SqliteSink::Open(path);
  if (!sink.ok()) Fail(sink.status());
  BenchSink(what, sink->get(), count, random_ids);
}

void BenchVerify(const char* what, int64_t count,
                 const std::function<StatusOr<VerifyResult>()>& verify) {
  Timing timing;
  AddTime(&timing, [&] {
    StatusOr<VerifyResult> result = verify();
    if (!result.ok()) Fail(result.status());
    if (!result->ok || result->rows != count)
      Fail(Status::Internal("verify: " + result->first_bad));
  });
  PrintLine(what, count, timing);
}

}  // namespace
}  // namespace orauditd

int main(int argc, char** argv) {
  using namespace orauditd;  // NOLINT: a small program
  int64_t count = argc > 1 ? std::atoll(argv[1]) : 200000;
  std::string base = argc > 2 ? argv[2] : std::filesystem::temp_directory_path().string();
  if (count <= 0) {
    std::fprintf(stderr, "usage: sink_bench [rows] [folder]\n");
    return 2;
  }
  std::string pattern = base + "/sink-bench-" + std::string(6, 'X');  // mkdtemp's template
  if (mkdtemp(pattern.data()) == nullptr) {
    std::perror("mkdtemp");
    return 1;
  }
  const std::string dir = pattern;

  size_t line_bytes = RowToJsonLine(RowSource(1, false).Next()[0]).size();
  std::printf("sink_bench: rows of about %zu bytes as JSON, batches of %zu, in %s\n\n", line_bytes,
              kBatch, dir.c_str());
  std::printf("%-44s %9s %8s %8s %10s %10s\n", "stage", "rows", "wall s", "cpu s", "rows/s",
              "rows/cpu-s");

  PrintLine("serialize (RowToJsonLine)", count, PerBatch(count, false, [](const auto& batch) {
              for (const Row& row : batch) {
                if (RowToJsonLine(row).empty()) std::abort();
              }
            }));
  PrintLine("hash (canonical form + SHA-256)", count, PerBatch(count, false, [](const auto& batch) {
              for (const Row& row : batch) {
                if (ComputeRowHash(row.prev_hash, row) != row.row_hash) std::abort();
              }
            }));
  PrintLine("parse (RowFromJsonLine)", count, PerBatch(count, false, [](const auto& batch) {
              for (const Row& row : batch) {
                std::string line = RowToJsonLine(row);
                if (!RowFromJsonLine(line).ok()) std::abort();
              }
            }));

  BenchSqlite("sqlite write, ordered request_id (ULID-like)", dir + "/ordered.db", count, false);
  BenchSqlite("sqlite write, random request_id (UUID)", dir + "/random.db", count, true);
  const std::string jsonl = dir + "/audit.jsonl";
  {
    auto sink = JsonlSink::Open(jsonl, 128 << 20);
    if (!sink.ok()) Fail(sink.status());
    BenchSink("jsonl write (128 MiB rotation)", sink->get(), count, false);
  }

  BenchVerify("verify sqlite", count, [&] { return VerifyDatabase(dir + "/ordered.db"); });
  BenchVerify("verify jsonl", count, [&]() -> StatusOr<VerifyResult> {
    std::vector<std::string> files = {jsonl};
    auto rotated = ListRotatedJsonl(jsonl);
    if (!rotated.ok()) return rotated.status();
    for (const auto& [seq, name] : *rotated) files.push_back(name);
    return VerifyJsonl(files);
  });

  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
  return 0;
}
