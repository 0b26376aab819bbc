// orauditctl replay: sends spool files to a running daemon over its socket,
// with progress and a summary. Every record gets "spool_ref":"<file>:<line>",
// which the daemon uses as its dedup key when the record has neither
// request_id nor generation_id: the same key the spool and `orauditd
// replay` give that line, so a file replayed twice, or replayed after the
// spool took it in, adds no rows.
#include <simdjson.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <deque>
#include <fstream>
#include <istream>
#include <streambuf>
#include <string>

#include "common/json_writer.h"
#include "common/spool_files.h"
#include "tools/commands.h"
#include "tools/intake_client.h"

namespace orauditd::tools {
namespace {

constexpr char kUsage[] =
    "usage: orauditctl replay [--socket S] PATH...\n"
    "Sends spool files (or the *.jsonl and *.ndjson files in folders) to the daemon,\n"
    "showing progress; refused lines are printed as file:line: error. Replaying a\n"
    "file again adds no rows.\n";
constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

bool Names(simdjson::dom::object& object, std::string_view field) {
  simdjson::dom::element value;
  return object[field].get(value) == simdjson::SUCCESS && !value.is_null();
}

// The line with "spool_ref" added after its opening brace when it names
// neither request_id nor generation_id (the only case in which the daemon
// uses it). Lines that are not JSON objects, or have a spool_ref already,
// go as they are: the daemon refuses them with the reason, or uses theirs.
std::string WithSpoolRef(std::string_view line, const std::string& ref) {
  thread_local simdjson::dom::parser parser;
  simdjson::dom::object object;
  if (parser.parse(line.data(), line.size()).get(object) != simdjson::SUCCESS ||
      Names(object, "request_id") || Names(object, "generation_id") ||
      object["spool_ref"].error() != simdjson::NO_SUCH_FIELD) {
    return std::string(line);
  }
  size_t brace = line.find('{');
  std::string out(line.substr(0, brace + 1));
  out += "\"spool_ref\":";
  AppendJsonString(&out, ref);
  if (object.size() > 0) out += ",";
  out.append(line.substr(brace + 1));
  return out;
}

// The "error" of a refusal reply, or the whole reply if it has none.
std::string ReplyError(const std::string& reply) {
  simdjson::dom::parser parser;
  std::string_view error;
  if (parser.parse(reply)["error"].get(error) == simdjson::SUCCESS) return std::string(error);
  return reply;
}

// An istream over a spool file as the daemon's spool reads it: numbered
// lines, CRLF and a byte order mark tolerated, blank lines left out, each
// line given its spool_ref. It remembers the line number of every line it
// hands out, so that replies (which come in order) can name file:line.
class SpoolLineBuf : public std::streambuf {
 public:
  SpoolLineBuf(std::istream* in, std::string name) : in_(in), name_(std::move(name)) {}

  int64_t TakeLineNumber() {
    int64_t number = numbers_.empty() ? 0 : numbers_.front();
    if (!numbers_.empty()) numbers_.pop_front();
    return number;
  }
  uint64_t bytes_read() const { return bytes_read_; }

 protected:
  int_type underflow() override {
    while (true) {
      std::string line;
      if (!std::getline(*in_, line)) return traits_type::eof();
      bytes_read_ += line.size() + 1;
      ++line_number_;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line_number_ == 1 && line.starts_with(kByteOrderMark)) line.erase(0, 3);
      if (line.find_first_not_of(" \t") == std::string::npos) continue;
      current_ = WithSpoolRef(line, SpoolLineRef(name_, line_number_)) + "\n";
      numbers_.push_back(line_number_);
      setg(current_.data(), current_.data(), current_.data() + current_.size());
      return traits_type::to_int_type(current_[0]);
    }
  }

 private:
  std::istream* in_;
  std::string name_;
  std::string current_;
  int64_t line_number_ = 0;
  uint64_t bytes_read_ = 0;
  std::deque<int64_t> numbers_;
};

struct Totals {
  uint64_t sent = 0;
  uint64_t ok = 0;
  uint64_t duplicates = 0;
  uint64_t refused = 0;
};

// A line redrawn in place on a terminal, a plain line every few seconds
// otherwise.
class Progress {
 public:
  // The first plain line comes after one period, not at the first reply.
  Progress() : terminal_(isatty(STDERR_FILENO) == 1), last_(std::chrono::steady_clock::now()) {}

  // `done`: the file's final count, always shown; otherwise counts so far,
  // shown at most once a period.
  void Show(const std::string& file, const Totals& t, bool done) {
    auto now = std::chrono::steady_clock::now();
    auto every = terminal_ ? std::chrono::milliseconds(200) : std::chrono::milliseconds(5000);
    if (!done && now - last_ < every) return;
    last_ = now;
    std::string text = file + (done ? ": done, " : ": so far ") + std::to_string(t.sent) +
                       " lines sent, " + std::to_string(t.ok - t.duplicates) + " stored, " +
                       std::to_string(t.duplicates) + " duplicates, " + std::to_string(t.refused) +
                       " refused";
    if (terminal_) {
      std::fprintf(stderr, "\r\033[K%s", text.c_str());
      shown_ = true;
    } else {
      std::fprintf(stderr, "orauditctl replay: %s\n", text.c_str());
    }
  }

  void Clear() {
    if (shown_) std::fputs("\r\033[K", stderr);
    shown_ = false;
  }

 private:
  bool terminal_;
  bool shown_ = false;
  std::chrono::steady_clock::time_point last_;
};

// Sends one file; adds its counts to `totals`. False if it could not be sent.
bool ReplayFile(const std::string& socket_path, const SpoolFile& file, Totals* totals,
                Progress* progress) {
  std::ifstream stream(file.path, std::ios::binary);
  if (!stream) {
    progress->Clear();
    std::fprintf(stderr, "orauditctl replay: cannot open %s: %s\n", file.path.c_str(),
                 std::strerror(errno));
    return false;
  }
  SpoolLineBuf lines(&stream, file.name);
  std::istream in(&lines);
  Totals mine;
  auto sent = SubmitLines(socket_path, in, [&](const std::string&, const std::string& reply) {
    int64_t number = lines.TakeLineNumber();
    ++mine.sent;
    if (reply.find("\"ok\":true") == std::string::npos) {
      ++mine.refused;
      progress->Clear();
      std::fprintf(stderr, "%s:%lld: %s\n", file.path.c_str(), static_cast<long long>(number),
                   ReplyError(reply).c_str());
    } else {
      ++mine.ok;
      if (reply.find("\"duplicate\":true") != std::string::npos) ++mine.duplicates;
    }
    progress->Show(file.path, mine, /*done=*/false);
  });
  totals->sent += mine.sent;
  totals->ok += mine.ok;
  totals->duplicates += mine.duplicates;
  totals->refused += mine.refused;
  if (!sent.ok()) {
    progress->Clear();
    std::fprintf(stderr, "orauditctl replay: %s: %s\n", file.path.c_str(),
                 sent.status().message().c_str());
    return false;
  }
  progress->Show(file.path, mine, /*done=*/true);
  progress->Clear();
  return true;
}

}  // namespace

int RunReplay(const Args& args) {
  std::string socket_path = DefaultSocketPath();
  std::vector<std::string> paths;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--socket" && i + 1 < args.size()) {
      socket_path = args[++i];
    } else if (args[i] == "--help") {
      std::fputs(kUsage, stdout);
      return 0;
    } else if (!args[i].empty() && args[i][0] == '-') {
      std::fprintf(stderr, "orauditctl replay: unknown option %s\n%s", args[i].c_str(), kUsage);
      return 2;
    } else {
      paths.push_back(args[i]);
    }
  }
  if (paths.empty()) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  auto files = ListSpoolFiles(paths);
  if (!files.ok()) {
    std::fprintf(stderr, "orauditctl replay: %s\n", files.status().message().c_str());
    return 2;
  }

  Progress progress;
  Totals totals;
  size_t failed = 0;
  for (const SpoolFile& file : *files) {
    if (!ReplayFile(socket_path, file, &totals, &progress)) ++failed;
  }
  std::printf("replayed %zu of %zu files: %llu lines: %llu stored, %llu duplicates, %llu refused\n",
              files->size() - failed, files->size(), static_cast<unsigned long long>(totals.sent),
              static_cast<unsigned long long>(totals.ok - totals.duplicates),
              static_cast<unsigned long long>(totals.duplicates),
              static_cast<unsigned long long>(totals.refused));
  return totals.refused > 0 || failed > 0 ? 1 : 0;
}

}  // namespace orauditd::tools
