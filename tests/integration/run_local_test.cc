// scripts/run-local.sh, run from a copy of the checkout's layout in a
// temporary folder: the script itself, the local config, the examples, and
// no-op stand-ins for install-deps.sh and build.sh (the binaries are built
// already and come from BUILD_DIR). A second run while one is going must
// refuse before it touches any file of the first.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "common/unique_fd.h"
#include "common/unix_socket_probe.h"
#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"

namespace orauditd::testing {
namespace {

namespace fs = std::filesystem;

const std::string kSourceDir = ORAUDITD_SOURCE_DIR;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void WriteFile(const std::string& path, const std::string& text, fs::perms mode) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << text;
  fs::permissions(path, mode);
}

// A socket file with nobody behind it, as a run killed with -9 leaves.
void LeaveStaleSocket(const std::string& path) {
  fs::create_directories(fs::path(path).parent_path());
  UniqueFd fd(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
  ASSERT_EQ(bind(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address), 0)
      << std::strerror(errno);
}

class RunLocalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const fs::perms kExecutable = fs::perms::owner_all;
    const fs::perms kPlain = fs::perms::owner_read | fs::perms::owner_write;
    WriteFile(File("scripts/run-local.sh"), ReadFile(kSourceDir + "/scripts/run-local.sh"),
              kExecutable);
    WriteFile(File("scripts/install-deps.sh"), "#!/bin/sh\nexit 0\n", kExecutable);
    WriteFile(File("scripts/build.sh"), "#!/bin/sh\nexit 0\n", kExecutable);
    for (const char* example : {"examples/records.jsonl", "examples/fake-script.json"}) {
      WriteFile(File(example), ReadFile(kSourceDir + "/" + example), kPlain);
    }
    // Metrics off: port 9464 may be taken by another run on this machine.
    std::string config = ReadFile(kSourceDir + "/etc/orauditd.local.yaml");
    size_t listen = config.find("listen: 127.0.0.1:9464");
    ASSERT_NE(listen, std::string::npos) << config;
    config.replace(listen, std::strlen("listen: 127.0.0.1:9464"), "listen: null");
    WriteFile(File("etc/orauditd.local.yaml"), config, kPlain);
  }

  void TearDown() override {
    // SIGTERM lets the script stop its daemon and fake; SIGKILL would
    // leave them running.
    for (Subprocess* run : {&first_, &second_}) {
      if (run->running()) (void)run->Stop(std::chrono::seconds(20));
    }
  }

  std::string File(const std::string& name) const { return dir_.File(name); }

  // Starts the script with its output in <name>.out and <name>.err.
  void Start(Subprocess* run, const std::string& name) {
    SubprocessOptions options;
    options.stdout_path = File(name + ".out");
    options.stderr_path = File(name + ".err");
    options.working_dir = dir_.path();
    std::string build_dir = fs::path(ORAUDITD_BIN).parent_path().string();
    Status started = run->Start({"/bin/bash", File("scripts/run-local.sh")},
                                {"OPENROUTER_API_KEY=", "BUILD_DIR=" + build_dir}, options);
    ASSERT_TRUE(started.ok()) << started.ToString();
  }

  // Waits up to 30 s for `text` in <name>.out, or for the script to end.
  bool WaitForOutput(Subprocess* run, const std::string& name, const std::string& text) {
    for (int i = 0; i < 300; ++i) {
      if (ReadFile(File(name + ".out")).find(text) != std::string::npos) return true;
      auto ended = run->Wait(std::chrono::milliseconds(0));
      if (ended.ok()) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }

  std::string Output(const std::string& name) const {
    return "stdout:\n" + ReadFile(File(name + ".out")) + "stderr:\n" +
           ReadFile(File(name + ".err"));
  }

  TempDir dir_;
  Subprocess first_;
  Subprocess second_;
};

TEST_F(RunLocalTest, ASecondRunRefusesAndLeavesTheFirstOneAlone) {
  // A stale socket file alone is not a running daemon.
  LeaveStaleSocket(File("var/run/intake.sock"));
  Start(&first_, "first");
  ASSERT_TRUE(WaitForOutput(&first_, "first", "Stop with Ctrl-C.")) << Output("first");
  ASSERT_TRUE(ProbeUnixSocket(File("var/run/intake.sock")).ok()) << Output("first");
  std::string config = ReadFile(File("var/orauditd.yaml"));
  std::string fake_port = ReadFile(File("var/fake.port"));
  ASSERT_FALSE(fake_port.empty());

  Start(&second_, "second");
  auto refused = second_.Wait(std::chrono::seconds(30));
  ASSERT_TRUE(refused.ok()) << refused.status().ToString() << "\n" << Output("second");
  EXPECT_TRUE(refused->exited && refused->code == 1) << refused->ToString() << Output("second");
  std::string err = ReadFile(File("second.err"));
  EXPECT_NE(err.find("run-local: orauditd is already running from this checkout (pid "),
            std::string::npos)
      << Output("second");
  EXPECT_NE(err.find("holds var/data/queue/LOCK; var/run/intake.sock answers)"), std::string::npos)
      << Output("second");
  EXPECT_NE(err.find("stop it with Ctrl-C where it runs (or: kill -TERM "), std::string::npos)
      << Output("second");
  EXPECT_EQ(ReadFile(File("second.out")), "") << "no banner, no fake: " << Output("second");

  // The first run's files and daemon are as they were.
  EXPECT_EQ(ReadFile(File("var/orauditd.yaml")), config);
  EXPECT_EQ(ReadFile(File("var/fake.port")), fake_port);
  EXPECT_TRUE(ProbeUnixSocket(File("var/run/intake.sock")).ok()) << Output("first");

  auto stopped = first_.Stop(std::chrono::seconds(20));
  ASSERT_TRUE(stopped.ok()) << stopped.status().ToString();
  EXPECT_TRUE(stopped->Success()) << stopped->ToString() << Output("first");
  EXPECT_FALSE(ProbeUnixSocket(File("var/run/intake.sock")).ok()) << "the daemon stopped too";
}

TEST_F(RunLocalTest, ADaemonThatStopsAtStartUpGetsNoBanner) {
  std::ofstream(File("etc/orauditd.local.yaml"), std::ios::app) << "no_such_key: 1\n";
  Start(&first_, "first");
  auto ended = first_.Wait(std::chrono::seconds(30));
  ASSERT_TRUE(ended.ok()) << ended.status().ToString() << "\n" << Output("first");
  EXPECT_TRUE(ended->exited && ended->code == 78) << ended->ToString() << Output("first");
  EXPECT_EQ(ReadFile(File("first.out")).find("Stop with Ctrl-C"), std::string::npos)
      << Output("first");
  EXPECT_NE(ReadFile(File("first.err")).find("run-local: orauditd stopped at start-up (exit 78)"),
            std::string::npos)
      << Output("first");
}

}  // namespace
}  // namespace orauditd::testing
