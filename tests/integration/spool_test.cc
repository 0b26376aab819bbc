// The spool directory through the real daemon: files dropped into
// incoming/ become rows, land in done/ and rejected/, are streamed with
// bounded memory, and a kill -9 in the middle of a file costs no row and
// adds none.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "tests/support/daemon_harness.h"

namespace orauditd::testing {
namespace {

constexpr int kBigFileLines = 100000;
constexpr int64_t kMaxResidentKiB = 150 * 1024;

bool Exists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Resident memory of a process in KiB, from /proc; -1 once it has gone.
int64_t ResidentKiB(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoll(line.substr(6));
  }
  return -1;
}

// Records whose lookups never finish while the test watches (the fake
// answers after a minute, the daemon gives up after 2 s and retries), so
// that no row is written meanwhile and the daemon's memory is intake's.
// Each line carries 2 KiB in a field the daemon ignores: the file is about
// 220 MB, more than the memory limit, so only a streamed file stays below.
std::string PaddedFile(int lines) {
  std::string pad(2048, 'x');
  std::string text;
  text.reserve(static_cast<size_t>(lines) * (pad.size() + 100));
  for (int i = 1; i <= lines; ++i) {
    char id[64];
    std::snprintf(id, sizeof id, "gen-1764860000-memory%08d", i);
    text += std::string(R"({"generation_id":")") + id + R"(","pad":")" + pad + "\"}\n";
  }
  return text;
}

// Records that need no lookup (status error: not_applicable at once), each
// naming its line in user_id, half with a request_id and half with no id at
// all (deduplicated on the file name and line number).
std::string BigFile(int lines) {
  std::string text;
  text.reserve(static_cast<size_t>(lines) * 90);
  for (int i = 1; i <= lines; ++i) {
    text += "{";
    if (i % 2 == 0) text += R"("request_id":"big-)" + std::to_string(i) + R"(",)";
    text += R"("status":"error","error_code":"502","user_id":"line-)" + std::to_string(i) +
            R"(","app":"spool-test"})"
            "\n";
  }
  return text;
}

class SpoolTest : public ::testing::Test {
 protected:
  void SetUp() override { Start({}); }

  void Start(const std::vector<std::string>& fake_args) {
    ASSERT_TRUE(harness_.StartFake("{}", fake_args).ok());
    Status started = harness_.StartDaemon();
    ASSERT_TRUE(started.ok()) << started.ToString();
    // The socket listens a moment before the spool folders exist.
    ASSERT_TRUE(WaitFor([&] { return Exists(Incoming("")); }, std::chrono::seconds(10)));
  }

  std::string Incoming(const std::string& name) {
    return harness_.spool_dir() + "/incoming/" + name;
  }
  std::string Done(const std::string& name) { return harness_.spool_dir() + "/done/" + name; }
  std::string Rejected(const std::string& name) {
    return harness_.spool_dir() + "/rejected/" + name;
  }

  // Written under a temp name, then renamed into incoming/, as clients must.
  void Drop(const std::string& name, const std::string& text) {
    std::string temp = Incoming(name + ".tmp");
    std::ofstream(temp, std::ios::binary) << text;
    ASSERT_EQ(std::rename(temp.c_str(), Incoming(name).c_str()), 0);
  }

  bool WaitFor(const std::function<bool()>& ready, std::chrono::seconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!ready()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return true;
  }

  bool WaitDone(const std::string& name, std::chrono::seconds timeout = std::chrono::seconds(30)) {
    return WaitFor([&] { return Exists(Done(name)) && !Exists(Incoming(name)); }, timeout);
  }

  std::string Scalar(const std::string& sql) {
    auto value = QueryScalar(harness_.db_path(), sql);
    EXPECT_TRUE(value.ok()) << value.status().ToString();
    return value.ok() ? *value : "";
  }

  DaemonHarness harness_;
};

TEST_F(SpoolTest, DroppedFileBecomesRowsAndMovesToDone) {
  std::string text =
      "\xEF\xBB\xBF"
      R"({"request_id":"s-1","generation_id":"gen-1764860000-spoolResolved0001"})"
      "\r\n"
      "\r\n"
      R"({"request_id":"s-2","status":"error","prompt_tokens":-3})"
      "\r\n"
      "{not json\n"
      R"({"status":"timeout","user_id":"no-id"})";
  Drop("calls.jsonl", text);
  ASSERT_TRUE(WaitDone("calls.jsonl")) << harness_.DaemonLog();
  ASSERT_TRUE(harness_.WaitForRows(2).ok());

  EXPECT_EQ(ReadFile(Done("calls.jsonl")), text);
  auto rows = harness_.Query(
      "SELECT request_id, source, meta_status, peer_uid FROM audit_log "
      "ORDER BY seq");
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 2u);
  for (SqlRow& row : *rows) EXPECT_EQ(row["source"], "spool");
  EXPECT_EQ(Scalar("SELECT meta_status FROM audit_log WHERE request_id = 's-1'"), "resolved");
  EXPECT_EQ(Scalar("SELECT meta_status FROM audit_log WHERE user_id = 'no-id'"), "not_applicable");
  EXPECT_EQ(Scalar("SELECT peer_uid FROM audit_log WHERE request_id = 's-1'"),
            std::to_string(getuid()));

  EXPECT_EQ(ReadFile(Rejected("calls.jsonl")),
            R"({"request_id":"s-2","status":"error","prompt_tokens":-3})"
            "\n{not json\n");
  std::string errors = ReadFile(Rejected("calls.jsonl.errors"));
  EXPECT_EQ(errors.rfind(R"({"line":3,"error":"prompt_tokens: must be an integer >= 0, got -3"})"
                         "\n{\"line\":4,\"error\":\"line: ",
                         0),
            0u)
      << errors;
  std::string log = harness_.DaemonLog();
  EXPECT_NE(log.find("spool: calls.jsonl: 4 lines: 2 accepted, 0 duplicates, 2 refused"),
            std::string::npos)
      << log;
}

TEST_F(SpoolTest, TemporaryNamesWaitUntilRenamed) {
  std::string line = R"({"request_id":"t-1","status":"error"})"
                     "\n";
  std::ofstream(Incoming(".early.jsonl")) << line;
  std::ofstream(Incoming("early.jsonl.tmp")) << line;
  std::this_thread::sleep_for(std::chrono::milliseconds(700));  // a few scans
  EXPECT_TRUE(Exists(Incoming(".early.jsonl")));
  EXPECT_TRUE(Exists(Incoming("early.jsonl.tmp")));
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM audit_log"), "0");

  ASSERT_EQ(std::rename(Incoming("early.jsonl.tmp").c_str(), Incoming("early.jsonl").c_str()), 0);
  ASSERT_TRUE(WaitDone("early.jsonl"));
  ASSERT_TRUE(harness_.WaitForRows(1).ok());
}

// Names the spool does not read stay where they are, and the log says so
// once for each; names of files still being written are passed over
// silently.
TEST_F(SpoolTest, OtherNamesStayAndTheLogNamesEachOnce) {
  std::string line = R"({"request_id":"o-1","status":"error"})"
                     "\n";
  std::ofstream(Incoming("calls.json")) << line;
  ASSERT_TRUE(std::filesystem::create_directory(Incoming("nested")));
  std::ofstream(Incoming("nested/inner.jsonl")) << line;
  std::ofstream(Incoming(".still-writing.jsonl")) << line;

  auto count = [&](const std::string& text) {
    std::string log = harness_.DaemonLog();
    size_t n = 0;
    for (size_t at = log.find(text); at != std::string::npos; at = log.find(text, at + 1)) ++n;
    return n;
  };
  const std::string file_note = "incoming/calls.json is not read";
  const std::string folder_note = "incoming/nested/ is a folder and is not read";
  ASSERT_TRUE(WaitFor([&] { return count(file_note) > 0 && count(folder_note) > 0; },
                      std::chrono::seconds(10)))
      << harness_.DaemonLog();
  std::this_thread::sleep_for(std::chrono::milliseconds(700));  // a few more scans

  EXPECT_EQ(count(file_note), 1u);
  EXPECT_EQ(count(folder_note), 1u);
  EXPECT_EQ(count(".still-writing.jsonl"), 0u);
  EXPECT_TRUE(Exists(Incoming("calls.json")));
  EXPECT_TRUE(Exists(Incoming("nested/inner.jsonl")));
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM audit_log"), "0");
}

class SpoolMemoryTest : public SpoolTest {
 protected:
  void SetUp() override { Start({"--latency-ms", "60000"}); }
};

TEST_F(SpoolMemoryTest, BigFileIsStreamedWithBoundedMemory) {
  std::string text = PaddedFile(kBigFileLines);
  ASSERT_GT(text.size(), static_cast<size_t>(kMaxResidentKiB) * 1024);
  Drop("big.jsonl", text);
  text = std::string();
  int64_t peak_kib = 0;
  bool done = WaitFor(
      [&] {
        peak_kib = std::max(peak_kib, ResidentKiB(harness_.daemon().pid()));
        return Exists(Done("big.jsonl"));
      },
      std::chrono::seconds(180));
  ASSERT_TRUE(done) << harness_.DaemonLog().substr(0, 4000);
  EXPECT_TRUE(WaitFor(
      [&] {
        return harness_.DaemonLog().find("spool: big.jsonl: 100000 lines: 100000 accepted") !=
               std::string::npos;
      },
      std::chrono::seconds(10)));

  std::printf("[ memory ] daemon VmRSS peak while taking in %d lines (%d MiB): %lld MiB\n",
              kBigFileLines, static_cast<int>(std::filesystem::file_size(Done("big.jsonl")) >> 20),
              static_cast<long long>(peak_kib / 1024));
  EXPECT_LT(peak_kib, kMaxResidentKiB) << "the file must be streamed, not loaded";
  (void)harness_.StopDaemon(SIGKILL);  // its lookups would wait a minute each
}

TEST_F(SpoolTest, KillNineInTheMiddleOfAFileLeavesOneRowPerLine) {
  Drop("crash.jsonl", BigFile(kBigFileLines));
  bool mid_file = WaitFor(
      [&] {
        auto rows = QueryScalar(harness_.db_path(), "SELECT COUNT(*) FROM audit_log");
        return rows.ok() && std::stoll(*rows) > 0;
      },
      std::chrono::seconds(60));
  ASSERT_TRUE(mid_file) << harness_.DaemonLog().substr(0, 4000);
  bool still_incoming = Exists(Incoming("crash.jsonl"));
  auto killed = harness_.StopDaemon(SIGKILL);
  ASSERT_TRUE(killed.ok()) << killed.status().ToString();
  EXPECT_TRUE(still_incoming) << "the kill came after the whole file was taken in";

  ASSERT_TRUE(harness_.RestartDaemon().ok());
  ASSERT_TRUE(WaitDone("crash.jsonl", std::chrono::seconds(120))) << harness_.DaemonLog();
  ASSERT_TRUE(harness_.WaitForRows(kBigFileLines, std::chrono::seconds(240)).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // no late extra rows

  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM audit_log"), std::to_string(kBigFileLines));
  EXPECT_EQ(Scalar("SELECT COUNT(DISTINCT user_id) FROM audit_log"), std::to_string(kBigFileLines))
      << "every line exactly once";
  EXPECT_EQ(Scalar("SELECT COUNT(DISTINCT request_id) FROM audit_log"),
            std::to_string(kBigFileLines));
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM audit_log WHERE request_id LIKE 'big-%'"),
            std::to_string(kBigFileLines / 2));
}

}  // namespace
}  // namespace orauditd::testing
