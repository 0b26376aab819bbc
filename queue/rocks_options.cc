#include "queue/rocks_options.h"

#include <rocksdb/cache.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>
#include <rocksdb/utilities/table_properties_collectors.h>
#include <rocksdb/write_buffer_manager.h>

#include "queue/rocks_logger.h"

namespace orauditd {
namespace {

// A memtable flush writes one L0 file per column family; small memtables
// keep the budget, and two of them let one flush while the other fills.
constexpr size_t kWriteBufferBytes = 8 << 20;
constexpr int kMaxWriteBuffers = 2;

// The due index and the records are a queue: keys are written once,
// deleted soon after, and scanned from the front. A file whose window of
// 128 entries holds 64 deletions is compacted early, so that scans and
// restarts do not wade through tombstones for long.
constexpr size_t kDeletionWindow = 128;
constexpr size_t kDeletionTrigger = 64;

}  // namespace

rocksdb::DBOptions QueueDbOptions(const QueueMemoryBudget& budget, rocksdb::Env* env) {
  rocksdb::DBOptions options;
  options.create_if_missing = true;
  options.create_missing_column_families = true;
  options.IncreaseParallelism(2);
  // Bounds the WAL, and so the time a restart spends replaying it.
  options.max_total_wal_size = 64 << 20;
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
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = rocksdb::NewLRUCache(budget.block_cache_bytes);
  table.cache_index_and_filter_blocks = true;
  table.pin_l0_filter_and_index_blocks_in_cache = true;
  // Intake asks the dedup and gen families about keys that are mostly
  // absent; a filter answers those without reading a block.
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));

  rocksdb::ColumnFamilyOptions base;
  base.OptimizeLevelStyleCompaction(budget.memtables_bytes);
  base.write_buffer_size = kWriteBufferBytes;
  base.max_write_buffer_number = kMaxWriteBuffers;
  base.min_write_buffer_number_to_merge = 1;
  base.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));

  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const std::string& name : names) {
    rocksdb::ColumnFamilyOptions cf = base;
    if (name == "due" || name == "records") {
      cf.table_properties_collector_factories.push_back(
          rocksdb::NewCompactOnDeletionCollectorFactory(kDeletionWindow, kDeletionTrigger));
    }
    descriptors.emplace_back(name, cf);
  }
  return descriptors;
}

}  // namespace orauditd
