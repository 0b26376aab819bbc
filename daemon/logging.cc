#include "daemon/logging.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <memory>


namespace orauditd {

LogSinkOptions LogSinkOptionsFor(const std::string& format) {
  LogSinkOptions options;
  options.format = format == "json" ? LogFormat::kJson : LogFormat::kText;
  options.journal = StderrIsJournal();
  return options;
}

void SetUpLogging(const std::string& level, const std::string& format) {
  auto logger = std::make_shared<spdlog::logger>(
      "orauditd", std::make_shared<LogSink>(LogSinkOptionsFor(format)));
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(level));
  spdlog::flush_on(spdlog::level::info);
  // A flush also writes the counts of repeated lines whose window ended, so
  // they appear even when nothing else is logged.
  spdlog::flush_every(std::chrono::seconds(5));
}

}  // namespace orauditd
