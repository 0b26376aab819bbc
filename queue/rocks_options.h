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
  size_t memtables_bytes = 16 << 20;
  size_t block_cache_bytes = 8 << 20;
  int max_open_files = 512;
};

rocksdb::DBOptions QueueDbOptions(const QueueMemoryBudget& budget, rocksdb::Env* env);

// One descriptor per column family, in the order the queue expects them.
std::vector<rocksdb::ColumnFamilyDescriptor> QueueColumnFamilies(
    const QueueMemoryBudget& budget, const std::vector<std::string>& names);

}  // namespace orauditd
