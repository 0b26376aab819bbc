// The client libraries' programs as child processes: each language's
// runtime found on PATH (a missing one fails the test: CI installs them),
// a bounded run with the output kept, and the command that runs one
// language's driver (tests/clients/drivers/) on a plan file.
#pragma once

#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "common/status.h"
#include "tests/support/subprocess.h"

namespace orauditd::testing {

inline const std::string kSourceDir = ORAUDITD_SOURCE_DIR;
inline const std::string kClientsDir = kSourceDir + "/clients";
inline const std::string kDriversDir = kSourceDir + "/tests/clients/drivers";

inline std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The names in a folder, sorted; none when it does not exist.
inline std::vector<std::string> ListFolder(const std::string& path) {
  std::vector<std::string> names;
  DIR* dir = opendir(path.c_str());
  if (dir == nullptr) return names;
  while (dirent* entry = readdir(dir)) {
    std::string name = entry->d_name;
    if (name != "." && name != "..") names.push_back(name);
  }
  closedir(dir);
  std::sort(names.begin(), names.end());
  return names;
}

// The absolute path of `program` in one of PATH's folders.
inline StatusOr<std::string> FindOnPath(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::stringstream folders(path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin");
  std::string folder;
  while (std::getline(folders, folder, ':')) {
    std::string candidate = (folder.empty() ? "." : folder) + "/" + program;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return Status::NotFound(program + " is not on PATH (" + (path ? path : "unset") +
                          "); scripts/install-deps.sh installs it");
}

// Go's environment for the tests: caches in the build tree (HOME may be
// unusable in CI), no user config, and nothing ever downloaded.
inline std::vector<std::string> GoEnv() {
  std::string root = std::string(ORAUDITD_BINARY_DIR) + "/clients-go";
  return {"GOCACHE=" + root + "/cache",
          "GOPATH=" + root + "/path",
          "GOENV=off",
          "GOPROXY=off",
          "GOFLAGS=",
          "GOWORK=off",
          "GOTOOLCHAIN=local"};
}

struct ProgramRun {
  ExitStatus status;
  std::string out;
  std::string err;

  std::string Describe() const {
    return status.ToString() + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
  }
};

// Runs argv (argv[0] looked up on PATH unless it holds a '/') in `dir` with
// `env` added, and waits at most `timeout`; stdout and stderr go through
// files in `scratch_dir`.
inline StatusOr<ProgramRun> RunProgram(std::vector<std::string> argv,
                                       const std::vector<std::string>& env, const std::string& dir,
                                       const std::string& scratch_dir,
                                       std::chrono::seconds timeout = std::chrono::seconds(120)) {
  if (argv[0].find('/') == std::string::npos) {
    auto found = FindOnPath(argv[0]);
    if (!found.ok()) return found.status();
    argv[0] = *found;
  }
  static int runs = 0;
  std::string stem = scratch_dir + "/run" + std::to_string(++runs);
  SubprocessOptions options;
  options.stdout_path = stem + ".out";
  options.stderr_path = stem + ".err";
  options.working_dir = dir;
  Subprocess child;
  Status started = child.Start(argv, env, options);
  if (!started.ok()) return started;
  auto status = child.Wait(timeout);
  if (!status.ok()) {
    return Status::Unavailable(argv[0] + " did not end within " + std::to_string(timeout.count()) +
                               " s: " + status.status().message() + "\n" +
                               ReadWholeFile(stem + ".err"));
  }
  return ProgramRun{*status, ReadWholeFile(stem + ".out"), ReadWholeFile(stem + ".err")};
}

inline const std::vector<std::string> kLanguages = {"python", "node", "go"};

// The command line that runs `language`'s driver on a plan file (appended by
// the caller). The Go driver is built first, into `scratch_dir`.
inline StatusOr<std::vector<std::string>> DriverCommand(const std::string& language,
                                                        const std::string& scratch_dir) {
  if (language == "python") return std::vector<std::string>{"python3", kDriversDir + "/driver.py"};
  if (language == "node") return std::vector<std::string>{"node", kDriversDir + "/driver.js"};
  std::string binary = scratch_dir + "/clientdriver";
  auto built =
      RunProgram({"go", "build", "-o", binary, "."}, GoEnv(), kDriversDir + "/go", scratch_dir);
  if (!built.ok()) return built.status();
  if (!built->status.Success()) {
    return Status::Internal("go build of the driver failed: " + built->Describe());
  }
  return std::vector<std::string>{binary};
}

}  // namespace orauditd::testing
