#include "tests/support/temp_dir.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

namespace orauditd::testing {

TempDir::TempDir(const std::string& parent) {
  // Short paths: Unix socket paths must stay under 108 bytes.
  std::string pattern = parent + "/oratest.XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

}  // namespace orauditd::testing
