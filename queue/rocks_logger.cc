#include "queue/rocks_logger.h"

#include <spdlog/spdlog.h>

#include <cstdio>
#include <cstring>

namespace orauditd {
namespace {

spdlog::level::level_enum LevelFor(rocksdb::InfoLogLevel level) {
  switch (level) {
    case rocksdb::InfoLogLevel::WARN_LEVEL:
      return spdlog::level::warn;
    case rocksdb::InfoLogLevel::ERROR_LEVEL:
      return spdlog::level::err;
    case rocksdb::InfoLogLevel::FATAL_LEVEL:
      return spdlog::level::critical;
    default:
      return spdlog::level::trace;
  }
}

class RocksLogger final : public rocksdb::Logger {
 public:
  RocksLogger() : rocksdb::Logger(rocksdb::InfoLogLevel::DEBUG_LEVEL) {}

  void Logv(const char* format, va_list ap) override {
    Logv(rocksdb::InfoLogLevel::INFO_LEVEL, format, ap);
  }

  void Logv(const rocksdb::InfoLogLevel level, const char* format, va_list ap) override {
    spdlog::level::level_enum ours = LevelFor(level);
    // Formatting costs more than the check; most lines are not wanted.
    if (!spdlog::should_log(ours)) return;
    char text[2048];
    std::vsnprintf(text, sizeof text, format, ap);
    // A failed open is returned to DurableQueue::Open's caller, which reports
    // it with its context (or, for a queue held by a running daemon, says
    // so plainly); RocksDB's own line about it would only say it twice.
    if (std::strstr(text, "DB::Open() failed") != nullptr) ours = spdlog::level::debug;
    if (!spdlog::should_log(ours)) return;
    spdlog::log(ours, "rocksdb: {}", text);
  }
};

}  // namespace

std::shared_ptr<rocksdb::Logger> NewRocksLogger() { return std::make_shared<RocksLogger>(); }

}  // namespace orauditd
