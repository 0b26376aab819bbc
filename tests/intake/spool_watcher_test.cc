// The spool directory on a real loop, a real queue and temp folders: what
// is picked up, what lands in done/ and rejected/, and what happens when a
// file is read again or cannot be stored yet.
#include "intake/spool_watcher.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "queue/durable_queue.h"
#include "queue/retry_policy.h"
#include "tests/support/temp_dir.h"

namespace orauditd {
namespace {

constexpr char kGen[] = "gen-1764860000-spoolWatcherTest0001";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

bool Exists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

std::vector<std::string> Names(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

class SpoolWatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    uv_loop_init(&loop_);
    uv_timer_init(&loop_, &guard_);
    uv_check_init(&loop_, &probe_);
    auto queue = DurableQueue::Open(dir_.File("queue"));
    ASSERT_TRUE(queue.ok()) << queue.status().ToString();
    queue_ = std::move(*queue);
    spool_dir_ = dir_.File("spool");
  }

  void TearDown() override {
    Stop();
    uv_close(reinterpret_cast<uv_handle_t*>(&guard_), nullptr);
    uv_close(reinterpret_cast<uv_handle_t*>(&probe_), nullptr);
    uv_run(&loop_, UV_RUN_DEFAULT);
    EXPECT_EQ(uv_loop_close(&loop_), 0) << "a handle was left open";
  }

  // `data_dir` is where the batcher checks free space: a folder that does
  // not exist yet makes every commit fail until it is created.
  void Start(SpoolWatcherOptions options = {}, std::string data_dir = "") {
    CommitBatcherOptions batcher_options;
    batcher_options.data_dir = data_dir.empty() ? dir_.path() : data_dir;
    batcher_options.min_free_bytes = 1;
    batcher_ = std::make_unique<CommitBatcher>(&loop_, &clock_, queue_.get(), &policy_,
                                               batcher_options, nullptr);
    batcher_->Start();
    options.dir = spool_dir_;
    options.scan_interval_ms = scan_interval_ms_;
    watcher_ = std::make_unique<SpoolWatcher>(&loop_, &clock_, batcher_.get(), &hasher_, options);
    Status started = watcher_->Start();
    ASSERT_TRUE(started.ok()) << started.ToString();
  }

  void Stop() {
    if (!watcher_) return;
    watcher_->Close([this] { batcher_->Close([] {}); });
    uv_run(&loop_, UV_RUN_DEFAULT);
    watcher_.reset();
    batcher_.reset();
  }

  // Runs the loop as the daemon does (UV_RUN_DEFAULT, no extra wake-ups)
  // until `done` holds after a loop pass, or until `timeout`.
  bool RunUntil(const std::function<bool()>& done,
                std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    if (done()) return true;
    probe_.data = const_cast<std::function<bool()>*>(&done);
    uv_check_start(&probe_, [](uv_check_t* probe) {
      if ((*static_cast<std::function<bool()>*>(probe->data))()) uv_stop(probe->loop);
    });
    uv_update_time(&loop_);
    uv_timer_start(
        &guard_, [](uv_timer_t* guard) { uv_stop(guard->loop); },
        static_cast<uint64_t>(timeout.count()), 0);
    uv_run(&loop_, UV_RUN_DEFAULT);
    uv_check_stop(&probe_);
    uv_timer_stop(&guard_);
    return done();
  }

  void RunFor(std::chrono::milliseconds time) {
    RunUntil([] { return false; }, time);
  }

  // Writes under a temp name, then renames into incoming/, as clients must.
  void Drop(const std::string& name, const std::string& text) {
    std::string temp = Incoming("." + name + ".tmp");
    std::ofstream(temp, std::ios::binary) << text;
    ASSERT_EQ(std::rename(temp.c_str(), Incoming(name).c_str()), 0);
  }

  bool WaitDone(const std::string& name) {
    return RunUntil([&] { return Exists(Done(name)) && !Exists(Incoming(name)); });
  }

  // Every stored record, by dedup key.
  std::map<std::string, QueuedRecord> Stored() {
    std::map<std::string, QueuedRecord> stored;
    auto due = queue_->TakeDue(INT64_MAX / 2, 100000);
    EXPECT_TRUE(due.ok());
    for (QueuedRecord& q : *due) stored[q.record.dedup_key] = q;
    return stored;
  }

  std::string Incoming(const std::string& name) { return spool_dir_ + "/incoming/" + name; }
  std::string Done(const std::string& name) { return spool_dir_ + "/done/" + name; }
  std::string Rejected(const std::string& name) { return spool_dir_ + "/rejected/" + name; }

  testing::TempDir dir_;
  std::string spool_dir_;
  uv_loop_t loop_;
  uv_timer_t guard_;
  uv_check_t probe_;
  int64_t scan_interval_ms_ = 50;
  SystemClock clock_;
  PromptHasher hasher_{""};
  RetryPolicy policy_{RetryConfig{}, 1};
  std::unique_ptr<DurableQueue> queue_;
  std::unique_ptr<CommitBatcher> batcher_;
  std::unique_ptr<SpoolWatcher> watcher_;
};

TEST_F(SpoolWatcherTest, CreatesItsThreeFolders) {
  Start();
  EXPECT_EQ(Names(spool_dir_), (std::vector<std::string>{"done", "incoming", "rejected"}));
}

TEST_F(SpoolWatcherTest, FileMovesToDoneOnceItsLinesAreStored) {
  Start();
  Drop("calls.jsonl", std::string(R"({"request_id":"r-1","generation_id":")") + kGen + "\"}\n" +
                          R"({"generation_id":"gen-1764860000-onlyAGenerationId002"})" + "\n" +
                          R"({"status":"error","error_code":"502"})" + "\n");
  ASSERT_TRUE(WaitDone("calls.jsonl"));

  auto stored = Stored();
  ASSERT_EQ(stored.size(), 3u);
  EXPECT_TRUE(stored.count("r-1"));
  EXPECT_TRUE(stored.count("gen-1764860000-onlyAGenerationId002"));
  ASSERT_TRUE(stored.count("spool:calls.jsonl:3")) << "no id: the file name and line number";
  const Record& third = stored["spool:calls.jsonl:3"].record;
  EXPECT_EQ(third.source, "spool");
  EXPECT_EQ(third.peer_uid, static_cast<int64_t>(getuid())) << "the file's owner";
  EXPECT_FALSE(third.request_id.empty()) << "a ULID was assigned";
  EXPECT_TRUE(Names(spool_dir_ + "/rejected").empty());
  EXPECT_EQ(watcher_->counters().files, 1u);
  EXPECT_EQ(watcher_->counters().accepted, 3u);
}

// Regression: the commit happens in the loop's check phase, after it polls;
// the watcher used to let that poll block after queuing a chunk, until some
// unrelated event (here the next scan, a minute away) woke the loop.
TEST_F(SpoolWatcherTest, ChunksFollowEachOtherWithoutWaitingForAnEvent) {
  std::filesystem::create_directories(spool_dir_ + "/incoming");
  std::string text;
  for (int i = 0; i < 10; ++i)
    text += R"({"status":"error"})"
            "\n";
  Drop("now.jsonl", text);
  scan_interval_ms_ = 60000;
  SpoolWatcherOptions options;
  options.chunk_lines = 2;
  Start(options);
  ASSERT_TRUE(RunUntil([&] { return Exists(Done("now.jsonl")); }, std::chrono::seconds(3)));
  EXPECT_EQ(Stored().size(), 10u);
}

// A large file's progress shows in the counters (and so in the metrics)
// while it is read, and each line is counted once when it is finished.
TEST_F(SpoolWatcherTest, CountersShowAFileWhileItIsRead) {
  std::string text;
  for (int i = 0; i < 10; ++i) {
    text += R"({"request_id":"p-)" + std::to_string(i) + R"(","status":"error"})" "\n";
  }
  SpoolWatcherOptions options;
  options.chunk_lines = 2;
  Start(options);
  Drop("long.jsonl", text);
  uint64_t seen_while_reading = 0;
  ASSERT_TRUE(RunUntil([&] {
    if (!Exists(Incoming("long.jsonl"))) return true;
    seen_while_reading = std::max(seen_while_reading, watcher_->counters().accepted);
    return false;
  }));
  EXPECT_GT(seen_while_reading, 0u) << "counted before the file was finished";
  EXPECT_EQ(watcher_->counters().accepted, 10u);
  EXPECT_EQ(watcher_->counters().files, 1u);
}

TEST_F(SpoolWatcherTest, TemporaryNamesAreIgnoredUntilRenamed) {
  Start();
  std::string line = std::string(R"({"generation_id":")") + kGen + "\"}\n";
  std::ofstream(Incoming(".calls.jsonl")) << line;
  std::ofstream(Incoming("calls.jsonl.tmp")) << line;
  std::ofstream(Incoming("notes.txt")) << line;
  RunFor(std::chrono::milliseconds(300));  // several scans
  EXPECT_TRUE(Stored().empty());
  EXPECT_EQ(Names(spool_dir_ + "/incoming"),
            (std::vector<std::string>{".calls.jsonl", "calls.jsonl.tmp", "notes.txt"}));

  ASSERT_EQ(std::rename(Incoming(".calls.jsonl").c_str(), Incoming("calls.jsonl").c_str()), 0);
  ASSERT_TRUE(WaitDone("calls.jsonl"));
  EXPECT_EQ(Stored().size(), 1u);
}

TEST_F(SpoolWatcherTest, RefusedLinesGoToRejectedWithTheirReasons) {
  Start();
  std::string good = std::string(R"({"generation_id":")") + kGen + "\"}";
  std::string negative = R"({"request_id":"r-2","status":"error","prompt_tokens":-3})";
  Drop("mixed.ndjson", good + "\nthis is not json\n" + negative + "\n" +
                           R"({"request_id":"r-4","status":"error"})" + "\n");
  ASSERT_TRUE(WaitDone("mixed.ndjson"));

  EXPECT_EQ(Stored().size(), 2u);
  EXPECT_EQ(ReadFile(Rejected("mixed.ndjson")), "this is not json\n" + negative + "\n");
  std::string errors = ReadFile(Rejected("mixed.ndjson.errors"));
  EXPECT_EQ(errors.rfind(R"({"line":2,"error":"line: )", 0), 0u) << errors;
  EXPECT_NE(errors.find(R"({"line":3,"error":"prompt_tokens: must be an integer >= 0, got -3"})"
                        "\n"),
            std::string::npos)
      << errors;
  EXPECT_EQ(Names(spool_dir_ + "/rejected"),
            (std::vector<std::string>{"mixed.ndjson", "mixed.ndjson.errors"}))
      << "no hidden work files left";
  EXPECT_EQ(watcher_->counters().refused, 2u);
}

TEST_F(SpoolWatcherTest, CrlfByteOrderMarkBlankLinesAndNoFinalNewline) {
  Start();
  std::string a = R"({"status":"error","app":"a"})";
  std::string b = R"({"status":"error","app":"b"})";
  std::string c = R"({"status":"error","app":"c"})";
  Drop("windows.jsonl", "\xEF\xBB\xBF" + a + "\r\n\r\n  \t \n" + b + "\r\n" + c);
  ASSERT_TRUE(WaitDone("windows.jsonl"));

  auto stored = Stored();
  ASSERT_EQ(stored.size(), 3u);
  EXPECT_EQ(stored["spool:windows.jsonl:1"].record.app, "a");
  EXPECT_EQ(stored["spool:windows.jsonl:4"].record.app, "b") << "blank lines are counted";
  EXPECT_EQ(stored["spool:windows.jsonl:5"].record.app, "c");
  EXPECT_FALSE(Exists(Rejected("windows.jsonl"))) << "blank lines are skipped, not refused";
}

TEST_F(SpoolWatcherTest, ReadingAFileAgainAddsNoRecord) {
  Start();
  std::string text = std::string(R"({"request_id":"r-1","generation_id":")") + kGen + "\"}\n" +
                     R"({"status":"timeout"})" + "\n" + "not json\n";
  Drop("again.jsonl", text);
  ASSERT_TRUE(WaitDone("again.jsonl"));
  ASSERT_EQ(watcher_->counters().accepted, 2u);

  // As after a crash between storing the lines and moving the file.
  Drop("again.jsonl", text);
  ASSERT_TRUE(WaitDone("again.jsonl"));
  EXPECT_EQ(watcher_->counters().accepted, 2u);
  EXPECT_EQ(watcher_->counters().duplicates, 2u);
  EXPECT_EQ(Stored().size(), 2u);
  EXPECT_EQ(ReadFile(Done("again.jsonl")), text) << "done/ holds the latest copy";
  EXPECT_EQ(ReadFile(Rejected("again.jsonl")), "not json\n") << "refusals are not doubled";
}

TEST_F(SpoolWatcherTest, LongFileIsReadInChunks) {
  SpoolWatcherOptions options;
  options.chunk_lines = 3;
  Start(options);
  std::string text;
  for (int i = 1; i <= 10; ++i) {
    text += R"({"request_id":"r-)" + std::to_string(i) + R"(","status":"error"})" + "\n";
  }
  Drop("long.jsonl", text);
  ASSERT_TRUE(WaitDone("long.jsonl"));
  EXPECT_EQ(Stored().size(), 10u);
}

TEST_F(SpoolWatcherTest, FailedCommitLeavesTheFileAndIsRetriedLater) {
  SpoolWatcherOptions options;
  options.chunk_lines = 2;
  std::string data_dir = dir_.File("not-yet");
  Start(options, data_dir);
  std::string text;
  for (int i = 1; i <= 5; ++i) {
    text += R"({"request_id":"r-)" + std::to_string(i) + R"(","status":"error"})" + "\n";
  }
  Drop("later.jsonl", text + "not json\n");
  RunFor(std::chrono::milliseconds(300));
  EXPECT_TRUE(Exists(Incoming("later.jsonl")));
  EXPECT_TRUE(Stored().empty());
  EXPECT_FALSE(Exists(Rejected("later.jsonl")));

  ASSERT_EQ(mkdir(data_dir.c_str(), 0700), 0);  // room again
  ASSERT_TRUE(WaitDone("later.jsonl"));
  EXPECT_EQ(Stored().size(), 5u);
  EXPECT_EQ(watcher_->counters().accepted, 5u);
  EXPECT_EQ(watcher_->counters().duplicates, 0u);
  EXPECT_EQ(ReadFile(Rejected("later.jsonl")), "not json\n");
}

TEST_F(SpoolWatcherTest, DoneFilesAreDeletedWhenNotKept) {
  SpoolWatcherOptions options;
  options.keep_done = false;
  Start(options);
  Drop("gone.jsonl", R"({"status":"error"})"
                     "\n");
  ASSERT_TRUE(RunUntil([&] { return !Exists(Incoming("gone.jsonl")); }));
  EXPECT_FALSE(Exists(Done("gone.jsonl")));
  EXPECT_EQ(Stored().size(), 1u);
}

TEST_F(SpoolWatcherTest, OverLongLineIsRejectedWhole) {
  SpoolWatcherOptions options;
  options.limits.max_line_bytes = 100;
  Start(options);
  std::string huge = R"({"status":"error","app":")" + std::string(200000, 'x') + "\"}";
  Drop("huge.jsonl", huge + "\r\n" + R"({"status":"error"})" + "\n");
  ASSERT_TRUE(WaitDone("huge.jsonl"));

  EXPECT_EQ(Stored().size(), 1u);
  EXPECT_EQ(ReadFile(Rejected("huge.jsonl")), huge + "\n");
  EXPECT_EQ(ReadFile(Rejected("huge.jsonl.errors")),
            R"({"line":1,"error":"line: )" + std::to_string(huge.size()) +
                R"x( bytes exceeds intake.max_line_bytes (100)"})x"
                "\n");
}

TEST_F(SpoolWatcherTest, FilesWaitingAtStartAreTakenIn) {
  std::filesystem::create_directories(spool_dir_ + "/incoming");
  std::ofstream(Incoming("early.jsonl")) << R"({"status":"error"})"
                                         << "\n";
  Start();
  ASSERT_TRUE(WaitDone("early.jsonl"));
}

}  // namespace
}  // namespace orauditd
