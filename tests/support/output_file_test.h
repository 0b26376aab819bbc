// OutputFileTest: a fixture for code that writes to a FILE* (progress
// displays): a fresh std::tmpfile() per test and what was written to it.
#pragma once

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "tests/support/temp_dir.h"

namespace orauditd::testing {

class OutputFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    out_ = std::tmpfile();
    ASSERT_NE(out_, nullptr);
  }
  void TearDown() override {
    if (out_ != nullptr) std::fclose(out_);
  }

  std::string Written() { return WrittenTo(out_); }

  std::FILE* out_ = nullptr;
};

}  // namespace orauditd::testing
