#include "queue/rocks_options.h"

#include <gtest/gtest.h>

namespace orauditd {
namespace {

constexpr uint64_t kMiB = 1 << 20;

TEST(QueueMemoryBudgetTest, LargeDisksGetMemtablesOfThirtyTwoMiB) {
  for (uint64_t disk : {512 * kMiB, 250'000 * kMiB}) {
    QueueMemoryBudget budget = QueueMemoryBudget::ForDisk(disk);
    EXPECT_EQ(budget.memtable_bytes, 32 * kMiB) << disk;
    EXPECT_EQ(budget.memtables_bytes, 128 * kMiB) << disk;
  }
}

// After a full disk, RocksDB resumes writing once one memtable's worth is
// free; on a 64 MiB disk that must not be half of it.
TEST(QueueMemoryBudgetTest, SmallDisksGetSmallMemtables) {
  QueueMemoryBudget budget = QueueMemoryBudget::ForDisk(64 * kMiB);
  EXPECT_EQ(budget.memtable_bytes, 4 * kMiB);
  EXPECT_EQ(budget.memtables_bytes, 16 * kMiB);

  budget = QueueMemoryBudget::ForDisk(256 * kMiB);
  EXPECT_EQ(budget.memtable_bytes, 16 * kMiB);
}

TEST(QueueMemoryBudgetTest, AnUnknownDiskGetsTheDefault) {
  QueueMemoryBudget budget = QueueMemoryBudget::ForDisk(0);
  EXPECT_EQ(budget.memtable_bytes, QueueMemoryBudget().memtable_bytes);
}

TEST(QueueMemoryBudgetTest, TheWalHoldsTwiceTheMemtablesButNeverLessThanSixtyFourMiB) {
  EXPECT_EQ(QueueDbOptions(QueueMemoryBudget::ForDisk(64 * kMiB), nullptr).max_total_wal_size,
            64 * kMiB);
  EXPECT_EQ(QueueDbOptions(QueueMemoryBudget::ForDisk(1024 * kMiB), nullptr).max_total_wal_size,
            256 * kMiB);
}

TEST(QueueMemoryBudgetTest, EveryFamilyUsesTheBudgetsMemtableSize) {
  QueueMemoryBudget budget = QueueMemoryBudget::ForDisk(128 * kMiB);
  for (const auto& family : QueueColumnFamilies(budget, {"default", "records", "due"})) {
    EXPECT_EQ(family.options.write_buffer_size, 8 * kMiB) << family.name;
  }
}

}  // namespace
}  // namespace orauditd
