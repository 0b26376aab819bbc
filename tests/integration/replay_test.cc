// `orauditd replay` and `orauditctl replay` on real processes: exit codes,
// summaries, refused lines named by file and line, and no second row for a
// line however often, and by whichever way, it is read.
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

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

struct CommandRun {
  ExitStatus exit;
  std::string out;
  std::string err;
};

// Three records: one resolves, one is an old call (already past its
// window), one names no id at all.
std::string Records(const std::string& prefix) {
  return R"({"request_id":")" + prefix + R"(-1","generation_id":"gen-1764860000-)" + prefix +
         R"(ReplayOne01"})"
         "\n"
         R"({"request_id":")" +
         prefix + R"(-2","generation_id":"gen-1764860000-)" + prefix +
         R"(ReplayOld02","timestamp":"2020-01-01T00:00:00Z"})"
         "\n"
         "\n"
         R"({"status":"error","error_code":"500","user_id":")" +
         prefix +
         R"(-noid"})"
         "\n";
}

class ReplayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(harness_.StartFake("{}").ok());
    // The daemon writes the config and creates the folders; replay needs the
    // queue to itself, so it is stopped again unless a test wants it.
    Status started = harness_.StartDaemon();
    ASSERT_TRUE(started.ok()) << started.ToString();
    // The socket listens before the daemon handles SIGTERM; "ready" comes after.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (harness_.DaemonLog().find(" ready: ") == std::string::npos &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    auto stopped = harness_.StopDaemon();
    ASSERT_TRUE(stopped.ok() && stopped->Success()) << harness_.DaemonLog();
  }

  CommandRun Exec(std::vector<std::string> argv,
                  std::chrono::seconds timeout = std::chrono::seconds(60)) {
    std::string out = harness_.dir() + "/run.out";
    std::string err = harness_.dir() + "/run.err";
    SubprocessOptions options;
    options.stdout_path = out;
    options.stderr_path = err;
    Subprocess process;
    Status started = process.Start(argv, {std::string("OPENROUTER_API_KEY=") + kTestKey}, options);
    EXPECT_TRUE(started.ok()) << started.ToString();
    auto exit = process.Wait(timeout);
    EXPECT_TRUE(exit.ok()) << exit.status().ToString();
    return {exit.ok() ? *exit : ExitStatus{}, ReadFile(out), ReadFile(err)};
  }

  CommandRun Replay(const std::vector<std::string>& paths) {
    std::vector<std::string> argv = {ORAUDITD_BIN, "replay", "--config", harness_.config_path()};
    argv.insert(argv.end(), paths.begin(), paths.end());
    return Exec(argv);
  }

  CommandRun CtlReplay(const std::vector<std::string>& paths) {
    std::vector<std::string> argv = {ORAUDITCTL_BIN, "replay", "--socket", harness_.socket_path()};
    argv.insert(argv.end(), paths.begin(), paths.end());
    return Exec(argv);
  }

  std::string Write(const std::string& name, const std::string& text) {
    std::string path = harness_.dir() + "/" + name;
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  std::string Rows() {
    auto n = QueryScalar(harness_.db_path(), "SELECT COUNT(*) FROM audit_log");
    return n.ok() ? *n : n.status().ToString();
  }

  // The harness's config with log.format json (it logs at debug, so the
  // replay has log lines to show).
  std::string JsonLogConfig() {
    std::string text = ReadFile(harness_.config_path());
    const std::string level = "log: { level: debug";
    size_t at = text.find(level);
    EXPECT_NE(at, std::string::npos) << text;
    if (at != std::string::npos) text.insert(at + level.size(), ", format: json");
    return Write("json-log.yaml", text);
  }

  DaemonHarness harness_;
};

TEST_F(ReplayTest, EveryRecordReachesTheSinksBeforeItExitsZero) {
  std::string file = Write("calls.jsonl", Records("a"));
  CommandRun run = Replay({file});
  ASSERT_TRUE(run.exit.Success()) << run.exit.ToString() << "\n" << run.out << run.err;

  EXPECT_EQ(Rows(), "3") << "every row is written when replay returns";
  EXPECT_NE(run.out.find("accepted    3"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("refused     0"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("rows written: 3"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("resolved        2"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("not_applicable  1"), std::string::npos) << run.out;
  EXPECT_NE(run.err.find("replay: 3 lines read"), std::string::npos)
      << "plain progress lines when stderr is not a terminal:\n"
      << run.err;

  auto rows = harness_.Query("SELECT source, meta_status FROM audit_log WHERE request_id = 'a-2'");
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0]["source"], "replay");
  EXPECT_EQ((*rows)[0]["meta_status"], "resolved") << "an old record still gets its lookups";
}

TEST_F(ReplayTest, ReplayingTwiceAddsNoRows) {
  std::string file = Write("twice.jsonl", Records("b"));
  ASSERT_TRUE(Replay({file}).exit.Success());
  CommandRun again = Replay({file});
  ASSERT_TRUE(again.exit.Success()) << again.out << again.err;
  EXPECT_NE(again.out.find("accepted    0"), std::string::npos) << again.out;
  EXPECT_NE(again.out.find("duplicates  3"), std::string::npos) << again.out;
  EXPECT_EQ(Rows(), "3");
}

TEST_F(ReplayTest, RefusedLinesAreNamedAndTheExitCodeIsOne) {
  std::string file = Write("bad.jsonl", R"({"request_id":"c-1","status":"error"})"
                                        "\nnot json\n"
                                        R"({"request_id":"c-3","status":"error","cost":-1})"
                                        "\n");
  CommandRun run = Replay({file});
  EXPECT_EQ(run.exit.code, 1) << run.exit.ToString() << run.out << run.err;
  EXPECT_NE(run.err.find(file + ":2: line: "), std::string::npos) << run.err;
  EXPECT_NE(run.err.find(file + ":3: cost: must be a number >= 0, got -1"), std::string::npos)
      << run.err;
  EXPECT_NE(run.out.find("refused     2"), std::string::npos) << run.out;
  EXPECT_EQ(Rows(), "1") << "the good line is stored all the same";
}

TEST_F(ReplayTest, FoldersAreReadForTheirSpoolFiles) {
  Write("folder/one.jsonl", R"({"request_id":"d-1","status":"error"})"
                            "\n");
  Write("folder/two.ndjson", R"({"request_id":"d-2","status":"error"})"
                             "\n");
  Write("folder/.hidden.jsonl", R"({"request_id":"d-3","status":"error"})"
                                "\n");
  Write("folder/notes.txt", "not a spool file\n");
  CommandRun run = Replay({harness_.dir() + "/folder"});
  ASSERT_TRUE(run.exit.Success()) << run.out << run.err;
  EXPECT_NE(run.out.find("replay: 2 of 2 files read"), std::string::npos) << run.out;
  EXPECT_EQ(Rows(), "2");
}

TEST_F(ReplayTest, JsonLogFormatMakesTheReplayLogJsonLines) {
  std::string file = Write("json.jsonl", Records("h") + "not json\n");
  std::vector<std::string> argv = {ORAUDITD_BIN, "replay", "--config", JsonLogConfig(), file};
  CommandRun run = Exec(argv);
  EXPECT_EQ(run.exit.code, 1) << "a refused line: " << run.out << run.err;

  // Progress lines and refused lines are the command's own output; every
  // other stderr line is a log line, shaped as the daemon's JSON lines are.
  std::istringstream err(run.err);
  std::string line;
  int log_lines = 0;
  while (std::getline(err, line)) {
    if (line.rfind("replay: ", 0) == 0 || line.rfind(file + ":", 0) == 0) continue;
    ++log_lines;
    EXPECT_EQ(line.rfind("{\"time\":\"", 0), 0u) << line;
    EXPECT_NE(line.find("Z\",\"level\":\""), std::string::npos) << line;
    EXPECT_NE(line.find("\"message\":\""), std::string::npos) << line;
    EXPECT_EQ(line.back(), '}') << line;
  }
  EXPECT_GT(log_lines, 0) << "the config logs at debug:\n" << run.err;
  EXPECT_NE(run.err.find(file + ":5: line: "), std::string::npos) << run.err;
  EXPECT_EQ(Rows(), "3");
}

TEST_F(ReplayTest, MissingPathIsAUsageError) {
  CommandRun run = Replay({harness_.dir() + "/absent.jsonl"});
  EXPECT_EQ(run.exit.code, 2) << run.err;
  EXPECT_NE(run.err.find("absent.jsonl"), std::string::npos) << run.err;
}

TEST_F(ReplayTest, AMissingDataDirIsMadeAsTheDaemonWouldMakeIt) {
  std::string text = ReadFile(harness_.config_path());
  const std::string old_line = "data_dir: " + harness_.data_dir() + "\n";
  const std::string fresh = harness_.dir() + "/fresh/data";
  size_t at = text.find(old_line);
  ASSERT_NE(at, std::string::npos) << text;
  text.replace(at, old_line.size(), "data_dir: " + fresh + "\n");
  std::string file = Write("fresh.jsonl", Records("m"));
  CommandRun run = Exec({ORAUDITD_BIN, "replay", "--config", Write("fresh.yaml", text), file});
  EXPECT_EQ(run.exit.code, 0) << run.out << run.err;
  EXPECT_TRUE(std::filesystem::is_directory(fresh + "/queue"));
}

TEST_F(ReplayTest, RunningDaemonHoldsTheQueue) {
  ASSERT_TRUE(harness_.RestartDaemon().ok());
  std::string file = Write("busy.jsonl", Records("e"));
  CommandRun run = Replay({file});
  EXPECT_EQ(run.exit.code, 1) << run.out << run.err;
  EXPECT_NE(run.err.find("is in use by a running orauditd; use orauditctl replay"),
            std::string::npos)
      << run.err;
}

TEST_F(ReplayTest, OrauditctlReplaySendsFilesToTheDaemonOnce) {
  ASSERT_TRUE(harness_.RestartDaemon().ok());
  std::string file = Write("ctl.jsonl", Records("f") + "not json\n");
  CommandRun first = CtlReplay({file});
  EXPECT_EQ(first.exit.code, 1) << "a refused line: " << first.out << first.err;
  EXPECT_NE(first.out.find("4 lines: 3 stored, 0 duplicates, 1 refused"), std::string::npos)
      << first.out;
  EXPECT_NE(first.err.find(file + ":5: line: "), std::string::npos) << first.err;
  // Stderr is a file here, so progress comes as plain lines; the last one
  // gives the file's size and the share sent.
  std::string size = std::to_string(std::filesystem::file_size(file));
  EXPECT_NE(first.err.find("orauditctl replay: " + file + ": done, 100% of " + size +
                           " bytes sent, 4 lines: 3 stored, 0 duplicates, 1 refused\n"),
            std::string::npos)
      << first.err;
  ASSERT_TRUE(harness_.WaitForRows(3).ok());

  CommandRun second = CtlReplay({file});
  EXPECT_NE(second.out.find("4 lines: 0 stored, 3 duplicates, 1 refused"), std::string::npos)
      << second.out;
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(Rows(), "3");
}

// A daemon that cannot store records for now refuses every line with the
// same reason: replay stops at the first, lists none of them as bad lines,
// and says to run it again, which then stores everything once.
TEST_F(ReplayTest, OrauditctlReplayStopsWhileTheDaemonRefusesRecordsAndExitsSeventyFive) {
  harness_.set_min_free("100000GiB");
  ASSERT_TRUE(harness_.StartDaemon().ok()) << harness_.DaemonLog();
  std::string a = Write("later/a.jsonl", Records("ra"));
  std::string b = Write("later/b.jsonl", Records("rb"));
  std::string folder = harness_.dir() + "/later";

  CommandRun refused = CtlReplay({folder});
  EXPECT_EQ(refused.exit.code, 75) << refused.out << refused.err;
  EXPECT_NE(refused.err.find("the daemon does not take records for now: disk full: "),
            std::string::npos)
      << refused.err;
  EXPECT_NE(refused.err.find("stopped at " + a + ":1; run the same command again later"),
            std::string::npos)
      << refused.err;
  EXPECT_EQ(refused.err.find(a + ":1: disk full"), std::string::npos)
      << "not a bad line: " << refused.err;
  EXPECT_EQ(refused.err.find(b), std::string::npos) << "the next file is not sent";
  EXPECT_NE(refused.out.find("replayed 0 of 2 files: 0 lines: 0 stored, 0 duplicates, 0 refused"),
            std::string::npos)
      << refused.out;

  auto stopped = harness_.StopDaemon();
  ASSERT_TRUE(stopped.ok() && stopped->Success()) << harness_.DaemonLog();
  harness_.set_min_free("1MiB");
  ASSERT_TRUE(harness_.StartDaemon().ok()) << harness_.DaemonLog();
  CommandRun again = CtlReplay({folder});
  EXPECT_EQ(again.exit.code, 0) << again.out << again.err;
  EXPECT_NE(again.out.find("replayed 2 of 2 files: 6 lines: 6 stored, 0 duplicates, 0 refused"),
            std::string::npos)
      << again.out;
  ASSERT_TRUE(harness_.WaitForRows(6).ok());
}

TEST_F(ReplayTest, SpoolAndBothReplaysAgreeOnALine) {
  // Taken in by the spool first...
  ASSERT_TRUE(harness_.RestartDaemon().ok());
  std::string text = Records("g");
  std::string incoming = harness_.spool_dir() + "/incoming/agree.jsonl";
  std::ofstream(incoming + ".tmp") << text;
  ASSERT_EQ(std::rename((incoming + ".tmp").c_str(), incoming.c_str()), 0);
  ASSERT_TRUE(harness_.WaitForRows(3).ok()) << harness_.DaemonLog();

  // ...then sent again through the daemon, then replayed without it.
  std::string copy = Write("elsewhere/agree.jsonl", text);
  CommandRun ctl = CtlReplay({copy});
  ASSERT_TRUE(ctl.exit.Success()) << ctl.out << ctl.err;
  EXPECT_NE(ctl.out.find("3 lines: 0 stored, 3 duplicates"), std::string::npos) << ctl.out;
  auto stopped = harness_.StopDaemon();
  ASSERT_TRUE(stopped.ok() && stopped->Success());
  CommandRun replay = Replay({copy});
  ASSERT_TRUE(replay.exit.Success()) << replay.out << replay.err;
  EXPECT_NE(replay.out.find("duplicates  3"), std::string::npos) << replay.out;
  EXPECT_EQ(Rows(), "3");
}

}  // namespace
}  // namespace orauditd::testing
