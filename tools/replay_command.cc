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
#include "tools/send_progress.h"

namespace orauditd::tools {
namespace {

constexpr char kUsage[] =
    "usage: orauditctl replay [--socket S] PATH...\n"
    "Sends spool files (or the *.jsonl and *.ndjson files in folders) to the daemon.\n"
    "Progress goes to stderr: for each file, its size, the share of its bytes sent\n"
    "and the lines sent so far, redrawn on a terminal, otherwise a line every 5 s\n"
    "and one when the file is done. Refused lines are printed as file:line: error.\n"
    "Replaying a file again adds no rows.\n"
    "When the daemon cannot store records for now (its disk is below intake.min_free,\n"
    "its queue failed a write), replay stops, says where, and exits 75: run the same\n"
    "command again later.\n"
    "Exit status: 0 all stored, 1 a line was refused or a file could not be sent,\n"
    "2 usage error, 75 the daemon refuses records for now.\n";
// sysexits.h's EX_TEMPFAIL: try again later.
constexpr int kExitTryLater = 75;
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
// line given its spool_ref. It remembers the number and the end offset of
// every line it hands out, so that replies (which come in order, some way
// behind the reading) can name file:line and the share of the file
// answered.
class SpoolLineBuf : public std::streambuf {
 public:
  struct SentLine {
    int64_t number = 0;
    uint64_t end_offset = 0;  // bytes of the file up to and with this line
  };

  SpoolLineBuf(std::istream* in, std::string name) : in_(in), name_(std::move(name)) {}

  SentLine TakeLine() {
    if (sent_.empty()) return {};
    SentLine line = sent_.front();
    sent_.pop_front();
    return line;
  }
  uint64_t bytes_read() const { return bytes_read_; }

 protected:
  int_type underflow() override {
    while (true) {
      std::string line;
      if (!std::getline(*in_, line)) return traits_type::eof();
      bytes_read_ += line.size() + (in_->eof() ? 0 : 1);  // the newline, if there was one
      ++line_number_;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line_number_ == 1 && line.starts_with(kByteOrderMark)) line.erase(0, 3);
      if (line.find_first_not_of(" \t") == std::string::npos) continue;
      current_ = WithSpoolRef(line, SpoolLineRef(name_, line_number_)) + "\n";
      sent_.push_back({line_number_, bytes_read_});
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
  std::deque<SentLine> sent_;
};

int64_t SteadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

enum class FileOutcome { kSent, kFailed, kDaemonRefusing };

// The first refusal of the daemon's side in a replay: where it stopped.
struct DaemonRefusal {
  std::string error;
  std::string path;
  int64_t line = 0;
};

// Sends one file; adds its counts to `totals`. Stops at the first refusal
// of the daemon's side (filling `refusal`): the lines after it would be
// refused too, and are not the file's fault.
FileOutcome ReplayFile(const std::string& socket_path, const SpoolFile& file, ReplayCounts* totals,
                       SendProgress* progress, DaemonRefusal* refusal) {
  std::ifstream stream(file.path, std::ios::binary);
  if (!stream) {
    progress->Clear();
    std::fprintf(stderr, "orauditctl replay: cannot open %s: %s\n", file.path.c_str(),
                 std::strerror(errno));
    return FileOutcome::kFailed;
  }
  SpoolLineBuf lines(&stream, file.name);
  std::istream in(&lines);
  ReplayCounts mine;
  mine.bytes_total = file.size;
  auto sent = SubmitLines(socket_path, in, [&](const std::string&, const std::string& reply) {
    SpoolLineBuf::SentLine line = lines.TakeLine();
    if (reply.find("\"ok\":true") == std::string::npos) {
      std::string error = ReplyError(reply);
      if (IsDaemonSideRefusal(error)) {
        // Not counted as sent: the line is not stored and may be sent again.
        if (refusal->error.empty()) *refusal = {error, file.path, line.number};
        return false;
      }
      ++mine.sent;
      ++mine.refused;
      progress->Clear();
      std::fprintf(stderr, "%s:%lld: %s\n", file.path.c_str(), static_cast<long long>(line.number),
                   error.c_str());
    } else {
      ++mine.sent;
      ++mine.ok;
      if (reply.find("\"duplicate\":true") != std::string::npos) ++mine.duplicates;
    }
    mine.bytes_sent = line.end_offset;
    progress->Show(file.path, mine, /*done=*/false, SteadyMs());
    return refusal->error.empty();
  });
  totals->sent += mine.sent;
  totals->ok += mine.ok;
  totals->duplicates += mine.duplicates;
  totals->refused += mine.refused;
  if (!sent.ok()) {
    progress->Clear();
    std::fprintf(stderr, "orauditctl replay: %s: %s\n", file.path.c_str(),
                 sent.status().message().c_str());
    return FileOutcome::kFailed;
  }
  if (!refusal->error.empty()) {
    progress->Clear();
    return FileOutcome::kDaemonRefusing;
  }
  // Blank lines after the last record count as sent too.
  mine.bytes_sent = lines.bytes_read();
  progress->Show(file.path, mine, /*done=*/true, SteadyMs());
  progress->Clear();
  return FileOutcome::kSent;
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

  SendProgress progress(stderr, isatty(STDERR_FILENO) == 1, SteadyMs());
  ReplayCounts totals;
  size_t replayed = 0;
  size_t failed = 0;
  DaemonRefusal refusal;
  for (const SpoolFile& file : *files) {
    FileOutcome outcome = ReplayFile(socket_path, file, &totals, &progress, &refusal);
    if (outcome == FileOutcome::kDaemonRefusing) break;
    if (outcome == FileOutcome::kSent) ++replayed;
    if (outcome == FileOutcome::kFailed) ++failed;
  }
  std::printf("replayed %zu of %zu files: %llu lines: %llu stored, %llu duplicates, %llu refused\n",
              replayed, files->size(), static_cast<unsigned long long>(totals.sent),
              static_cast<unsigned long long>(totals.ok - totals.duplicates),
              static_cast<unsigned long long>(totals.duplicates),
              static_cast<unsigned long long>(totals.refused));
  if (!refusal.error.empty()) {
    std::fprintf(stderr,
                 "orauditctl replay: the daemon does not take records for now: %s\n"
                 "orauditctl replay: stopped at %s:%lld; run the same command again later "
                 "(lines already stored come back as duplicates and add no rows)\n",
                 refusal.error.c_str(), refusal.path.c_str(), static_cast<long long>(refusal.line));
    return kExitTryLater;
  }
  return totals.refused > 0 || failed > 0 ? 1 : 0;
}

}  // namespace orauditd::tools
