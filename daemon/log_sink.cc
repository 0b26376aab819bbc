#include "daemon/log_sink.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "common/json_writer.h"
#include "common/time_format.h"

namespace orauditd {
namespace {

int64_t SteadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

int64_t UnixMs(std::chrono::system_clock::time_point time) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
}

const char* LevelName(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::trace:
      return "trace";
    case spdlog::level::debug:
      return "debug";
    case spdlog::level::info:
      return "info";
    case spdlog::level::warn:
      return "warn";
    case spdlog::level::err:
      return "error";
    case spdlog::level::critical:
      return "critical";
    default:
      return "off";
  }
}

}  // namespace

int JournalPriority(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::trace:
    case spdlog::level::debug:
      return 7;
    case spdlog::level::info:
      return 6;
    case spdlog::level::warn:
      return 4;
    case spdlog::level::err:
      return 3;
    default:
      return 2;
  }
}

bool StderrIsJournal() {
  const char* stream = std::getenv("JOURNAL_STREAM");
  if (stream == nullptr) return false;
  unsigned long long device = 0;
  unsigned long long inode = 0;
  if (std::sscanf(stream, "%llu:%llu", &device, &inode) != 2) return false;
  struct stat st;
  if (fstat(STDERR_FILENO, &st) != 0) return false;
  return st.st_dev == device && st.st_ino == inode;
}

LogSink::LogSink(LogSinkOptions options, Writer write, MonotonicMs now_ms)
    : options_(options), write_(std::move(write)), now_ms_(std::move(now_ms)) {
  if (!write_) {
    write_ = [](std::string_view line) { std::fwrite(line.data(), 1, line.size(), stderr); };
  }
  if (!now_ms_) now_ms_ = SteadyMs;
}

LogSink::~LogSink() {
  std::lock_guard<std::mutex> lock(mutex_);
  WriteSummaries(/*all=*/true, now_ms_());
  std::fflush(stderr);
}

std::string LogSink::Shape(std::string_view text) {
  std::string shape;
  size_t i = 0;
  while (i < text.size()) {
    if (std::isspace(static_cast<unsigned char>(text[i]))) {
      shape.push_back(text[i++]);
      continue;
    }
    size_t end = i;
    bool digit = false;
    while (end < text.size() && !std::isspace(static_cast<unsigned char>(text[end]))) {
      digit = digit || std::isdigit(static_cast<unsigned char>(text[end]));
      ++end;
    }
    if (digit) {
      shape.push_back('#');
    } else {
      shape.append(text.substr(i, end - i));
    }
    i = end;
  }
  return shape;
}

bool LogSink::Admit(spdlog::level::level_enum level, const std::string& text, int64_t now) {
  if (level < spdlog::level::warn || options_.repeat_window_ms <= 0) return true;
  std::string shape = std::string(LevelName(level)) + " " + Shape(text);
  auto it = repeats_.find(shape);
  if (it != repeats_.end() && now - it->second.window_start_ms < options_.repeat_window_ms) {
    ++it->second.suppressed;
    it->second.last_text = text;
    return false;
  }
  if (it != repeats_.end()) {
    // The window ended with repeats that no flush has reported yet.
    if (it->second.suppressed > 0) {
      WriteLine(level, UnixMs(std::chrono::system_clock::now()), it->second.last_text,
                it->second.suppressed);
    }
    it->second = Repeat{now, 0, level, text};
    return true;
  }
  if (repeats_.size() < options_.max_tracked_shapes) repeats_[shape] = Repeat{now, 0, level, text};
  return true;
}

void LogSink::WriteSummaries(bool all, int64_t now) {
  int64_t wall = UnixMs(std::chrono::system_clock::now());
  for (auto it = repeats_.begin(); it != repeats_.end();) {
    bool ended = now - it->second.window_start_ms >= options_.repeat_window_ms;
    if (!all && !ended) {
      ++it;
      continue;
    }
    if (it->second.suppressed > 0) {
      WriteLine(it->second.level, wall, it->second.last_text, it->second.suppressed);
    }
    it = repeats_.erase(it);
  }
}

// The record a line is about, for a JSON field of its own: the daemon's
// lines name it as "record <id>:" (or ", record <id>" at the end). Ids hold
// no spaces, colons or commas; anything else after "record " is prose.
std::string_view LogSink::RecordIdIn(std::string_view message) {
  for (size_t at = message.find("record "); at != std::string_view::npos;
       at = message.find("record ", at + 1)) {
    if (at > 0 && message[at - 1] != ' ') continue;
    size_t begin = at + 7;
    size_t end = message.find_first_of(" :,", begin);
    std::string_view id = message.substr(begin, end == std::string_view::npos ? end : end - begin);
    bool ends_well = end == std::string_view::npos || message[end] == ':' || message[end] == ',';
    if (!id.empty() && ends_well) return id;
  }
  return {};
}

void LogSink::WriteLine(spdlog::level::level_enum level, int64_t unix_ms, std::string_view text,
                        uint64_t repeated) {
  std::string line;
  if (options_.journal) line = "<" + std::to_string(JournalPriority(level)) + ">";
  std::string message(text);
  if (repeated > 0) {
    std::string times = repeated == 1 ? "once" : std::to_string(repeated) + " times";
    message += " (repeated " + times + " within " +
               std::to_string(options_.repeat_window_ms / 1000) + "s; the last one shown)";
  }
  if (options_.format == LogFormat::kJson) {
    JsonWriter json;
    json.BeginObject();
    json.Field("time", FormatRfc3339Utc(unix_ms));
    json.Field("level", LevelName(level));
    json.Field("message", message);
    std::string_view record_id = RecordIdIn(text);
    if (!record_id.empty()) json.Field("record_id", record_id);
    if (repeated > 0) {
      json.Key("repeated");
      json.Int(static_cast<int64_t>(repeated));
    }
    json.EndObject();
    line += json.str();
  } else {
    if (!options_.journal) line += FormatSqliteUtc(unix_ms) + " ";
    line += std::string(LevelName(level)) + " " + message;
  }
  line.push_back('\n');
  write_(line);
}

void LogSink::WriteHeldCounts(int64_t unix_ms) {
  for (auto& [shape, repeat] : repeats_) {
    if (repeat.suppressed == 0) continue;
    WriteLine(repeat.level, unix_ms, repeat.last_text, repeat.suppressed);
    repeat.suppressed = 0;
  }
}

void LogSink::sink_it_(const spdlog::details::log_msg& msg) {
  std::string text(msg.payload.data(), msg.payload.size());
  if (!Admit(msg.level, text, now_ms_())) return;
  // An info line is an event ("storage recovered", a reload, a stop): the
  // counts of what repeated before it go first. Debug lines (one per record)
  // and other warnings would undo the counting if they did the same.
  if (msg.level == spdlog::level::info || msg.level == spdlog::level::critical) {
    WriteHeldCounts(UnixMs(msg.time));
  }
  WriteLine(msg.level, UnixMs(msg.time), text, 0);
}

void LogSink::flush_() {
  WriteSummaries(/*all=*/false, now_ms_());
  std::fflush(stderr);
}

}  // namespace orauditd
