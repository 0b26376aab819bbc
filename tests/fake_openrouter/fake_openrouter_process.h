// FakeOpenRouterProcess: runs the built fake_openrouter binary for a test
// on 127.0.0.1 port 0, waits for its port file, and stops it at the end.
// Header-only because it builds on tests/support/subprocess, which only
// test binaries link. Any test binary can include it; FAKE_OPENROUTER_BIN
// must name the binary (the test CMake helper defines it).
#pragma once

#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include "common/status.h"
#include "tests/support/subprocess.h"

namespace orauditd::fake {

class FakeOpenRouterProcess {
 public:
  FakeOpenRouterProcess() = default;
  FakeOpenRouterProcess(const FakeOpenRouterProcess&) = delete;
  FakeOpenRouterProcess& operator=(const FakeOpenRouterProcess&) = delete;
  ~FakeOpenRouterProcess() {
    process_ = testing::Subprocess();  // kills a fake still running
    if (!dir_.empty()) {
      std::error_code ignored;
      std::filesystem::remove_all(dir_, ignored);
    }
  }

  // Starts the fake with `args` plus --listen 127.0.0.1:0 and --port-file,
  // and waits up to `timeout` for the port.
  Status Start(const std::vector<std::string>& args = {},
               std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    // mkdtemp replaces the six trailing X characters.
    std::string pattern =
        (std::filesystem::temp_directory_path() / ("fake_or." + std::string(6, 'X'))).string();
    if (mkdtemp(pattern.data()) == nullptr) return Status::IoError("mkdtemp failed");
    dir_ = pattern;
    std::string port_file = dir_ + "/port";
    std::vector<std::string> argv = {FAKE_OPENROUTER_BIN, "--listen", "127.0.0.1:0", "--port-file",
                                     port_file};
    argv.insert(argv.end(), args.begin(), args.end());
    testing::SubprocessOptions options;
    options.stdout_path = dir_ + "/stdout";
    options.stderr_path = dir_ + "/stderr";
    Status status = process_.Start(argv, {}, options);
    if (!status.ok()) return status;

    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      std::ifstream in(port_file);
      unsigned port = 0;
      if (in >> port && port > 0 && port < 65536) {
        port_ = static_cast<uint16_t>(port);
        return Status::Ok();
      }
      StatusOr<testing::ExitStatus> exited = process_.Wait(std::chrono::milliseconds(0));
      if (exited.ok()) {
        return Status::Unavailable("fake_openrouter exited early (" + exited->ToString() +
                                   "): " + ReadFile("stderr"));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return Status::Unavailable("fake_openrouter wrote no port file within " +
                               std::to_string(timeout.count()) + " ms");
  }

  // SIGTERM and a bounded wait; the exit status says whether it left cleanly.
  StatusOr<testing::ExitStatus> Stop() { return process_.Stop(std::chrono::seconds(5)); }

  uint16_t port() const { return port_; }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/api/v1"; }
  const std::string& dir() const { return dir_; }
  testing::Subprocess& process() { return process_; }

  // Text of a file in the fake's temp dir ("stdout", "stderr").
  std::string ReadFile(const std::string& name) const {
    std::ifstream in(dir_ + "/" + name, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }

 private:
  testing::Subprocess process_;
  std::string dir_;
  uint16_t port_ = 0;
};

}  // namespace orauditd::fake
