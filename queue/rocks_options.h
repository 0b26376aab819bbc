// The RocksDB tuning of the durable queue: how much memory it may hold and
// how it reacts to storage errors. Kept apart from DurableQueue so that the
// reasons for each number sit in one place (docs/queue.md has the figures).
//
// Any thread; pure functions.
#pragma once

#include <rocksdb/db.h>
#include <rocksdb/options.h>

#include <string>
#include <vector>

namespace orauditd {

// Memory the queue may use whatever the number of pending records: one
// budget for all memtables and one block cache, shared by every column
// family. Index and filter blocks live in that cache too, so they do not
// grow with the data.
struct QueueMemoryBudget {
  size_t memtable_bytes = 32 << 20;    // one memtable of one family
  size_t memtables_bytes = 128 << 20;  // all of them together
  size_t block_cache_bytes = 8 << 20;
  int max_open_files = 512;

  // The budget for a queue on a filesystem of `disk_bytes` (0: unknown).
  // After the disk was full, RocksDB takes writes again only once a whole
  // memtable's worth is free: on a small disk the memtables are smaller,
  // so that freeing a little space is enough.
  static QueueMemoryBudget ForDisk(uint64_t disk_bytes);
};

rocksdb::DBOptions QueueDbOptions(const QueueMemoryBudget& budget, rocksdb::Env* env);

// One descriptor per column family, in the order the queue expects them.
std::vector<rocksdb::ColumnFamilyDescriptor> QueueColumnFamilies(
    const QueueMemoryBudget& budget, const std::vector<std::string>& names);

}  // namespace orauditd
