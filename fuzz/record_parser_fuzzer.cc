// libFuzzer target for the record parser, the one place that reads client
// JSON. An input is read the way the spool reads a file (split into lines,
// "\r\n" and blank lines tolerated) and every line is parsed; the whole
// input is parsed once more as one line, so that pretty-printed seeds count
// too. Besides what the sanitizers catch, it checks the parser's contract:
// a refusal is InvalidArgument naming a field ("<field>: <problem>"), and an
// accepted record's dedup key follows request_id, then generation_id.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "common/prompt_hash.h"
#include "intake/record_parser.h"

namespace {

constexpr int64_t kNowMs = 1798761600000;  // 2027-01-01T00:00:00Z

void Check(bool holds) {
  if (!holds) std::abort();
}

void ParseOne(std::string_view line, const orauditd::ParseContext& ctx) {
  auto parsed = orauditd::ParseRecordLine(line, ctx);
  if (!parsed.ok()) {
    Check(parsed.status().code() == orauditd::Status::Code::kInvalidArgument);
    Check(parsed.status().message().find(": ") != std::string::npos);
    return;
  }
  const orauditd::Record& record = parsed->record;
  if (!record.request_id.empty()) {
    Check(record.dedup_key == record.request_id);
  } else if (record.generation_id) {
    Check(record.dedup_key == *record.generation_id);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const orauditd::PromptHasher hasher("");
  orauditd::ParseContext ctx;
  ctx.now_ms = kNowMs;
  ctx.hasher = &hasher;
  // Small limits reach the over-long and too-deep paths with short inputs.
  ctx.limits.max_line_bytes = 16 << 10;
  ctx.limits.max_depth = 16;

  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string_view rest = input;
  while (!rest.empty()) {
    size_t newline = rest.find('\n');
    std::string_view line = rest.substr(0, newline);
    rest = newline == std::string_view::npos ? std::string_view() : rest.substr(newline + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    ParseOne(line, ctx);
  }
  if (input.find('\n') != std::string_view::npos) ParseOne(input, ctx);
  return 0;
}
