#include "common/ulid.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace orauditd {
namespace {

constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

// Decodes the first ten characters: the 48-bit millisecond timestamp.
int64_t TimeOf(const std::string& ulid) {
  int64_t ms = 0;
  for (int i = 0; i < 10; ++i) ms = ms * 32 + static_cast<int64_t>(kAlphabet.find(ulid[i]));
  return ms;
}

UlidGenerator::RandomSource Fixed(uint8_t byte) {
  return [byte](uint8_t* buffer, size_t size) { std::fill(buffer, buffer + size, byte); };
}

TEST(UlidTest, HasTwentySixCrockfordCharacters) {
  std::string id = NewUlid(1767225600123);
  ASSERT_EQ(id.size(), 26u);
  for (char c : id) EXPECT_NE(kAlphabet.find(c), std::string_view::npos) << c;
  EXPECT_LE(id[0], '7');  // 128 bits leave the top two bits of 130 empty
}

TEST(UlidTest, EncodesTheTimestamp) {
  UlidGenerator generator(Fixed(0));
  EXPECT_EQ(generator.Next(1767225600123), "01KDVDNA3V0000000000000000");
  EXPECT_EQ(TimeOf(generator.Next(1767225600124)), 1767225600124);
}

TEST(UlidTest, SpecExampleTimestamp) {
  // The ULID spec's example id 01ARZ3NDEKTSV4RRFFQ69G5FAV starts with the
  // time 1469922850259 ms.
  UlidGenerator generator(Fixed(0xff));
  EXPECT_EQ(generator.Next(1469922850259), "01ARZ3NDEKZZZZZZZZZZZZZZZZ");
}

TEST(UlidTest, IncrementsWithinOneMillisecond) {
  UlidGenerator generator(Fixed(0));
  EXPECT_EQ(generator.Next(1000), "00000000Z80000000000000000");
  EXPECT_EQ(generator.Next(1000), "00000000Z80000000000000001");
  EXPECT_EQ(generator.Next(1000), "00000000Z80000000000000002");
}

TEST(UlidTest, StaysMonotonicWhenTheClockStepsBack) {
  UlidGenerator generator;
  std::string first = generator.Next(5000);
  std::string second = generator.Next(4000);
  EXPECT_LT(first, second);
  EXPECT_EQ(TimeOf(second), 5000);
}

TEST(UlidTest, BorrowsTheNextMillisecondWhenTheRandomPartOverflows) {
  UlidGenerator generator(Fixed(0xff));
  std::string first = generator.Next(1000);
  std::string second = generator.Next(1000);
  EXPECT_LT(first, second);
  EXPECT_EQ(TimeOf(second), 1001);
}

TEST(UlidTest, ClampsTimeToFortyEightBits) {
  UlidGenerator generator(Fixed(0));
  EXPECT_EQ(generator.Next(-5).substr(0, 10), "0000000000");
  EXPECT_EQ(generator.Next(int64_t{1} << 50).substr(0, 10), "7ZZZZZZZZZ");
}

TEST(UlidTest, RandomPartDiffersBetweenMilliseconds) {
  UlidGenerator generator;
  EXPECT_NE(generator.Next(1).substr(10), generator.Next(2).substr(10));
}

TEST(UlidTest, ThreadsGetUniqueIncreasingIds) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 2000;
  UlidGenerator generator;
  std::vector<std::vector<std::string>> ids(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) ids[t].push_back(generator.Next(1767225600000));
    });
  }
  for (std::thread& thread : threads) thread.join();

  std::set<std::string> all;
  for (const auto& list : ids) {
    EXPECT_TRUE(std::is_sorted(list.begin(), list.end()));
    all.insert(list.begin(), list.end());
  }
  EXPECT_EQ(all.size(), static_cast<size_t>(kThreads * kPerThread));
}

}  // namespace
}  // namespace orauditd
