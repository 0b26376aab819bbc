#include "storage/json_text.h"

#include <gtest/gtest.h>

#include "common/time_format.h"

namespace orauditd {
namespace {

TEST(JsonTextTest, TimeMatchesFormatRfc3339Utc) {
  for (int64_t ms : {int64_t{0}, int64_t{1}, int64_t{999}, int64_t{86399999},
                     int64_t{951782400000} /* 2000-02-29 */, int64_t{1796397038123},
                     int64_t{253402300799999} /* 9999-12-31T23:59:59.999Z */,
                     int64_t{-1} /* 1969 */, int64_t{253402300800000} /* year 10000 */}) {
    std::string out;
    AppendJsonTime(&out, ms);
    EXPECT_EQ(out, "\"" + FormatRfc3339Utc(ms) + "\"") << ms;
  }
}

}  // namespace
}  // namespace orauditd
