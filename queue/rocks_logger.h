// RocksLogger: RocksDB's own log, sent to our logger instead of a LOG file
// in the queue's folder. A LOG file there shares the queue's disk: when that
// disk is full, RocksDB's next log line fails, and the assertion Debian
// ships enabled in RocksDB's file writer aborts the daemon. Warnings and
// errors keep their level; RocksDB's chatty info (options, stats) goes to
// trace, under the "rocksdb:" prefix.
//
// Any thread: RocksDB logs from its background threads.
#pragma once

#include <rocksdb/env.h>

#include <cstdarg>
#include <memory>

namespace orauditd {

std::shared_ptr<rocksdb::Logger> NewRocksLogger();

}  // namespace orauditd
