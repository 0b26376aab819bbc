#include "daemon/replay_logging.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <memory>

#include "daemon/logging.h"

namespace orauditd {
namespace {

constexpr char kLoggerName[] = "orauditd-replay";

}  // namespace

ReplayLogging::ReplayLogging(const Config& config, ReplayProgress* progress)
    : options_(LogSinkOptionsFor(config.log_format)) {
  auto sink = std::make_shared<LogSink>(
      options_, [progress](std::string_view line) { progress->Print(line); });
  spdlog::set_default_logger(std::make_shared<spdlog::logger>(kLoggerName, std::move(sink)));
  spdlog::level::level_enum level = spdlog::level::from_str(config.log_level);
  spdlog::set_level(level < spdlog::level::info ? level : std::max(level, spdlog::level::warn));
}

ReplayLogging::~ReplayLogging() {
  // Replacing the logger destroys the old sink, which writes the repeat
  // counts it still holds while the progress display is still there.
  spdlog::set_default_logger(
      std::make_shared<spdlog::logger>(kLoggerName, std::make_shared<LogSink>(options_)));
}

}  // namespace orauditd
