// TempDir: a fresh directory per test, removed with everything in it when
// the test ends.
#pragma once

#include <cstdio>
#include <string>

namespace orauditd::testing {

class TempDir {
 public:
  // Under /tmp by default; a test that only wants a fast fsync may ask for a
  // tmpfs such as /dev/shm.
  explicit TempDir(const std::string& parent = "/tmp");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Everything written so far to `file` (a std::tmpfile(), say), from its start.
std::string WrittenTo(std::FILE* file);

}  // namespace orauditd::testing
