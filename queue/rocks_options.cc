#include "queue/rocks_options.h"

#include <algorithm>

#include <rocksdb/cache.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>
#include <rocksdb/utilities/table_properties_collectors.h>
#include <rocksdb/write_buffer_manager.h>

#include "queue/rocks_logger.h"

namespace orauditd {
namespace {

// Every memtable flush starts a new WAL, and the first synced intake batch
// on a new WAL also syncs the folder while the flush syncs its table file:
// that batch takes 3-7 ms instead of 0.4. With 4 MiB memtables this came
// three times a second at 20 000 records/s and set the p99 of the
// acknowledgement; 32 MiB makes it about once a second (bench/intake_bench).
constexpr size_t kLargestMemtableBytes = 32 << 20;
constexpr size_t kSmallestMemtableBytes = 4 << 20;
// A memtable is at most this share of the disk (see ForDisk).
constexpr uint64_t kDiskPerMemtable = 16;
// Up to four per family let writes go on while a slow disk flushes; with
// two, RocksDB stops writes as soon as two wait for the flush, and a
// TakeDue waits tens of ms.
constexpr int kMaxWriteBuffers = 4;
// The WAL never needs to hold more than the memtables, twice over; below
// 64 MiB its cap would force flushes (and new WALs) of its own.
constexpr size_t kSmallestWalCapBytes = 64 << 20;

// A flushed table file is written back to the disk as it grows, not all at
// its final sync, which with 32 MiB memtables stalled the intake's WAL sync
// behind it for 10-30 ms (the p999 of the acknowledgement).
constexpr uint64_t kTableBytesPerSync = 1 << 20;

// The due index and the records are a queue: keys are written once,
// deleted soon after, and scanned from the front. A file whose window of
// 128 entries holds 64 deletions is compacted early, so that scans and
// restarts do not wade through tombstones for long.
constexpr size_t kDeletionWindow = 128;
constexpr size_t kDeletionTrigger = 64;

// Share of a memtable's bytes given to its key filter: about 10 bits per
// key for the short dedup and gen entries.
constexpr double kMemtableFilterRatio = 0.05;

// Table files share one block cache that also holds their index and filter
// blocks, so memory does not grow with the data. Indexes and filters are
// partitioned: a lookup loads one 4 KiB partition, not a whole file's index,
// which with ten million records no longer fits the cache and would be read
// again on every lookup. Only `with_filter` families get a bloom filter:
// the records and due families are looked up for keys that exist, where a
// filter only costs memory.
std::shared_ptr<rocksdb::TableFactory> TableFactory(const std::shared_ptr<rocksdb::Cache>& cache,
                                                    bool with_filter) {
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = cache;
  table.block_size = 16 << 10;
  table.cache_index_and_filter_blocks = true;
  table.pin_l0_filter_and_index_blocks_in_cache = true;
  table.pin_top_level_index_and_filter = true;
  table.index_type = rocksdb::BlockBasedTableOptions::IndexType::kTwoLevelIndexSearch;
  if (with_filter) {
    table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
    table.partition_filters = true;
  }
  return std::shared_ptr<rocksdb::TableFactory>(rocksdb::NewBlockBasedTableFactory(table));
}

}  // namespace

QueueMemoryBudget QueueMemoryBudget::ForDisk(uint64_t disk_bytes) {
  QueueMemoryBudget budget;
  if (disk_bytes == 0) return budget;
  budget.memtable_bytes = static_cast<size_t>(std::clamp<uint64_t>(
      disk_bytes / kDiskPerMemtable, kSmallestMemtableBytes, kLargestMemtableBytes));
  budget.memtables_bytes = 4 * budget.memtable_bytes;
  return budget;
}

rocksdb::DBOptions QueueDbOptions(const QueueMemoryBudget& budget, rocksdb::Env* env) {
  rocksdb::DBOptions options;
  options.create_if_missing = true;
  options.create_missing_column_families = true;
  options.IncreaseParallelism(2);
  // Bounds the WAL, and so the time a restart spends replaying it.
  options.max_total_wal_size = std::max(kSmallestWalCapBytes, 2 * budget.memtables_bytes);
  options.bytes_per_sync = kTableBytesPerSync;
  options.max_open_files = budget.max_open_files;
  options.write_buffer_manager =
      std::make_shared<rocksdb::WriteBufferManager>(budget.memtables_bytes);
  // A write error is sticky inside RocksDB until it recovers (docs/queue.md);
  // paranoid checks make sure it is noticed rather than ignored.
  options.paranoid_checks = true;
  // No LOG file beside the queue: see queue/rocks_logger.h.
  options.info_log = NewRocksLogger();
  if (env != nullptr) options.env = env;
  return options;
}

std::vector<rocksdb::ColumnFamilyDescriptor> QueueColumnFamilies(
    const QueueMemoryBudget& budget, const std::vector<std::string>& names) {
  std::shared_ptr<rocksdb::Cache> cache = rocksdb::NewLRUCache(budget.block_cache_bytes);
  // Intake asks the dedup and gen families about keys that are mostly
  // absent; a filter answers those without reading a block.
  std::shared_ptr<rocksdb::TableFactory> filtered = TableFactory(cache, true);
  std::shared_ptr<rocksdb::TableFactory> plain = TableFactory(cache, false);

  rocksdb::ColumnFamilyOptions base;
  base.OptimizeLevelStyleCompaction(budget.memtables_bytes);
  base.write_buffer_size = budget.memtable_bytes;
  base.max_write_buffer_number = kMaxWriteBuffers;
  base.min_write_buffer_number_to_merge = 1;
  base.table_factory = plain;

  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const std::string& name : names) {
    rocksdb::ColumnFamilyOptions cf = base;
    if (name == "due" || name == "records") {
      cf.table_properties_collector_factories.push_back(
          rocksdb::NewCompactOnDeletionCollectorFactory(kDeletionWindow, kDeletionTrigger));
    }
    if (name == "dedup" || name == "gen") {
      cf.table_factory = filtered;
      // Intake looks up every new record's keys here, and they are almost
      // always absent: a filter over the memtable answers that without a
      // walk down its skip list (the table filter covers the files). This
      // was 40% of an intake batch's CPU (bench/intake_bench).
      cf.memtable_whole_key_filtering = true;
      cf.memtable_prefix_bloom_size_ratio = kMemtableFilterRatio;
    }
    descriptors.emplace_back(name, cf);
  }
  return descriptors;
}

}  // namespace orauditd
